using PsContainers.Contract;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// The container's attach socket (docker attach): a unix socket in the temporary directory whose path the monitor
/// records in the container directory (<see cref="ContainerMarkers.AttachSocket"/>; a container directory can be
/// longer than sun_path's 108 bytes). Every client connected gets what the container writes from then on: the raw
/// bytes with a terminal (-Tty), else <see cref="MonitorProtocol"/> frames (Stdout, Stderr, and Exit at the end).
/// What a client sends is written to the container's standard input when it has one (-Interactive: a pipe this
/// monitor keeps open, or the terminal's master); detach keys are the client's business. A client that does not take
/// its output within a second is dropped, so a stuck client never blocks the container. With a terminal, a second
/// socket beside it (<see cref="WindowSize.ResizeSocketOf"/>) takes the attached terminal's size (docker attach's resize).
/// </summary>
internal sealed unsafe class AttachServer
{
    /// <summary>The most clients at once; more are refused (closed at once).</summary>
    public const int MaxClients = 8;

    private readonly MonitorContext _ctx;
    private readonly bool _tty;
    private readonly string _path;
    private readonly string _record;
    private readonly string _resizePath;
    private int _listen = -1, _resizeListen = -1;
    private readonly List<Client> _clients = [];
    /// <summary>Where client input goes: the write end of the container's stdin pipe or the terminal master; -1: none.</summary>
    public int Input = -1;
    /// <summary>The container's terminal master (-Tty), whose size the resize socket sets; -1: none.</summary>
    public int Terminal = -1;

    private sealed class Client(int fd) { public readonly int Fd = fd; public bool Reading = true, Dead; }

    public AttachServer(MonitorContext ctx)
    {
        _ctx = ctx;
        var o = ctx.Options;
        _tty = o.Tty;
        _path = Path.Combine(Path.GetTempPath(), $"psc-attach-{o.Id[..Math.Min(12, o.Id.Length)]}.sock");
        _record = Path.Combine(o.Dir, ContainerMarkers.AttachSocket);
        _resizePath = WindowSize.ResizeSocketOf(_path);
    }

    /// <summary>Listen (again) and record the socket's path; false when the socket cannot be created.</summary>
    public bool Open()
    {
        if (_listen >= 0) return true;
        try { File.Delete(_path); } catch { }
        _listen = ListenUnix(_path);
        if (_listen < 0) return false;
        listen(_listen, MaxClients);
        if (_tty)
        {
            // a terminal's size comes on its own socket (WindowSize), so the attach stream stays the container's bytes
            try { File.Delete(_resizePath); } catch { }
            _resizeListen = ListenUnix(_resizePath);
            if (_resizeListen >= 0) listen(_resizeListen, MaxClients);
        }
        try { File.WriteAllText(_record, _path); } catch { }
        return true;
    }

    /// <summary>Add the descriptors to poll (the listening socket, the clients) at <paramref name="n"/>.</summary>
    public void AddPoll(PollFd* pfd, ref int n, int[] map, int tag)
    {
        Sweep();
        if (_listen >= 0) { map[n] = tag; pfd[n++] = new PollFd { fd = _listen, events = POLLIN }; }
        if (_resizeListen >= 0) { map[n] = tag + ResizeOffset; pfd[n++] = new PollFd { fd = _resizeListen, events = POLLIN }; }
        // a client that stopped sending is still polled, for its hang-up only (events 0)
        for (int i = 0; i < _clients.Count; i++)
            if (!_clients[i].Dead) { map[n] = tag + 1 + i; pfd[n++] = new PollFd { fd = _clients[i].Fd, events = _clients[i].Reading ? POLLIN : (short)0 }; }
    }

    /// <summary>How many descriptors <see cref="AddPoll"/> adds at most.</summary>
    public static int PollSlots => 2 + MaxClients;

    /// <summary>The offset of the resize socket's slot (after the clients' 1..MaxClients).</summary>
    private const int ResizeOffset = 1 + MaxClients;

    /// <summary>Handle a ready descriptor that <see cref="AddPoll"/> tagged <paramref name="tag"/> + offset.</summary>
    public void OnReady(int offset, short revents, byte[] buf)
    {
        if (offset == 0) { Accept(); return; }
        if (offset == ResizeOffset) { Resize(); return; }
        var c = _clients[offset - 1];
        if (!c.Reading) { if ((revents & (POLLHUP | POLLERR)) != 0) c.Dead = true; return; }
        fixed (byte* b = buf)
        {
            nint got = read(c.Fd, b, (nuint)buf.Length);
            if (got > 0) { if (Input >= 0) WriteAll(Input, buf.AsSpan(0, (int)got)); return; }
            if (got < 0 && Errno == EINTR) return;
        }
        // the client closed its sending side; gone altogether (hang-up) it is dropped, else it still gets the output
        c.Reading = false;
        if ((revents & POLLHUP) != 0 || HungUp(c.Fd)) c.Dead = true;
    }

