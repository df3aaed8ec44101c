using System.Globalization;
using System.Net;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Networking;

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
