using System.Globalization;
using System.Text.Json.Nodes;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Networking;

/// <summary>A published port: host address and port forwarded to a container port.</summary>
public sealed class PortMapping
{
    public string? ContainerName { get; set; }
    public string? ContainerId { get; set; }
    /// <summary>Host address the port is bound to; empty means every address (0.0.0.0).</summary>
    public string HostIP { get; set; } = "";
    public int HostPort { get; set; }
    public int ContainerPort { get; set; }
    public string Protocol { get; set; } = "tcp";

    /// <summary>When a single container port was given a host range: the range's last port (any free one is taken at start).</summary>
    internal int RangeEnd;

    /// <summary>
    /// docker ps form: 0.0.0.0:8000->80/tcp. Before a start picked the host port: 80/tcp when any free port is taken,
    /// 0.0.0.0:8000-8010->80/tcp when any free port of a range is.
    /// </summary>
    public override string ToString()
    {
        if (HostPort == 0) return $"{ContainerPort}/{Protocol}";
        string ip = string.IsNullOrEmpty(HostIP) ? "0.0.0.0" : HostIP.Contains(':') ? $"[{HostIP}]" : HostIP;
        string host = RangeEnd > 0 ? $"{HostPort}-{RangeEnd}" : HostPort.ToString(CultureInfo.InvariantCulture);
        return $"{ip}:{host}->{ContainerPort}/{Protocol}";
    }

    /// <summary>A copy of this mapping (each container created from one parsed value gets its own, as a start sets <see cref="HostPort"/>).</summary>
    public PortMapping Copy() => (PortMapping)MemberwiseClone();

    /// <summary>docker's key of a port map: "&lt;container port&gt;/&lt;protocol&gt;", "80/tcp".</summary>
    public string Key => ContainerPort.ToString(CultureInfo.InvariantCulture) + "/" + Protocol;

    /// <summary>
    /// docker's port map, the shape of inspect's HostConfig.PortBindings and NetworkSettings.Ports:
    /// <see cref="Key"/> ("80/tcp") to the host bindings of that port, in the order given, each made by
    /// <paramref name="binding"/> (<see cref="Asked"/> or <see cref="InUse"/>).
    /// </summary>
    public static Dictionary<string, PortBinding[]> ToBindings(IEnumerable<PortMapping> ports, Func<PortMapping, PortBinding> binding)
    {
        var d = new Dictionary<string, PortBinding[]>(StringComparer.Ordinal);
        foreach (var g in ports.GroupBy(p => p.Key)) d[g.Key] = g.Select(binding).ToArray();
        return d;
    }

    /// <summary>
    /// A binding as -Publish asked for it (docker's HostConfig.PortBindings): HostIp "" for every address, HostPort ""
    /// when any free port is taken at start and "8000-8010" for any free port of a range.
    /// </summary>
    public static PortBinding Asked(PortMapping p) => new(p.HostIP,
        p.HostPort == 0 ? "" : p.RangeEnd > 0 ? $"{p.HostPort}-{p.RangeEnd}" : p.HostPort.ToString(CultureInfo.InvariantCulture));

    /// <summary>A binding in use (docker's NetworkSettings.Ports): HostIp "0.0.0.0" for every address, the host port chosen.</summary>
    public static PortBinding InUse(PortMapping p) => new(string.IsNullOrEmpty(p.HostIP) ? "0.0.0.0" : p.HostIP, p.HostPort.ToString(CultureInfo.InvariantCulture));

    public JsonObject ToCni() => new()
    {
        ["hostPort"] = HostPort,
        ["containerPort"] = ContainerPort,
        ["protocol"] = Protocol,
        ["hostIP"] = HostIP,
    };

    /// <summary>Docker-style list of port strings, ranges folded per protocol: "0.0.0.0:8000-8001->80-81/tcp".</summary>
    public static string Format(IEnumerable<PortMapping> ports)
    {
        var parts = new List<string>();
        PortMapping? start = null, prev = null;
        void Flush()
        {
            if (start is null || prev is null) return;
            if (start == prev) parts.Add(start.ToString());
            else
            {
                string ip = string.IsNullOrEmpty(start.HostIP) ? "0.0.0.0" : start.HostIP;
                parts.Add($"{ip}:{start.HostPort}-{prev.HostPort}->{start.ContainerPort}-{prev.ContainerPort}/{start.Protocol}");
            }
        }
        foreach (var p in ports.OrderBy(p => p.Protocol).ThenBy(p => p.HostIP).ThenBy(p => p.ContainerPort))
        {
            if (prev is not null && p.Protocol == prev.Protocol && p.HostIP == prev.HostIP && p.HostPort == prev.HostPort + 1 && p.ContainerPort == prev.ContainerPort + 1
                && prev.HostPort > 0 && p.RangeEnd == 0 && prev.RangeEnd == 0)
            { prev = p; continue; }
            Flush();
            start = prev = p;
        }
        Flush();
        return string.Join(", ", parts);
    }
}