    /// <summary>The peer closed both directions (poll reports a hang-up).</summary>
    private static bool HungUp(int fd)
    {
        var p = stackalloc PollFd[1];
        p[0] = new PollFd { fd = fd, events = 0 };
        return poll(p, 1, 0) > 0 && (p[0].revents & POLLHUP) != 0;
    }

    /// <summary>Close and forget the clients found gone (done before polling, so the poll offsets stay valid meanwhile).</summary>
    private void Sweep()
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            if (!_clients[i].Dead) continue;
            close(_clients[i].Fd);
            _clients.RemoveAt(i);
            _ctx.Event("detach");
        }
    }

    private void Accept()
    {
        int fd = accept4(_listen, null, null, SOCK_CLOEXEC);
        if (fd < 0) return;
        if (_clients.Count >= MaxClients) { close(fd); return; }
        fcntl(fd, 4 /* F_SETFL */, O_NONBLOCK);
        _clients.Add(new Client(fd));
        _ctx.Event("attach");
    }

    /// <summary>
    /// One size from the resize socket (<see cref="WindowSize"/>): a client connects, writes a struct winsize and closes;
    /// it is applied to the container's terminal. A client that sends less within 200 ms is dropped, unheard.
    /// </summary>
    private void Resize()
    {
        int fd = accept4(_resizeListen, null, null, SOCK_CLOEXEC);
        if (fd < 0) return;
        ulong size = 0;
        int have = 0;
        var p = stackalloc PollFd[1];
        byte* b = (byte*)&size;
        while (have < WindowSize.WireBytes)
        {
            p[0] = new PollFd { fd = fd, events = POLLIN };
            if (poll(p, 1, 200) <= 0) break;
            nint got = read(fd, b + have, (nuint)(WindowSize.WireBytes - have));
            if (got > 0) { have += (int)got; continue; }
            if (got < 0 && Errno == EINTR) continue;
            break;
        }
        close(fd);
        if (have == WindowSize.WireBytes) WindowSize.Apply(Terminal, size);
    }

    /// <summary>Send what the container wrote on <paramref name="stream"/> (0 stdout, 1 stderr) to every client.</summary>
    public void Broadcast(int stream, ReadOnlySpan<byte> data)
    {
        if (_clients.Count == 0) return;
        byte[] wire = _tty ? data.ToArray() : MonitorProtocol.Encode(stream == 0 ? MonitorFrameType.Stdout : MonitorFrameType.Stderr, data);
        SendAll(wire);
    }

    /// <summary>The container ended: send the Exit frame (without a terminal), close every client and the socket.</summary>
    public void Close(int? exitCode)
    {
        if (!_tty && exitCode is int code) SendAll(MonitorProtocol.Encode(MonitorFrameType.Exit, code));
        foreach (var c in _clients) close(c.Fd);
        _clients.Clear();
        if (_listen >= 0) { close(_listen); _listen = -1; }
        if (_resizeListen >= 0) { close(_resizeListen); _resizeListen = -1; }
        try { File.Delete(_record); } catch { }
        try { File.Delete(_path); } catch { }
        try { File.Delete(_resizePath); } catch { }
    }

    private void SendAll(byte[] wire)
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            if (!_clients[i].Dead && !Send(_clients[i].Fd, wire)) _clients[i].Dead = true;
        }
    }

    /// <summary>Write all of <paramref name="wire"/> to a non-blocking client, waiting at most a second for room.</summary>
    private static bool Send(int fd, byte[] wire)
    {
        var p = stackalloc PollFd[1];
        fixed (byte* b = wire)
        {
            int off = 0;
            while (off < wire.Length)
            {
                nint n = write(fd, b + off, (nuint)(wire.Length - off));
                if (n > 0) { off += (int)n; continue; }
                int e = Errno;
                if (n < 0 && e == EINTR) continue;
                if (n < 0 && e == EAGAIN)
                {
                    p[0] = new PollFd { fd = fd, events = 4 /* POLLOUT */ };
                    if (poll(p, 1, 1000) > 0 && (p[0].revents & (POLLERR | POLLHUP)) == 0) continue;
                }
                return false;
            }
        }
        return true;
    }

}
