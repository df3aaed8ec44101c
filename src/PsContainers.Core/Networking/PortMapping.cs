using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

/// <summary>
/// The one parser of published ports: docker's -p/--publish syntax (docker run reference "Publish or expose port";
/// moby go-connections nat.ParsePortSpec), which compose-spec's short "ports" syntax is, and the pieces of compose's
/// long syntax (<see cref="Parse(string?, string?, string, string?)"/>).
/// </summary>
public static class PortParser
{
    /// <summary>
    /// Parse one -Publish value, <c>[hostIP:][hostPort[-end]:]containerPort[-end][/tcp|udp|sctp]</c>, into one mapping
    /// per container port. The host address may be IPv4, IPv6 in brackets (<c>[::1]:80:80</c>) or IPv6 without them
    /// (<c>::1:80:80</c>: everything before the last two ':'-separated fields, as docker and compose-spec read it);
    /// 0.0.0.0 and :: mean every address (<see cref="PortMapping.HostIP"/> ""). docker ps's form
    /// <c>[ip:]host-&gt;container[/proto]</c> is accepted too. An empty or missing host port means any free port
    /// (HostPort 0); a host range for one container port means any free port of the range.
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidPortSpec: empty, an unknown protocol, a bad address, a port
    /// outside 1-65535, a range ending before it starts, or host and container ranges of different lengths.</exception>
    public static List<PortMapping> Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw Bad(spec, "it is empty");
        var (hostIp, hostPart, containerPart, proto) = Split(spec);
        return Build(spec, hostIp, hostPart, containerPart, proto);
    }

    /// <summary>
    /// The mappings of a port given in pieces, as compose-spec's long syntax gives it (<c>host_ip</c>,
    /// <c>published</c>, <c>target</c>, <c>protocol</c>): <paramref name="hostIp"/> an address or null/"" for every
    /// address; <paramref name="hostPorts"/> "8080", "8000-8010" or null/"" for any free port;
    /// <paramref name="containerPorts"/> "80" or "80-81"; <paramref name="protocol"/> tcp (null), udp or sctp, any case.
    /// Checked exactly as <see cref="Parse(string)"/> checks the short form.
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidPortSpec, as <see cref="Parse(string)"/>.</exception>
    public static List<PortMapping> Parse(string? hostIp, string? hostPorts, string containerPorts, string? protocol)
    {
        string ip = hostIp ?? "";
        string spec = (ip.Contains(':') ? $"[{ip}]:" : ip.Length > 0 ? ip + ":" : "") + (string.IsNullOrEmpty(hostPorts) ? "" : hostPorts + ":") + containerPorts + "/" + (protocol ?? "tcp");
        return Build(spec, ip, hostPorts, containerPorts, (protocol ?? "tcp").ToLowerInvariant());
    }

    /// <summary>
    /// The text pieces of a -Publish value, not yet checked: the host address as written (brackets removed; "" when
    /// none), the host port or range (null when none), the container port or range, and the protocol (lower case).
    /// </summary>
    internal static (string HostIp, string? HostPorts, string ContainerPorts, string Protocol) Split(string spec)
    {
        string s = spec.Trim();
        int arrow = s.IndexOf("->", StringComparison.Ordinal);
        if (arrow > 0)
        {
            // docker ps form: [ip:]hostPort[-end]->containerPort[-end][/proto]
            string left = s[..arrow], right = s[(arrow + 2)..];
            int c = left.LastIndexOf(':');
            s = c < 0 ? left + ":" + right : left[..c] + ":" + left[(c + 1)..] + ":" + right;
        }
        string proto = "tcp";
        int slash = s.LastIndexOf('/');
        if (slash >= 0)
        {
            proto = s[(slash + 1)..].ToLowerInvariant();
            s = s[..slash];
        }
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close < 0 || close + 1 >= s.Length || s[close + 1] != ':') throw Bad(spec, "the IPv6 address is not closed with ']:'");
            var rest = s[(close + 2)..].Split(':');
            if (rest.Length != 2) throw Bad(spec, "expected [ip]:hostPort:containerPort");
            return (s[1..close], rest[0], rest[1], proto);
        }
        var f = s.Split(':');
        return f.Length switch
        {
            1 => ("", null, f[0], proto),
            2 => ("", f[0], f[1], proto),
            // three fields: ip:host:container; more: an IPv6 address without brackets, then host and container
            _ => (string.Join(':', f[..^2]), f[^2], f[^1], proto),
        };
    }

    private static List<PortMapping> Build(string spec, string hostIp, string? hostPart, string containerPart, string proto)
    {
        if (proto is not ("tcp" or "udp" or "sctp")) throw Bad(spec, $"'{proto}' is not tcp, udp or sctp");
        if (hostIp.Length > 0)
        {
            if (!IPAddress.TryParse(hostIp, out var a))
                throw Bad(spec, $"'{hostIp}' is not an IP address");
            hostIp = a.ToString();
            if (hostIp is "0.0.0.0" or "::") hostIp = "";
        }
        var (cStart, cEnd) = ParseRange(containerPart, spec, "container port");
        int count = cEnd - cStart + 1;
        var list = new List<PortMapping>();
        if (string.IsNullOrEmpty(hostPart))
        {
            for (int p = cStart; p <= cEnd; p++) list.Add(new PortMapping { HostIP = hostIp, HostPort = 0, ContainerPort = p, Protocol = proto });
            return list;
        }
        var (hStart, hEnd) = ParseRange(hostPart, spec, "host port");
        int hCount = hEnd - hStart + 1;
        if (hCount == count)
        {
            for (int i = 0; i < count; i++) list.Add(new PortMapping { HostIP = hostIp, HostPort = hStart + i, ContainerPort = cStart + i, Protocol = proto });
        }
        else if (count == 1 && hCount > 1)
        {
            // docker: one container port, a host range: any free port of the range (chosen at start); keep the range start, resolve later
            list.Add(new PortMapping { HostIP = hostIp, HostPort = hStart, RangeEnd = hEnd, ContainerPort = cStart, Protocol = proto });
        }
        else throw Bad(spec, $"the host range has {hCount} ports but the container range has {count}");
        return list;
    }

    /// <summary>ExposedPorts of an image config ("80/tcp", "53/udp", "8000-8002/tcp") as mappings to random host ports.</summary>
    public static List<PortMapping> FromExposed(IEnumerable<string> exposed)
    {
        var list = new List<PortMapping>();
        foreach (var e in exposed) list.AddRange(Parse(e.Contains('/') ? e : e + "/tcp"));
        return list;
    }

    private static (int, int) ParseRange(string s, string spec, string what)
    {
        var parts = s.Split('-');
        if (parts.Length > 2) throw Bad(spec, $"bad {what} range '{s}'");
        int a = Port(parts[0], spec, what);
        int b = parts.Length == 2 ? Port(parts[1], spec, what) : a;
        if (b < a) throw Bad(spec, $"{what} range '{s}' ends before it starts");
        return (a, b);
    }

    private static int Port(string s, string spec, string what)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p < 1 || p > 65535)
            throw Bad(spec, $"'{s}' is not a valid {what} (1-65535)");
        return p;
    }

    private static PscException Bad(string spec, string why) =>
        new InvalidArgumentException(ErrorIds.InvalidPortSpec, $"Invalid port specification '{spec}': {why}. Use [hostIP:][hostPort:]containerPort[/tcp|udp], e.g. 8000:80.", spec);
}

