using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// pscmon: the per-container monitor. Started by the engine for every container start; it detaches
/// (setsid), becomes a child subreaper, runs "&lt;runtime&gt; create" with its pipes as the container's
/// stdio and "&lt;runtime&gt; start", reaps the container's init itself, writes the json-file log, records
/// the exit code atomically, applies the restart policy, cleans up (runtime delete, rootfs unmount,
/// exit command) and removes the container when asked.
///
/// The launcher reads the framed stream of <see cref="MonitorProtocol"/> on the monitor's stdout: Started (pid) or
/// Failed (message), and when attached Stdout/Stderr (output bytes) and Exit (exit code).
/// </summary>
public static unsafe partial class Program
{
    private sealed class Options
    {
        public string Id = "", Dir = "", Bundle = "", Runtime = "/usr/sbin/runc", RuntimeRoot = "";
        public RestartPolicy Restart = RestartPolicy.No;
        public int RestartCount;
        public bool Remove, Foreground, Attach, Stdin, ExecTty, Tty;
        public List<string> ExecArgs = new();
        public string? LockFile, ExitCommand, NameFile;
        public List<string> ExitArgs = new();
    }

    private static Options _o = null!;
    private static readonly string? s_trace = Environment.GetEnvironmentVariable("PSCMON_TRACE");
    private static void Mark(string what)
    {
        if (s_trace is null) return;
        try { File.AppendAllText(s_trace, $"pscmon {DateTime.Now:HH:mm:ss.ffffff} {what}\n"); } catch { }
    }
    private static int _launcher = 1;          // fd of the framed launcher stream, -1 once detached
    private static int _log = -1;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "net-release") return NetRelease.Run(args[1..]);
        try { _o = Parse(args); }
        catch (Exception e)
        {
            Console.Error.WriteLine("pscmon: " + e.Message);
            Console.Error.WriteLine("usage: pscmon --id ID --dir DIR --bundle DIR [--runtime PATH] [--runtime-root DIR] [--restart no|always|unless-stopped|on-failure[:N]] [--remove] [--attach] [--stdin] [--foreground] [--lock FILE] [--exit-command PATH --exit-arg A ...]");
            Console.Error.WriteLine("       pscmon net-release STORE_ROOT CONTAINER_ID SETUP_ID [--foreground]");
            return 2;
        }
        Mark("main");
        IgnoreSigpipe();
        if (_o.ExecTty) return RunExecTerminal();
        if (_o.Foreground) return RunForeground();

        setsid();
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        int devnull = Open("/dev/null", O_RDWR);
        dup2(devnull, 2);
        int stdinFd = -1;
        if (_o.Stdin) { stdinFd = fcntlDup(0); }
        dup2(devnull, 0);
        close(devnull);

        _log = Open(Path.Combine(_o.Dir, "json.log"), O_WRONLY | O_CREAT | O_APPEND);
        int exit = 0;
        bool first = true;
        while (true)
        {
            var (pid, error) = StartContainer(stdinFd, out int outR, out int errR);
            if (pid <= 0)
            {
                WriteState(ContainerStatus.Exited, 0, exit: 127, error: error);
                if (first) Frame(MonitorProtocol.Encode(MonitorFrameType.Failed, error ?? "start failed"));
                Cleanup();
                break;
            }
            if (first)
            {
                Frame(MonitorProtocol.Encode(MonitorFrameType.Started, pid));
                if (!_o.Attach) Detach();
            }
            exit = Supervise(pid, outR, errR);
            Mark("exited");
            if (stdinFd >= 0) { close(stdinFd); stdinFd = -1; }
            if (_launcher >= 0) { Frame(MonitorProtocol.Encode(MonitorFrameType.Exit, exit)); Detach(); }
            RunRuntime("delete", "--force", _o.Id);
            Mark("deleted");
            first = false;
            if (!_o.Restart.ShouldRestart(exit, UserStopped(), _o.RestartCount))
            {
                WriteState(ContainerStatus.Exited, 0, exit, null);
                break;
            }
            _o.RestartCount++;
            WriteState(ContainerStatus.Restarting, 0, exit, null);
            int delay = Math.Min(100 << Math.Min(_o.RestartCount - 1, 7), 10_000);
            Thread.Sleep(delay);
            if (UserStopped()) { WriteState(ContainerStatus.Exited, 0, exit, null); break; }
        }
        Cleanup();
        Mark("cleaned up");
        return 0;
    }

    private static int fcntlDup(int fd)
    {
        // move the launcher's stdin pipe off fd 0 so /dev/null can take its place
        return Fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 10);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);
    private static int Fcntl(int fd, int cmd, int arg) => fcntl(fd, cmd, arg);

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial nint signal(int sig, nint handler);
    private static void IgnoreSigpipe() => signal(SIGPIPE, 1 /* SIG_IGN */);

    private static Options Parse(string[] a)
    {
        var o = new Options();
        for (int i = 0; i < a.Length; i++)
        {
            string Next() => i + 1 < a.Length ? a[++i] : throw new ArgumentException($"{a[i]} needs a value");
            switch (a[i])
            {
                case "--id": o.Id = Next(); break;
                case "--dir": o.Dir = Next(); break;
                case "--bundle": o.Bundle = Next(); break;
                case "--runtime": o.Runtime = Next(); break;
                case "--runtime-root": o.RuntimeRoot = Next(); break;
                case "--restart":
                    string r = Next();
                    if (!RestartPolicy.TryParse(r, out o.Restart)) throw new ArgumentException(RestartPolicy.InvalidMessage(r));
                    break;
                case "--restart-count": o.RestartCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--remove": o.Remove = true; break;
                case "--foreground": o.Foreground = true; break;
                case "--attach": o.Attach = true; break;
                case "--exec-tty": o.ExecTty = true; break;
                case "--tty": o.Tty = true; break;
                case "--":
                    o.ExecArgs.AddRange(a[(i + 1)..]);
                    i = a.Length;
                    break;
                case "--stdin": o.Stdin = true; break;
                case "--lock": o.LockFile = Next(); break;
                case "--name-file": o.NameFile = Next(); break;
                case "--exit-command": o.ExitCommand = Next(); break;
                case "--exit-arg": o.ExitArgs.Add(Next()); break;
                default: throw new ArgumentException($"unknown argument '{a[i]}'");
            }
        }
        if (o.ExecTty) { if (o.Id.Length == 0 || o.ExecArgs.Count == 0) throw new ArgumentException("--exec-tty needs --id and the exec arguments after --"); return o; }
        if (o.Id.Length == 0 || o.Dir.Length == 0 || o.Bundle.Length == 0) throw new ArgumentException("--id, --dir and --bundle are required");
        return o;
    }

    private static List<string> RuntimeArgs(params string[] rest)
    {
        var l = new List<string> { _o.Runtime };
        if (_o.RuntimeRoot.Length > 0) { l.Add("--root"); l.Add(_o.RuntimeRoot); }
        l.AddRange(rest);
        return l;
    }

    private static int RunRuntime(params string[] rest) => Wait(Spawn(_o.Runtime, RuntimeArgs(rest), -1, -1, -1));

    /// <summary>create + start; returns the container's init pid, or 0 and the runtime's error text.</summary>
    private static (int pid, string? error) StartContainer(int stdinFd, out int outR, out int errR)
    {
        outR = errR = -1;
        int* o = stackalloc int[2];
        int* e = stackalloc int[2];
        int* r = stackalloc int[2];
        pipe2(o, O_CLOEXEC); pipe2(e, O_CLOEXEC); pipe2(r, O_CLOEXEC | O_NONBLOCK);
        string pidFile = Path.Combine(_o.Dir, "init.pid");
        try { File.Delete(pidFile); } catch { }
        Mark("create: begin");
        // a leftover from a crashed run would block create
        if (_o.RuntimeRoot.Length == 0 || Directory.Exists(Path.Combine(_o.RuntimeRoot, _o.Id)))
            RunRuntime("delete", "--force", _o.Id);
        Mark("create: old state checked");
        int rc;
        int master = -1;
        if (_o.Tty)
        {
            // -Tty without the caller's terminal (detached, or attached to pipes): the container gets a
            // pseudo-terminal whose master this monitor keeps; what the container writes to it is its output.
            close(o[1]); close(o[0]);
            string sock = Path.Combine(Path.GetTempPath(), $"pscmon-{_o.Id[..Math.Min(12, _o.Id.Length)]}-{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
            try { File.Delete(sock); } catch { }
            int lfd = ListenUnix(sock);
            if (lfd < 0) { close(e[0]); close(e[1]); close(r[0]); close(r[1]); return (0, "cannot create the console socket " + sock); }
            (rc, master) = RunAndReceiveTerminal(RuntimeArgs("create", "--bundle", _o.Bundle, "--pid-file", pidFile, "--console-socket", sock, _o.Id), lfd, sock, e[1]);
            close(e[1]);
            if (rc == 0 && master < 0) rc = 125;
            o[0] = master;
        }
        else
        {
            // The runtime's own messages go to a separate pipe so a failure can be reported.
            int rpid = Spawn(_o.Runtime, RuntimeArgs("create", "--bundle", _o.Bundle, "--pid-file", pidFile, _o.Id),
                stdinFd, o[1], e[1]);
            close(o[1]); close(e[1]);
            rc = rpid > 0 ? Wait(rpid) : 127;
        }
        Mark("create: runtime create done");
        close(r[0]); close(r[1]);
        if (rc != 0)
        {
            string err = DrainText(e[0]);
            if (o[0] >= 0) close(o[0]);
            close(e[0]);
            return (0, $"{Path.GetFileName(_o.Runtime)} create failed (exit {rc}): {err.Trim()}");
        }
        int pid = 0;
        try { pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture); } catch { }
        if (pid > 0) LoopbackUp(pid);
        int* s = stackalloc int[2];
        pipe2(s, O_CLOEXEC);
        int spid = Spawn(_o.Runtime, RuntimeArgs("start", _o.Id), -1, -1, s[1]);
        close(s[1]);
        int src = spid > 0 ? Wait(spid) : 127;
        string serr = DrainText(s[0]);
        close(s[0]);
        if (src != 0 || pid <= 0)
        {
            if (pid > 0) { kill(pid, SIGKILL); Wait(pid); }
            if (o[0] >= 0) close(o[0]);
            close(e[0]);
            return (0, $"{Path.GetFileName(_o.Runtime)} start failed (exit {src}): {serr.Trim()}");
        }
        Mark("start: runtime start done");
        WriteState(ContainerStatus.Running, pid, null, null);
        Mark("start: state written");
        outR = o[0];
        if (_o.Tty) { close(e[0]); errR = -1; } else errR = e[0];
        return (pid, null);
    }

    private static string DrainText(int fd)
    {
        var sb = new StringBuilder();
        byte* buf = stackalloc byte[4096];
        var fds = stackalloc PollFd[1];
        while (true)
        {
            fds[0] = new PollFd { fd = fd, events = POLLIN };
            if (poll(fds, 1, 50) <= 0) break;
            nint n = read(fd, buf, 4096);
            if (n <= 0) break;
            sb.Append(Encoding.UTF8.GetString(buf, (int)n));
        }
        return sb.ToString();
    }

    /// <summary>Poll loop: copy output to the log (and the launcher), reap children, until init exits.</summary>
    private static int Supervise(int pid, int outR, int errR)
    {
        int pidfd = PidfdOpen(pid);
        bool trimmed = false;
        var streams = new[] { new LineBuffer("stdout", MonitorFrameType.Stdout), new LineBuffer("stderr", MonitorFrameType.Stderr) };
        int[] fds = { outR, errR };
        byte[] buf = new byte[32768];
        int? exit = null;
        long drainDeadline = 0;
        var pfd = stackalloc PollFd[3];
        while (true)
        {
            int n = 0;
            int[] map = new int[3];
            for (int i = 0; i < 2; i++)
                if (fds[i] >= 0) { pfd[n] = new PollFd { fd = fds[i], events = POLLIN }; map[n++] = i; }
            int pidIdx = -1;
            if (exit is null && pidfd >= 0) { pidIdx = n; pfd[n++] = new PollFd { fd = pidfd, events = POLLIN }; }
            if (n == 0) break;
            int timeout = exit is null ? (pidfd >= 0 ? (trimmed ? -1 : 1000) : 200) : 100;
            int pr = poll(pfd, (nuint)n, timeout);
            if (pr < 0 && Errno != EINTR) break;
            if (pr == 0 && !trimmed && exit is null) { TrimResidentImage(); trimmed = true; continue; }
            for (int k = 0; k < n && pr > 0; k++)
            {
                if (pfd[k].revents == 0 || k == pidIdx) continue;
                int i = map[k];
                fixed (byte* b = buf)
                {
                    nint got = read(fds[i], b, buf.Length);
                    if (got > 0) streams[i].Add(buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR)
                    {
                        streams[i].Flush();
                        close(fds[i]); fds[i] = -1;
                    }
                }
            }
            if (exit is null) exit = Reap(pid);
            else ReapOthers();
            if (exit is not null)
            {
                if (drainDeadline == 0) drainDeadline = Environment.TickCount64 + 2000;
                // init is gone: the kernel killed the rest of its pid namespace; the pipes end shortly
                // unless a process outside it (a leaked exec) still holds them.
                if (Environment.TickCount64 > drainDeadline) break;
            }
        }
        foreach (var s in streams) s.Flush();
        for (int i = 0; i < 2; i++) if (fds[i] >= 0) close(fds[i]);
        if (pidfd >= 0) close(pidfd);
        if (exit is null) exit = Wait(pid);
        return exit.Value < 0 ? 255 : exit.Value;
    }

    /// <summary>
    /// The monitor idles for the container's whole life: drop the resident code pages of its image and
    /// libraries (MADV_DONTNEED on the read-only, executable file mappings: the text is never written, so
    /// the pages the poll loop needs simply fault back in from the page cache).
    /// </summary>
    private static void TrimResidentImage()
    {
        var ranges = new List<(nint Start, nint Length)>();
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                // "start-end perms offset dev inode path": only private text of a file (r-xp)
                var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 6 || parts[1] != "r-xp" || !parts[5].StartsWith('/')) continue;
                int dash = parts[0].IndexOf('-');
                ulong start = ulong.Parse(parts[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                ulong end = ulong.Parse(parts[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                ranges.Add(((nint)start, (nint)(end - start)));
            }
        }
        catch { return; }
        // a tight loop after the parsing, so the parsing code is not faulted straight back in
        foreach (var (start, length) in ranges) madvise(start, length, 4 /* MADV_DONTNEED */);
    }

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int madvise(nint addr, nint length, int advice);

    /// <summary>Reap every exited child; return init's exit code once it has exited.</summary>
    private static int? Reap(int pid)
    {
        int? result = null;
        int status;
        while (true)
        {
            int w = waitpid(-1, &status, WNOHANG);
            if (w <= 0) break;
            if (w == pid) result = Decode(status);
        }
        return result;
    }

    private static void ReapOthers() { int st; while (waitpid(-1, &st, WNOHANG) > 0) { } }

    private sealed class LineBuffer(string stream, MonitorFrameType frameType)
    {
        private readonly ArrayBufferWriter<byte> _partial = new();
        private const int MaxLine = 16 * 1024;

        public void Add(ReadOnlySpan<byte> data)
        {
            Relay(frameType, data);
            while (data.Length > 0)
            {
                int nl = data.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    _partial.Write(data);
                    if (_partial.WrittenCount >= MaxLine) Flush();
                    return;
                }
                _partial.Write(data[..(nl + 1)]);
                Emit();
                data = data[(nl + 1)..];
            }
        }

        public void Flush() { if (_partial.WrittenCount > 0) Emit(); }

        private void Emit()
        {
            WriteLogRecord(stream, _partial.WrittenSpan);
            _partial.Clear();
        }
    }

    private static readonly ArrayBufferWriter<byte> s_json = new(4096);

    /// <summary>One docker json-file record: {"log":"...","stream":"stdout","time":"RFC3339Nano"}.</summary>
    private static void WriteLogRecord(string stream, ReadOnlySpan<byte> text)
    {
        if (_log < 0) return;
        s_json.Clear();
        using (var w = new Utf8JsonWriter(s_json))
        {
            w.WriteStartObject();
            w.WriteString("log", Encoding.UTF8.GetString(text));
            w.WriteString("stream", stream);
            w.WriteString("time", DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        s_json.Write("\n"u8);
        WriteAll(_log, s_json.WrittenSpan);
    }

    private static void Relay(MonitorFrameType type, ReadOnlySpan<byte> data)
    {
        if (_launcher >= 0) Frame(MonitorProtocol.Encode(type, data));
    }

    /// <summary>Write one encoded frame (<see cref="MonitorProtocol"/>) to the launcher; detaches when it went away.</summary>
    private static void Frame(byte[] f)
    {
        if (_launcher < 0) return;
        fixed (byte* p = f)
        {
            int off = 0;
            while (off < f.Length)
            {
                nint n = write(_launcher, p + off, f.Length - off);
                if (n < 0)
                {
                    if (Errno == EINTR) continue;
                    Detach(); // the launcher went away (EPIPE): keep running, log only
                    return;
                }
                off += (int)n;
            }
        }
    }

    private static void Detach()
    {
        if (_launcher < 0) return;
        int devnull = Open("/dev/null", O_RDWR);
        dup2(devnull, 1);
        close(devnull);
        _launcher = -1;
    }

    /// <summary>The engine marked the exit as the user's stop (Stop-Container, Send-ContainerSignal).</summary>
    private static bool UserStopped() => File.Exists(Path.Combine(_o.Dir, ContainerMarkers.UserStop));

    private static DateTime? _startedAt;

    /// <summary>state.json (<see cref="ContainerStateFile"/>), replaced atomically (temp + fsync + rename).</summary>
    private static void WriteState(ContainerStatus status, int pid, int? exit, string? error)
    {
        var now = DateTime.UtcNow;
        if (status == ContainerStatus.Running) _startedAt = now;
        var record = new ContainerStateFile
        {
            Status = status, Pid = pid, MonitorPid = getpid(), RestartCount = _o.RestartCount, StartedAt = _startedAt,
            FinishedAt = exit is null ? null : now, ExitCode = exit, Error = error,
        };
        string target = Path.Combine(_o.Dir, ContainerMarkers.StateFile);
        string tmp = Path.Combine(_o.Dir, ".tmp-" + ContainerMarkers.StateFile + "-" + getpid().ToString(CultureInfo.InvariantCulture));
        int fd = Open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
        if (fd < 0) return;
        WriteAll(fd, record.ToUtf8());
        fsync(fd);
        close(fd);
        try { File.Move(tmp, target, overwrite: true); } catch { }
    }

    private static void Cleanup()
    {
        if (_log >= 0) { close(_log); _log = -1; }
        string rootfs = Path.Combine(_o.Dir, "rootfs");
        Umount(rootfs);
        Mark("cleanup: unmounted");
        if (_o.ExitCommand is not null)
        {
            var args = new List<string> { _o.ExitCommand };
            args.AddRange(_o.ExitArgs);
            int p = Spawn(_o.ExitCommand, args, -1, -1, -1);
            if (p > 0) Wait(p);
        }
        if (_o.Remove) RemoveContainer(rootfs);
    }

    private static void RemoveContainer(string rootfs)
    {
        int lockFd = _o.LockFile is null ? -1 : Open(_o.LockFile, O_RDWR | O_CREAT);
        if (lockFd >= 0) flock(lockFd, LOCK_EX);
        Mark("remove: locked");
        string? trash = null;
        try
        {
            if (IsMountPoint(rootfs)) return; // never delete through a live mount
            // a rename makes the container disappear at once; the files are deleted after the lock is released
            trash = Path.Combine(Path.GetDirectoryName(_o.Dir.TrimEnd('/'))!, ContainerMarkers.TrashPrefix + _o.Id);
            Directory.Move(_o.Dir, trash);
            if (_o.NameFile is not null && File.Exists(_o.NameFile) && File.ReadAllText(_o.NameFile).Trim() == _o.Id)
                File.Delete(_o.NameFile);
            if (_o.LockFile is not null)
                try { File.Delete(Path.Combine(Path.GetDirectoryName(_o.LockFile)!, ".locks", _o.Id + ".lock")); } catch { }
        }
        catch { trash = null; }
        finally { if (lockFd >= 0) close(lockFd); }
        // never follows a link out of the container's directory, never enters a mount left inside it
        if (trash is not null) try { PsContainers.FileSystem.SafeTree.Delete(trash); } catch { }
    }

    /// <summary>
    /// Terminal mode (-Interactive -Tty): the runtime creates the container with a pseudo-terminal and hands
    /// its master to this monitor over --console-socket (SCM_RIGHTS). The monitor puts the caller's terminal
    /// in raw mode, relays input and output, follows window-size changes, records the state and cleans up.
    /// </summary>
    private static int RunForeground()
    {
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        string pidFile = Path.Combine(_o.Dir, "init.pid");
        try { File.Delete(pidFile); } catch { }
        if (_o.RuntimeRoot.Length == 0 || Directory.Exists(Path.Combine(_o.RuntimeRoot, _o.Id)))
            RunRuntime("delete", "--force", _o.Id);
        // unix socket paths are limited to 107 bytes: the container directory is often longer
        string sock = Path.Combine(Path.GetTempPath(), $"pscmon-{_o.Id[..Math.Min(12, _o.Id.Length)]}-{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
        try { File.Delete(sock); } catch { }
        int lfd = ListenUnix(sock);
        if (lfd < 0) return FailForeground("cannot create the console socket " + sock);
        var (rc, master) = RunAndReceiveTerminal(RuntimeArgs("create", "--bundle", _o.Bundle, "--pid-file", pidFile, "--console-socket", sock, _o.Id), lfd, sock);
        if (rc != 0 || master < 0) return FailForeground($"{Path.GetFileName(_o.Runtime)} create failed (exit {rc}{(master < 0 ? ", no terminal received" : "")})");
        int pid = 0;
        try { pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture); } catch { }
        if (pid > 0) LoopbackUp(pid);

        byte* saved = stackalloc byte[128];
        byte* raw = stackalloc byte[128];
        bool tty = tcgetattr(0, saved) == 0;
        if (tty)
        {
            Buffer.MemoryCopy(saved, raw, 128, 128);
            cfmakeraw(raw);
            tcsetattr(0, 0 /* TCSANOW */, raw);
        }
        ulong size = 0;
        SyncWindowSize(master, ref size);
        int exit;
        try
        {
            int spid = Spawn(_o.Runtime, RuntimeArgs("start", _o.Id), -1, -1, 2);
            int src = spid > 0 ? Wait(spid) : 127;
            if (src != 0 || pid <= 0)
            {
                if (pid > 0) { kill(pid, SIGKILL); Wait(pid); }
                close(master);
                RestoreTerminal(tty, saved);
                return FailForeground($"{Path.GetFileName(_o.Runtime)} start failed (exit {src})");
            }
            WriteState(ContainerStatus.Running, pid, null, null);
            exit = RelayTerminal(pid, master, ref size);
        }
        finally { RestoreTerminal(tty, saved); }
        close(master);
        ReapOthers();
        RunRuntime("delete", "--force", _o.Id);
        WriteState(ContainerStatus.Exited, 0, exit, null);
        Cleanup();
        return exit;
    }

    /// <summary>
    /// exec -it: "&lt;runtime&gt; exec --tty --detach --console-socket" hands over the terminal of the new process,
    /// which this monitor (a subreaper) relays and reaps; its exit code is the monitor's exit code.
    /// </summary>
    private static int RunExecTerminal()
    {
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        string sock = Path.Combine(Path.GetTempPath(), $"pscmon-x{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
        string pidFile = Path.Combine(Path.GetTempPath(), $"pscmon-x{getpid().ToString(CultureInfo.InvariantCulture)}.pid");
        try { File.Delete(sock); File.Delete(pidFile); } catch { }
        int lfd = ListenUnix(sock);
        if (lfd < 0) { WriteAll(2, Encoding.UTF8.GetBytes("pscmon: cannot create the console socket\n")); return 126; }
        var args = RuntimeArgs("exec", "--tty", "--detach", "--console-socket", sock, "--pid-file", pidFile);
        args.AddRange(_o.ExecArgs);
        var (rc, master) = RunAndReceiveTerminal(args, lfd, sock);
        int pid = 0;
        try { pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture); File.Delete(pidFile); } catch { }
        if (rc != 0 || master < 0 || pid <= 0)
        {
            WriteAll(2, Encoding.UTF8.GetBytes($"pscmon: {Path.GetFileName(_o.Runtime)} exec failed (exit {rc})\n"));
            return rc > 0 ? rc : 126;
        }
        byte* saved = stackalloc byte[128];
        byte* raw = stackalloc byte[128];
        bool tty = tcgetattr(0, saved) == 0;
        if (tty) { Buffer.MemoryCopy(saved, raw, 128, 128); cfmakeraw(raw); tcsetattr(0, 0, raw); }
        ulong size = 0;
        SyncWindowSize(master, ref size);
        int exit;
        try { exit = RelayTerminal(pid, master, ref size); }
        finally { RestoreTerminal(tty, saved); }
        close(master);
        ReapOthers();
        return exit;
    }

    /// <summary>
    /// Run the runtime with --console-socket pointing at the listening socket <paramref name="lfd"/>, accept the
    /// pseudo-terminal master it sends (SCM_RIGHTS) while waiting for it to exit, then close and remove the socket.
    /// Returns the runtime's exit code and the master (-1 when none arrived).
    /// </summary>
    private static (int ExitCode, int Master) RunAndReceiveTerminal(List<string> args, int lfd, string sock, int stderrFd = 2)
    {
        int rpid = Spawn(_o.Runtime, args, -1, -1, stderrFd);
        int master = -1, rc = -1, st = 0;
        var lp = stackalloc PollFd[1];
        while (rpid > 0)
        {
            lp[0] = new PollFd { fd = lfd, events = POLLIN };
            if (poll(lp, 1, 20) > 0 && master < 0)
            {
                int conn = accept4(lfd, null, null, SOCK_CLOEXEC);
                if (conn >= 0) { master = ReceiveFd(conn); close(conn); }
            }
            if (waitpid(rpid, &st, WNOHANG) == rpid) { rc = Decode(st); break; }
        }
        if (master < 0 && rc == 0)
        {
            lp[0] = new PollFd { fd = lfd, events = POLLIN };
            if (poll(lp, 1, 0) > 0) { int conn = accept4(lfd, null, null, SOCK_CLOEXEC); if (conn >= 0) { master = ReceiveFd(conn); close(conn); } }
        }
        close(lfd);
        try { File.Delete(sock); } catch { }
        return (rc, master);
    }

    private static void RestoreTerminal(bool tty, byte* saved)
    {
        if (tty) tcsetattr(0, 1 /* TCSADRAIN */, saved);
    }

    private static int FailForeground(string message)
    {
        WriteAll(2, Encoding.UTF8.GetBytes("pscmon: " + message + "\n"));
        WriteState(ContainerStatus.Exited, 0, 127, message);
        Cleanup();
        return 127;
    }

    /// <summary>Copy the caller's window size to the container's terminal when it changed.</summary>
    private static void SyncWindowSize(int master, ref ulong last)
    {
        ulong ws = 0;
        if (ioctl(0, TIOCGWINSZ, &ws) != 0 || ws == last) return;
        last = ws;
        ioctl(master, TIOCSWINSZ, &ws);
    }

    private static int RelayTerminal(int pid, int master, ref ulong size)
    {
        int pidfd = PidfdOpen(pid);
        byte[] buf = new byte[16384];
        bool stdinOpen = true, masterOpen = true;
        int? exit = null;
        long deadline = 0;
        var pfd = stackalloc PollFd[3];
        while (masterOpen || exit is null)
        {
            int n = 0, iIn = -1, iMaster = -1, iPid = -1;
            if (stdinOpen) { iIn = n; pfd[n++] = new PollFd { fd = 0, events = POLLIN }; }
            if (masterOpen) { iMaster = n; pfd[n++] = new PollFd { fd = master, events = POLLIN }; }
            if (exit is null && pidfd >= 0) { iPid = n; pfd[n++] = new PollFd { fd = pidfd, events = POLLIN }; }
            int pr = poll(pfd, (nuint)n, exit is null ? 250 : 50);
            if (pr < 0 && Errno != EINTR) break;
            SyncWindowSize(master, ref size); // resizes are picked up within a quarter second
            fixed (byte* b = buf)
            {
                if (iMaster >= 0 && pfd[iMaster].revents != 0)
                {
                    nint got = read(master, b, buf.Length);
                    if (got > 0) WriteAll(1, buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR) masterOpen = false; // EIO: the container side is closed
                }
                if (iIn >= 0 && pfd[iIn].revents != 0)
                {
                    nint got = read(0, b, buf.Length);
                    if (got > 0) WriteAll(master, buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR) stdinOpen = false;
                }
            }
            if (exit is null && (iPid < 0 || pfd[iPid].revents != 0 || pidfd < 0)) exit = Reap(pid);
            if (exit is not null)
            {
                if (deadline == 0) deadline = Environment.TickCount64 + 1000;
                if (pr == 0 || Environment.TickCount64 > deadline) break; // drained
            }
        }
        if (pidfd >= 0) close(pidfd);
        if (exit is null) exit = Wait(pid);
        return exit.Value < 0 ? 255 : exit.Value;
    }
}
