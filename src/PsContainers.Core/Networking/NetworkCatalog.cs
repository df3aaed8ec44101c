using PsContainers.Core.Targets;

namespace PsContainers.Core.Networking;

/// <summary>
/// Networks as targets (<see cref="TargetSelector{T}"/>): networks have no ids here, so a literal is an exact name
/// (case-sensitive, as the file it names); a wildcard matches names; the list is in name order.
/// </summary>
public sealed class NetworkCatalog(NetworkStore store) : ITargetCatalog<ContainerNetwork>
{
    /// <inheritdoc/>
    public string Kind => "network";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.NetworkNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerNetwork> List() => store.List();

    /// <inheritdoc/>
    public IReadOnlyList<ContainerNetwork> Find(string name, bool idOnly) =>
        idOnly ? [] : store.List().Where(n => n.Name == name).ToList();

    /// <inheritdoc/>
    public ContainerNetwork? Reload(ContainerNetwork item) => store.List().FirstOrDefault(n => n.Name == item.Name);

    /// <inheritdoc/>
    public bool Matches(ContainerNetwork item, Wildcard pattern) => pattern.IsMatch(item.Name);

    /// <inheritdoc/>
    public string Key(ContainerNetwork item) => item.Name;

    /// <inheritdoc/>
    public string Describe(ContainerNetwork item) => item.Name;
}
