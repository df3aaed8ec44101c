using PsContainers.Core.Targets;

namespace PsContainers.Core.Containers;

/// <summary>
/// Containers as targets (<see cref="TargetSelector{T}"/>): a literal is an exact name, a full id or a unique id
/// prefix (<see cref="ContainerStore.Find"/>; an id lookup takes ids and prefixes only); a wildcard matches names; the list is ordered by name. Reads are pure
/// (<see cref="ContainerStore.Load"/>): the caller reconciles what it shows.
/// </summary>
public sealed class ContainerCatalog(ContainerStore store) : ITargetCatalog<Container>
{
    /// <inheritdoc/>
    public string Kind => "container";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.ContainerNotFound;

    /// <inheritdoc/>
    public IEnumerable<Container> List() => store.LoadAll().OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="InvalidArgumentException">AmbiguousContainerId.</exception>
    public IReadOnlyList<Container> Find(string name, bool idOnly)
    {
        var c = idOnly ? store.FindById(name) : store.Find(name);
        return c is null ? [] : [c];
    }

    /// <inheritdoc/>
    public Container? Reload(Container item) => store.Load(item.Id);

    /// <inheritdoc/>
    public bool Matches(Container item, Wildcard pattern) => pattern.IsMatch(item.Name);

    /// <inheritdoc/>
    public string Key(Container item) => item.Id;

    /// <inheritdoc/>
    public string Describe(Container item) => item.Name;


    /// <inheritdoc/>

    public string? IdOf(Container item) => item.Id;
}
