namespace PsContainers.Core.Containers;

/// <summary>
/// How a container is networked (the kind behind docker's HostConfig.NetworkMode; HostConfig.NetworkModeKind). Decided once, when the container is created, by
/// <see cref="Networking.NetworkChoice.Decide"/>; stored by name in container.json ("None", "Host", "Bridge", "Container").
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
    /// <summary>
    /// The network namespace of another, running container (-Network container:&lt;name|id&gt;, docker's
    /// <c>--network container:x</c>, compose's <c>network_mode: service:x</c>): no interfaces of its own, the other
    /// container's /etc/hosts, /etc/resolv.conf and hostname. The other container's id is
    /// <see cref="HostConfig.NetworkContainerId"/>.
    /// </summary>
    Container,
}
