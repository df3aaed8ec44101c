using PsContainers.Core.Containers;
using System.Globalization;
using System.Text;
using static PsContainers.FileSystem.Libc;

namespace PsContainers.Monitor;

/// <summary>
/// pscmon's network probe mode, <c>pscmon net-probe PID HTTP-GET PORT PATH</c> or <c>pscmon net-probe PID TCP-SOCKET
/// PORT</c>: the child <see cref="HealthProber"/> spawns for a Kubernetes httpGet or tcpSocket probe (the HTTP-GET and
/// TCP-SOCKET healthchecks). It enters the network namespace of process PID (the container's init; in a pod, the
/// pod's namespace) and connects to 127.0.0.1:PORT there, so the image needs no curl or nc (podman runs curl or nc
/// inside the container, podman#18318). TCP-SOCKET: healthy (exit 0) when the connection opens. HTTP-GET: sends an
/// HTTP/1.1 GET of PATH and is healthy when the status is 200-399, as the kubelet's prober
/// (pkg/probe/http); redirects are not followed. One line on stdout says what happened (the health log's output);
/// exit 1 otherwise. The prober's timeout kills it, as it kills an exec probe.
/// </summary>
internal static unsafe class NetProbe
{
    public static int Run(string[] a)
    {
        if (a.Length < 3 || !int.TryParse(a[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !int.TryParse(a[2], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535
            || a[1] is not (HealthConfig.HttpGet or HealthConfig.TcpSocket) || (a[1] == HealthConfig.HttpGet && a.Length < 4))
            return Say("usage: pscmon net-probe PID HTTP-GET PORT PATH | pscmon net-probe PID TCP-SOCKET PORT", 2);
        byte[] nsPath = Encoding.ASCII.GetBytes($"/proc/{pid}/ns/net\0");
        int ns;
        fixed (byte* p = nsPath) ns = open(p, O_RDONLY | O_CLOEXEC, 0);
        if (ns < 0) return Say($"cannot open the network namespace of process {pid} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})", 1);
        // this thread enters it; the socket made below belongs to it
        if (setns(ns, CLONE_NEWNET) != 0) return Say($"cannot enter the network namespace of process {pid} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})", 1);
        close(ns);
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) return Say($"socket: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}", 1);
        byte* addr = stackalloc byte[16];
        new Span<byte>(addr, 16).Clear();
        addr[0] = AF_INET; // sin_family, little endian
        addr[2] = (byte)(port >> 8); addr[3] = (byte)port; // sin_port, network order
        addr[4] = 127; addr[7] = 1; // 127.0.0.1
        if (connect(s, addr, 16) != 0)
            return Say($"connect to 127.0.0.1:{port}: {(System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == 111 ? "connection refused" : "errno " + System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}", 1);
        if (a[1] == HealthConfig.TcpSocket) return Say($"connected to 127.0.0.1:{port}", 0);

        byte[] request = Encoding.ASCII.GetBytes($"GET {a[3]} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: pscontainers-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n");
        fixed (byte* r = request)
            for (int sent = 0; sent < request.Length;)
            {
                nint n = write(s, r + sent, (nuint)(request.Length - sent));
                if (n <= 0) return Say($"sending the request to 127.0.0.1:{port} failed", 1);
                sent += (int)n;
            }
        // the status line: "HTTP/1.1 200 OK"
        byte* buf = stackalloc byte[512];
        int got = 0;
        while (got < 512)
        {
            nint n = read(s, buf + got, (nuint)(512 - got));
            if (n <= 0) break;
            got += (int)n;
            if (new ReadOnlySpan<byte>(buf, got).IndexOf((byte)'\n') >= 0) break;
        }
        close(s);
        var head = new ReadOnlySpan<byte>(buf, got);
        int eol = head.IndexOf((byte)'\n');
        string line = Encoding.ASCII.GetString(eol >= 0 ? head[..eol] : head).TrimEnd('\r');
        var parts = line.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
            return Say($"GET http://127.0.0.1:{port}{a[3]}: no HTTP response", 1);
        return Say($"GET http://127.0.0.1:{port}{a[3]}: {line}", status is >= 200 and < 400 ? 0 : 1);
    }

    private static int Say(string message, int code)
    {
        Console.Out.WriteLine(message);
        Console.Out.Flush();
        return code;
    }
}
