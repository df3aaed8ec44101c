using System.Net;
using System.Net.Sockets;

namespace PsContainers.Core.Networking;

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
