using System.Globalization;
using PsContainers.Core.Util;

namespace PsContainers.Core.Containers.Inspect;

/// <summary>
/// The bytes a container received and sent over its network interfaces: docker stats' NET I/O (the daemon sums
/// rx_bytes and tx_bytes of every interface of the container's sandbox, its loopback left out). Read from
/// <c>/proc/&lt;pid&gt;/net/dev</c> of the container's init, which lists the interfaces of the network namespace that
/// process is in, so no namespace is entered and no host interface name (veth) has to be known.
/// </summary>
public static class NetworkCounters
{
    /// <summary>
    /// The received and sent bytes of <paramref name="c"/>'s network namespace: (0, 0) for -Network host (the host's
    /// interfaces are not the container's; docker shows "0B / 0B" there too), and when its init's net/dev cannot be
    /// read (it exited meanwhile); otherwise <see cref="Parse"/> of that file. A container joined to another's namespace
    /// (-Network container:x, a pod member) counts that shared namespace, as podman stats does.
    /// </summary>
    public static (long Received, long Sent) Read(ISyscalls sys, Container c)
    {
        if (c.HostConfig.NetworkModeKind == NetworkMode.Host || c.State.Pid <= 0) return (0, 0);
        return Parse(sys.ReadProcFile(c.State.Pid, "net/dev"));
    }

    /// <summary>
    /// The sums of the receive and transmit byte counters of every interface but "lo" in the text of a
    /// <c>/proc/net/dev</c> file (proc(5): two header lines, then "  name: rx_bytes rx_packets ... tx_bytes ..." with
    /// 8 receive and 8 transmit fields; the name may touch its first number, as in "eth0:123"). Lines that are not
    /// of that shape are skipped; null or empty text is (0, 0).
    /// </summary>
    public static (long Received, long Sent) Parse(string? text)
    {
        long rx = 0, tx = 0;
        foreach (var line in (text ?? "").Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            if (name.Length == 0 || name == "lo" || name.Contains('|')) continue;
            var fields = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 16
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var r)
                || !long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out var t)) continue;
            rx += r;
            tx += t;
        }
        return (rx, tx);
    }
}
