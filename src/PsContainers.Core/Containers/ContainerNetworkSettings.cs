using System.Globalization;
using System.Text.Json.Serialization;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Containers;

/// <summary>
/// The networks a container joins, with its settings on each (docker inspect: NetworkSettings). Recorded in
/// container.json like docker's: <c>{"Networks": {"pscontainers": {"IPAMConfig": {"IPv4Address": "10.89.0.9"}, "Aliases": []}}}</c>;
/// what the network setup assigned at start (addresses, MAC, the host ports chosen, the namespace) is read from the
/// container's network state while it runs and is empty once it stopped (docker clears the same fields at stop).
/// </summary>
public sealed class ContainerNetworkSettings
{
    /// <summary>
    /// Network name to endpoint, in attachment order (the first is eth0). Empty for <see cref="NetworkMode.None"/>,
    /// <see cref="NetworkMode.Host"/> and <see cref="NetworkMode.Container"/> (the namespace is the host's, the
    /// runtime's own, or the other container's).
    /// </summary>
    public OrderedDictionary<string, ContainerEndpoint> Networks
    {
        get => _networks;
        set { _networks = value; Bind(_runtime); }
    }
    private OrderedDictionary<string, ContainerEndpoint> _networks = new();

    /// <summary>
    /// docker inspect's NetworkSettings.Ports while the container runs: "&lt;port&gt;/&lt;protocol&gt;" to the host
    /// bindings in use, <c>{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}</c>, the host port a start chose
    /// included (HostIp "0.0.0.0" for every address, HostPort a decimal string, as docker writes them). Empty when the
    /// container is not running; HostConfig.PortBindings keeps what was asked for.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, PortBinding[]> Ports => _ports ??= PortsOf(_runtime?.Value);
    private IReadOnlyDictionary<string, PortBinding[]>? _ports;

    /// <summary>
    /// docker's SandboxKey: the network namespace the container's processes are in (a file under /run/netns) while it
    /// runs; null when it is stopped, or on the host's network.
    /// </summary>
    [JsonIgnore] public string? SandboxKey => _runtime?.Value?.NetnsPath;

    private Lazy<ContainerNetworkState?>? _runtime;

    /// <summary>
    /// Links the settings to the container's network state (network.json), read on first use: null when the container
    /// is not running, so that every runtime field reads as cleared.
    /// </summary>
    internal void Bind(Lazy<ContainerNetworkState?>? runtime)
    {
        _runtime = runtime;
        _ports = null;
        foreach (var (name, e) in _networks) e.Bind(name, runtime);
    }

    private static Dictionary<string, PortBinding[]> PortsOf(ContainerNetworkState? s)
    {
        var d = new Dictionary<string, PortBinding[]>(StringComparer.Ordinal);
        if (s is null) return d;
        foreach (var g in s.Ports.GroupBy(p => p.ContainerPort.ToString(CultureInfo.InvariantCulture) + "/" + p.Protocol))
            d[g.Key] = g.Select(p => new PortBinding(string.IsNullOrEmpty(p.HostIP) ? "0.0.0.0" : p.HostIP, p.HostPort.ToString(CultureInfo.InvariantCulture))).ToArray();
        return d;
    }
}