/// <summary>Host-side checks for published ports: is it free, pick a free one.</summary>
public static class HostPorts
{
    /// <summary>True when the host port can be bound right now (nobody listens on it).</summary>
    public static bool IsFree(string hostIp, int port, string protocol)
    {
        var addr = string.IsNullOrEmpty(hostIp) ? IPAddress.Any : IPAddress.Parse(hostIp);
        var type = protocol == "udp" ? SocketType.Dgram : SocketType.Stream;
        var proto = protocol == "udp" ? ProtocolType.Udp : ProtocolType.Tcp;
        if (protocol == "sctp") return true;
        try
        {
            using var s = new Socket(addr.AddressFamily, type, proto);
            s.Bind(new IPEndPoint(addr, port));
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>A free port chosen by the kernel (bind to port 0).</summary>
    public static int PickFree(string hostIp, string protocol, ISet<int> avoid)
    {
        var addr = string.IsNullOrEmpty(hostIp) ? IPAddress.Any : IPAddress.Parse(hostIp);
        for (int i = 0; i < 50; i++)
        {
            using var s = new Socket(addr.AddressFamily, protocol == "udp" ? SocketType.Dgram : SocketType.Stream, protocol == "udp" ? ProtocolType.Udp : ProtocolType.Tcp);
            s.Bind(new IPEndPoint(addr, 0));
            int p = ((IPEndPoint)s.LocalEndPoint!).Port;
            if (!avoid.Contains(p)) return p;
        }
        throw new PscException(ErrorIds.NoFreePort, PscErrorCategory.ResourceUnavailable, "No free host port was found.", hostIp);
    }

    /// <summary>Host ports that CNI portmap rules already forward (any engine using the CNI-DN chains), as "proto/port".</summary>
    public static HashSet<string> ForwardedByIptables()
    {
        var set = new HashSet<string>();
        var (rc, stdout, _) = HostCommand.Run("iptables", "-w", "-t", "nat", "-S");
        if (rc != 0) return set;
        foreach (var line in stdout.Split('\n'))
        {
            if (!line.StartsWith("-A CNI-DN-") || !line.Contains("DNAT")) continue;
            var f = line.Split(' ');
            int pi = Array.IndexOf(f, "-p"), di = Array.IndexOf(f, "--dport");
            if (pi > 0 && di > 0 && pi + 1 < f.Length && di + 1 < f.Length) set.Add(f[pi + 1] + "/" + f[di + 1]);
        }
        return set;
    }
}
