using PsContainers.Core.Targets;

namespace PsContainers.Core.Networking;

/// <summary>
/// Networks as targets (<see cref="TargetSelector{T}"/>): networks have no ids here, so a literal is an exact name
/// (case-sensitive, as the file it names); a wildcard matches names; the list is in name order. With
/// <see cref="Unused"/> the list (and so every wildcard) holds only what docker network prune removes; a literal name
/// is looked up as given.
/// </summary>
/// <param name="store">The network definitions.</param>
/// <param name="networking">Which containers are attached (their network.json); needed for <see cref="Unused"/>.</param>
public sealed class NetworkCatalog(NetworkStore store, ContainerNetworking? networking = null)
    : NamedObjectCatalog<ContainerNetwork>("network", ErrorIds.NetworkNotFound, n => n.Name)
{
    /// <summary>
    /// Only networks no container is attached to, never the default network (docker network prune: "not used by any
    /// containers"; docker's predefined bridge, host and none are never pruned).
    /// </summary>
    /// <exception cref="InvalidOperationException">Listing with it set but no <c>networking</c> given.</exception>
    public bool Unused { get; init; }

    /// <summary>Containers (full ids) whose attachments do not count for <see cref="Unused"/>: the ones a prune removes first.</summary>
    public IReadOnlySet<string>? IgnoredContainers { get; init; }

    /// <inheritdoc/>
    protected override IEnumerable<ContainerNetwork> ReadAll()
    {
        var all = store.List();
        if (!Unused) return all;
        if (networking is null) throw new InvalidOperationException("NetworkCatalog.Unused needs the container networking.");
        var used = networking.AllStates().Where(s => IgnoredContainers?.Contains(s.ContainerId) != true)
            .SelectMany(s => s.Networks).Select(a => a.Network).ToHashSet(StringComparer.Ordinal);
        return all.Where(n => !n.IsDefault && !used.Contains(n.Name));
    }

    /// <inheritdoc/>
    protected override ContainerNetwork? Get(string name) => store.List().FirstOrDefault(n => n.Name == name);
}
