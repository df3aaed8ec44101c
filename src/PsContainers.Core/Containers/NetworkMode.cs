namespace PsContainers.Core.Containers;

/// <summary>
/// How a container is networked (docker's HostConfig.NetworkMode). Decided once, when the container is created, by
/// <see cref="Networking.NetworkChoice.Decide"/>; stored by name in container.json ("None", "Host", "Bridge").
/// </summary>
public enum NetworkMode
{
    /// <summary>Its own network namespace with only a loopback interface (-Network none).</summary>
    None,
    /// <summary>The host's network namespace (-Network host): no namespace, no ports, the host's resolv.conf.</summary>
    Host,
    /// <summary>
    /// Its own namespace attached to one or more bridge networks: the default network, or user networks made with
    /// New-ContainerNetwork. The networks, in order (the first is eth0), are the keys of
    /// <see cref="ContainerNetworkSettings.Networks"/>.
    /// </summary>
    Bridge,
}
