using PsContainers.Core.Targets;

namespace PsContainers.Core.Networking;

/// <summary>
/// Containers with a network set up, as targets (<see cref="TargetSelector{T}"/>) of the cmdlets that act on their
/// network state (Get-ContainerPort, Connect-/Disconnect-ContainerNetwork): a literal is the container's exact name,
/// its full id or a unique id prefix; a wildcard matches the name or the id; the list is by name. Reads the network
/// state files only (a container without a network, or a removed one, is not here).
/// </summary>
public sealed class NetworkedContainerCatalog(ContainerNetworking networking) : ITargetCatalog<ContainerNetworkState>
{
    /// <inheritdoc/>
    public string Kind => "container";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.ContainerNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerNetworkState> List() =>
        networking.AllStates().OrderBy(s => s.ContainerName ?? s.ContainerId, StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="InvalidArgumentException">AmbiguousContainerId: the id prefix fits several containers.</exception>
    public IReadOnlyList<ContainerNetworkState> Find(string name, bool idOnly)
    {
        var all = networking.AllStates();
        var exact = all.FirstOrDefault(s => s.ContainerId == name || (!idOnly && s.ContainerName == name));
        if (exact is not null) return [exact];
        var byPrefix = name.Length == 0 ? [] : all.Where(s => s.ContainerId.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (byPrefix.Count > 1)
            throw new InvalidArgumentException(ErrorIds.AmbiguousContainerId,
                $"The id prefix '{name}' matches {byPrefix.Count} containers; give more characters.", name);
        return byPrefix;
    }

    /// <inheritdoc/>
    public ContainerNetworkState? Reload(ContainerNetworkState item) => networking.GetState(item.ContainerId);

    /// <inheritdoc/>
    public bool Matches(ContainerNetworkState item, Wildcard pattern) =>
        pattern.IsMatch(item.ContainerName ?? "") || pattern.IsMatch(item.ContainerId);

    /// <inheritdoc/>
    public string Key(ContainerNetworkState item) => item.ContainerId;

    /// <inheritdoc/>
    public string Describe(ContainerNetworkState item) => item.ContainerName ?? item.ContainerId[..Math.Min(12, item.ContainerId.Length)];
}
