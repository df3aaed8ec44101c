using PsContainers.Core.Targets;

namespace PsContainers.Core.Networking;

/// <summary>
/// Networks as targets (<see cref="TargetSelector{T}"/>): networks have no ids here, so a literal is an exact name
/// (case-sensitive, as the file it names); a wildcard matches names; the list is in name order.
/// </summary>
public sealed class NetworkCatalog(NetworkStore store) : NamedObjectCatalog<ContainerNetwork>("network", ErrorIds.NetworkNotFound, n => n.Name)
{
    /// <inheritdoc/>
    protected override IEnumerable<ContainerNetwork> ReadAll() => store.List();

    /// <inheritdoc/>
    protected override ContainerNetwork? Get(string name) => store.List().FirstOrDefault(n => n.Name == name);
}
