using System.Text;
using PsContainers.Contract;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// pscmon --attach-socket PATH [--detach-keys KEYS] [--no-stdin]: attach this terminal to a running container with a
/// terminal (docker attach on a -Tty container; Connect-Container on a terminal). The caller's terminal goes into raw
/// mode; what arrives on the container's attach socket (<see cref="AttachServer"/>) is written to stdout, and what is
/// typed goes to the socket (unless --no-stdin) after the detach keys (<see cref="DetachKeys"/>, docker's default
/// ctrl-p,ctrl-q) were looked for: they end this client and leave the container running. The terminal's size goes to
/// the container's terminal when attaching and after each resize (<see cref="WindowSize"/>), as docker attach does. Ctrl+C is a byte like any
/// other here; the container's terminal turns it into SIGINT. Exit code 0 when the container's stream ended or the
/// keys detached; 1 when the socket cannot be reached.
/// </summary>
internal sealed unsafe class AttachClient(MonitorContext ctx)
{
    private readonly MonitorOptions _o = ctx.Options;

    public int Run()
    {
        DetachKeys keys;
        try { keys = DetachKeys.Parse(_o.DetachKeys); }
        catch (ArgumentException e) { WriteAll(2, Encoding.UTF8.GetBytes("pscmon: " + e.Message + "\n")); return 2; }
        int sock = Connect(_o.AttachSocket!);
        if (sock < 0) { WriteAll(2, Encoding.UTF8.GetBytes($"pscmon: cannot connect to the attach socket {_o.AttachSocket}\n")); return 1; }
        byte* saved = stackalloc byte[128];
        byte* raw = stackalloc byte[128];
        bool tty = !_o.NoStdin && tcgetattr(0, saved) == 0;
        if (tty) { Buffer.MemoryCopy(saved, raw, 128, 128); cfmakeraw(raw); tcsetattr(0, 0, raw); }
        try { Relay(sock, keys, !_o.NoStdin, WindowSize.ResizeSocketOf(_o.AttachSocket!)); }
        finally
        {
            if (tty) tcsetattr(0, 1 /* TCSADRAIN */, saved);
            close(sock);
        }
        return 0;
    }

    private static void Relay(int sock, DetachKeys keys, bool stdinOpen, string resizeSocket)
    {
        byte[] buf = new byte[16384];
        var forward = new List<byte>();
        var pfd = stackalloc PollFd[2];
        ulong size = 0;
        while (true)
        {
            // the terminal's size now and after every change, as a run on this terminal follows it (docker attach's resize)
            if (WindowSize.Changed(ref size, out ulong ws)) SendSize(resizeSocket, ws);
            int n = 0, iIn = -1;
            pfd[n++] = new PollFd { fd = sock, events = POLLIN };
            if (stdinOpen) { iIn = n; pfd[n++] = new PollFd { fd = 0, events = POLLIN }; }
            int pr = poll(pfd, (nuint)n, WindowSize.PollMilliseconds);
            if (pr == 0) continue;
            if (pr < 0) { if (Errno == EINTR) continue; return; }
            fixed (byte* b = buf)
            {
                if (pfd[0].revents != 0)
                {
                    nint got = read(sock, b, (nuint)buf.Length);
                    if (got > 0) WriteAll(1, buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR) return; // the container ended
                }
                if (iIn >= 0 && pfd[iIn].revents != 0)
                {
                    nint got = read(0, b, (nuint)buf.Length);
                    if (got > 0)
                    {
                        forward.Clear();
                        bool detach = keys.Scan(buf.AsSpan(0, (int)got), forward);
                        if (forward.Count > 0) WriteAll(sock, forward.ToArray());
                        if (detach) return;
                    }
                    else if (got == 0 || Errno != EINTR) stdinOpen = false;
                }
            }
        }
    }

    /// <summary>
    /// Hand a size to the container's monitor (<see cref="WindowSize.ResizeSocketOf"/>): one connection per size. A
    /// container without a terminal, or a monitor that is gone, has no such socket: nothing is sent.
    /// </summary>
    private static void SendSize(string path, ulong size)
    {
        int fd = Connect(path);
        if (fd < 0) return;
        WriteAll(fd, new ReadOnlySpan<byte>(&size, WindowSize.WireBytes));
        close(fd);
    }

    /// <summary>A connected unix stream socket, or -1.</summary>
    private static int Connect(string path)
    {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        addr[0] = AF_UNIX;
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length > 107) { close(fd); return -1; }
        for (int i = 0; i < p.Length; i++) addr[2 + i] = p[i];
        if (connect(fd, addr, 2 + p.Length + 1) < 0) { close(fd); return -1; }
        return fd;
    }
}
