using PsContainers.Core.Targets;

namespace PsContainers.Core.Pods;

/// <summary>
/// Pods as targets (<see cref="TargetSelector{T}"/>): a literal is an exact name, a full id or a unique id prefix
/// (<see cref="PodStore.Find"/>; an id lookup takes ids and prefixes only); a wildcard matches names; the list is ordered
/// by name. Reads are pure: the members are read by the caller (<see cref="PodManager.WithMembers"/>).
/// </summary>
public sealed class PodCatalog(PodStore store) : ITargetCatalog<ContainerPod>
{
    /// <inheritdoc/>
    public string Kind => "pod";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.PodNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerPod> List() => store.LoadAll().Where(p => !p.Removing).OrderBy(p => p.Name, StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="InvalidArgumentException">AmbiguousPodId.</exception>
    public IReadOnlyList<ContainerPod> Find(string name, bool idOnly) => store.Find(name, idOnly) is { Removing: false } p ? [p] : [];

    /// <inheritdoc/>
    public ContainerPod? Reload(ContainerPod item) => store.Load(item.Id) is { Removing: false } p ? p : null;

    /// <inheritdoc/>
    public bool Matches(ContainerPod item, Wildcard pattern) => pattern.IsMatch(item.Name);

    /// <inheritdoc/>
    public string Key(ContainerPod item) => item.Id;

    /// <inheritdoc/>
    public string Describe(ContainerPod item) => item.Name;


    /// <inheritdoc/>

    public string? IdOf(ContainerPod item) => item.Id;
}
