using System.Text.Json.Serialization;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Containers;

/// <summary>
/// The networks a container joins, with its settings on each (docker inspect: NetworkSettings). What create asked is
/// recorded in container.json like docker's, <c>{"Networks": {"pscontainers": {"IPAMConfig": {"IPv4Address": "10.89.0.9"}, "Aliases": []}}}</c>
/// (<see cref="EndpointsConfig"/>); what the network setup assigned at start and what Connect-/Disconnect-ContainerNetwork
/// changed since (the networks it is on, addresses, MAC, the host ports chosen, the namespace) is read from the
/// container's network state while it runs and is empty once it stopped (docker clears the same fields at stop).
/// </summary>
public sealed class ContainerNetworkSettings
{
    /// <summary>
    /// docker inspect's NetworkSettings.Networks: network name to endpoint, in attachment order (the first is eth0).
    /// <list type="bullet">
    /// <item>Bridge mode, running: the networks the container is on now, as its network state lists them: those joined
    /// at start and those joined later with Connect-ContainerNetwork (docker network connect), without those left with
    /// Disconnect-ContainerNetwork; each with its address, prefix, gateway, MAC and aliases.</item>
    /// <item>Bridge mode, not running: the networks it joins at start (<see cref="EndpointsConfig"/>), addresses cleared.</item>
    /// <item><see cref="NetworkMode.Host"/> and <see cref="NetworkMode.None"/>: one entry named "host" or "none" with no
    /// address, gateway or MAC, as docker shows them.</item>
    /// <item><see cref="NetworkMode.Container"/>: empty (the namespace is the other container's; docker shows none).</item>
    /// <item>A pod's member (<see cref="Container.Pod"/>, in the infra container's namespace): the pod's networks, the
    /// infra container's entries, as podman inspect shows a pod container's (podman reports the network settings of
    /// the container whose namespace it joined).</item>
    /// </list>
    /// Reads the network state (network.json) on first use for a running bridge container only; not stored.
    /// </summary>
    [JsonIgnore]
    public OrderedDictionary<string, ContainerEndpoint> Networks => _pod is { } pod ? pod.Value?.Networks ?? [] : _view ??= View();
    private OrderedDictionary<string, ContainerEndpoint>? _view;

    /// <summary>
    /// What create asked for each network the container joins at start, in order (docker's create request
    /// NetworkingConfig.EndpointsConfig): a fixed address (IPAMConfig), aliases. Stored in container.json as
    /// NetworkSettings.Networks; the network setup attaches exactly these at each start.
    /// </summary>
    [JsonPropertyName("Networks")]
    [JsonInclude]
    internal OrderedDictionary<string, ContainerEndpoint> EndpointsConfig
    {
        get => _endpoints;
        set { _endpoints = value; Bind(_runtime); }
    }
    private OrderedDictionary<string, ContainerEndpoint> _endpoints = new();

    /// <summary>
    /// docker inspect's NetworkSettings.Ports while the container runs: "&lt;port&gt;/&lt;protocol&gt;" to the host
    /// bindings in use, <c>{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}</c>, the host port a start chose
    /// included (HostIp "0.0.0.0" for every address, HostPort a decimal string, as docker writes them). Empty when the
    /// container is not running; HostConfig.PortBindings keeps what was asked for, in the same shape. A pod's member
    /// shows the pod's (the infra container's), as podman does.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, PortBinding[]> Ports => _pod is { } pod
        ? pod.Value?.Ports ?? new Dictionary<string, PortBinding[]>()
        : _ports ??= PortMapping.ToBindings(_runtime?.Value?.Ports ?? [], PortMapping.InUse);
    private IReadOnlyDictionary<string, PortBinding[]>? _ports;

    /// <summary>The port mappings in use while the container runs (a host port a start chose included; a pod member's
    /// are the pod's), null when there is no network state (not running, host or none network).</summary>
    internal IReadOnlyList<PortMapping>? PortsInUse => _pod is { } pod ? pod.Value?.PortsInUse : _runtime?.Value?.Ports;

    /// <summary>
    /// docker's SandboxKey: the network namespace the container's processes are in (a file under /run/netns) while it
    /// runs; null when it is stopped, or on the host's network.
    /// </summary>
    [JsonIgnore] public string? SandboxKey => _runtime?.Value?.NetnsPath;

    private Lazy<ContainerNetworkState?>? _runtime;
    /// <summary>A pod member's: the infra container's settings (read on first use), whose networks and ports it shows.</summary>
    private Lazy<ContainerNetworkSettings?>? _pod;

    /// <summary>
    /// Makes a pod member show its pod's networks and ports (<see cref="Networks"/>, <see cref="Ports"/>): those of the
    /// infra container whose network namespace it joins, <paramref name="infra"/>, read on first use; null: its own.
    /// </summary>
    internal void BindPod(Lazy<ContainerNetworkSettings?>? infra) => _pod = infra;

    /// <summary>The container these settings belong to (its HostConfig.NetworkModeKind decides <see cref="Networks"/>); set by <see cref="Container"/>.</summary>
    internal Container? _owner;

    /// <summary>
    /// Links the settings to the container's network state (network.json), read on first use: null when the container
    /// is not running, so that every runtime field reads as cleared.
    /// </summary>
    internal void Bind(Lazy<ContainerNetworkState?>? runtime)
    {
        _runtime = runtime;
        _ports = null;
        _view = null;
        foreach (var (name, e) in _endpoints) e.Bind(name, runtime);
    }

    private OrderedDictionary<string, ContainerEndpoint> View()
    {
        var mode = _owner?.HostConfig.NetworkModeKind ?? NetworkMode.Bridge;
        if (mode is NetworkMode.Host or NetworkMode.None)
        {
            // docker: Networks.host / Networks.none, no address; the network state has no attachment to bind to
            string name = NetworkChoice.Name(mode);
            var e = new ContainerEndpoint();
            e.Bind(name, null);
            return new OrderedDictionary<string, ContainerEndpoint> { [name] = e };
        }
        if (mode == NetworkMode.Container) return new OrderedDictionary<string, ContainerEndpoint>();
        if (_runtime?.Value is not { Mode: "bridge" } state) return _endpoints;
        var now = new OrderedDictionary<string, ContainerEndpoint>();
        foreach (var a in state.Networks)
        {
            // joined at start: what create asked (IPAMConfig, aliases); joined later: the address and aliases Connect was given
            if (!_endpoints.TryGetValue(a.Network, out var e))
            {
                e = new ContainerEndpoint
                {
                    Aliases = a.Aliases,
                    IPAMConfig = a.RequestedIPAddress is { } ip ? new EndpointIPAMConfig { IPv4Address = ip } : null,
                };
                e.Bind(a.Network, _runtime);
            }
            now[a.Network] = e;
        }
        return now;
    }
}
