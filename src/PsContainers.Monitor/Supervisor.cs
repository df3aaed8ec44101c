using System.Globalization;
using System.Text;
using PsContainers.Cgroups;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// The detached monitor (the default mode): it detaches (setsid), becomes a child subreaper, runs
/// "&lt;runtime&gt; create" with its pipes (or a pty, with --tty) as the container's stdio and "&lt;runtime&gt; start",
/// reaps the container's init itself, writes the json-file log and state.json, reports to the launcher
/// (<see cref="MonitorProtocol"/>), applies the restart policy and cleans up when the container ended.
/// </summary>
internal sealed unsafe partial class Supervisor(MonitorContext ctx)
{
    private readonly MonitorContext _ctx = ctx;
    private MonitorOptions O => _ctx.Options;
    /// <summary>The healthcheck's prober when the container has an active one (--health-test CMD|CMD-SHELL ...).</summary>
    private readonly HealthProber? _health = ctx.Options.Health is { } h && h.IsActive() ? new HealthProber(ctx, h) : null;
    /// <summary>The attach socket (docker attach): clients get the output and feed the container's stdin.</summary>
    private readonly AttachServer _attach = new(ctx);

    /// <summary>Run the container until it ends for good (no restart); the monitor's exit code (0).</summary>
    public int Run()
    {
        setsid();
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        int devnull = Open("/dev/null", O_RDWR);
        dup2(devnull, 2);
        int stdinFd = -1;
        if (O.Stdin) { stdinFd = fcntlDup(0); }
        dup2(devnull, 0);
        close(devnull);

        _ctx.Log.Open(Path.Combine(O.Dir, ContainerMarkers.LogFile));
        int exit = 0;
        bool first = true;
        while (true)
        {
            // -Detach -Interactive without a terminal: the container's stdin is a pipe this monitor keeps open for attach clients
            int stdinWrite = -1;
            if (stdinFd < 0 && O.OpenStdin && !O.Tty) (stdinFd, stdinWrite) = StdinPipe();
            var (pid, error) = StartContainer(stdinFd, out int outR, out int errR);
            if (pid <= 0)
            {
                _ctx.State.Write(ContainerStatus.Exited, 0, exit: StartFailure.ExitCodeFor(error), error: error); // docker: 125, 126 or 127
                if (!first) _ctx.ReleaseNetwork(); // a restart that failed: the policy's last end
                if (first) _ctx.Frame(MonitorProtocol.Encode(MonitorFrameType.Failed, error ?? "start failed"));
                PodInfraStopper.Run(O.Dir, _ctx.Mark);
                _ctx.Cleanup();
                break;
            }
            _ctx.Event("start");
            var oom = OomKillCounter.ForProcess(pid);
            // the attach socket exists before the launcher returns, so a Connect-Container right after a detached
            // run finds it (docker attach right after docker run -d)
            if (_attach.Open())
            {
                _attach.Input = O.Tty ? (O.OpenStdin ? outR : -1) : stdinWrite;
                _attach.Terminal = O.Tty ? outR : -1;
            }
            // health is "starting" again before the start returns (docker's initHealthMonitor), so a wait for healthy
            // right after a restart never passes on the previous run's result
            _health?.Reset(pid);
            if (first)
            {
                _ctx.Frame(MonitorProtocol.Encode(MonitorFrameType.Started, pid));
                if (!O.Attach) _ctx.Detach();
            }
            exit = Supervise(pid, outR, errR);
            _attach.Close(exit);
            if (stdinWrite >= 0) close(stdinWrite);
            _health?.Stop();
            _ctx.Mark("exited");
            if (stdinFd >= 0) { close(stdinFd); stdinFd = -1; }
            // docker's order: the state says exited (or restarting) before "die" is published and before an attached
            // client returns, so whoever reacts to either (rm, start, inspect) finds the container stopped
            O.Restart = _ctx.CurrentRestartPolicy(); // docker update --restart reaches a running monitor
            bool again = O.Restart.ShouldRestart(exit, _ctx.UserStopped(), O.RestartCount);
            if (again) O.RestartCount++;
            bool oomKilled = _ctx.OomCheck(oom);
            _ctx.State.Write(again ? ContainerStatus.Restarting : ContainerStatus.Exited, 0, exit, null, oomKilled);
            _ctx.Event("die", ("exitCode", exit.ToString(CultureInfo.InvariantCulture)));
            if (_ctx.Attached) { _ctx.Frame(MonitorProtocol.Encode(MonitorFrameType.Exit, exit)); _ctx.Detach(); }
            _ctx.RunRuntime("delete", "--force", O.Id);
            _ctx.Mark("deleted");
            first = false;
            if (!again) break;
            int delay = Math.Min(100 << Math.Min(O.RestartCount - 1, 7), 10_000);
            Thread.Sleep(delay);
            if (_ctx.UserStopped())
            {
                // stopped during the restart delay: the runtime's hook already ran (and kept the network for the restart)
                _ctx.State.Write(ContainerStatus.Exited, 0, exit, null, oomKilled);
                _ctx.ReleaseNetwork();
                break;
            }
        }
        // a pod member that ended for good may be its pod's last (exit policy stop): before Cleanup, which may remove it
        PodInfraStopper.Run(O.Dir, _ctx.Mark);
        _ctx.Cleanup();
        _ctx.Mark("cleaned up");
        return 0;
    }

    /// <summary>create + start; returns the container's init pid, or 0 and the runtime's error text.</summary>
    private (int pid, string? error) StartContainer(int stdinFd, out int outR, out int errR)
    {
        outR = errR = -1;
        int* o = stackalloc int[2];
        int* e = stackalloc int[2];
        int* r = stackalloc int[2];
        pipe2(o, O_CLOEXEC); pipe2(e, O_CLOEXEC); pipe2(r, O_CLOEXEC | O_NONBLOCK);
        string pidFile = Path.Combine(O.Dir, "init.pid");
        try { File.Delete(pidFile); } catch { }
        _ctx.Mark("create: begin");
        // a leftover from a crashed run would block create
        if (O.RuntimeRoot.Length == 0 || Directory.Exists(Path.Combine(O.RuntimeRoot, O.Id)))
            _ctx.RunRuntime("delete", "--force", O.Id);
        _ctx.Mark("create: old state checked");
        int rc;
        int master = -1;
        if (O.Tty)
        {
            // -Tty without the caller's terminal (detached, or attached to pipes): the container gets a
            // pseudo-terminal whose master this monitor keeps; what the container writes to it is its output.
            close(o[1]); close(o[0]);
            string sock = Path.Combine(Path.GetTempPath(), $"pscmon-{O.Id[..Math.Min(12, O.Id.Length)]}-{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
            try { File.Delete(sock); } catch { }
            int lfd = ListenUnix(sock);
            if (lfd < 0) { close(e[0]); close(e[1]); close(r[0]); close(r[1]); return (0, "cannot create the console socket " + sock); }
            (rc, master) = TerminalRelay.RunAndReceiveTerminal(_ctx, _ctx.RuntimeArgs("create", "--bundle", O.Bundle, "--pid-file", pidFile, "--console-socket", sock, O.Id), lfd, sock, e[1]);
            close(e[1]);
            if (rc == 0 && master < 0) rc = 125;
            o[0] = master;
        }
        else
        {
            // The runtime's own messages go to a separate pipe so a failure can be reported.
            int rpid = Spawn(O.Runtime, _ctx.RuntimeArgs("create", "--bundle", O.Bundle, "--pid-file", pidFile, O.Id),
                stdinFd, o[1], e[1]);
            close(o[1]); close(e[1]);
            rc = rpid > 0 ? Wait(rpid) : 127;
        }
        _ctx.Mark("create: runtime create done");
        close(r[0]); close(r[1]);
        if (rc != 0)
        {
            string err = DrainText(e[0]);
            if (o[0] >= 0) close(o[0]);
            close(e[0]);
            return (0, $"{Path.GetFileName(O.Runtime)} create failed (exit {rc}): {err.Trim()}");
        }
        int pid = 0;
        try { pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture); } catch { }
        if (pid > 0) LoopbackUp(pid);
        int* s = stackalloc int[2];
        pipe2(s, O_CLOEXEC);
        int spid = Spawn(O.Runtime, _ctx.RuntimeArgs("start", O.Id), -1, -1, s[1]);
        close(s[1]);
        int src = spid > 0 ? Wait(spid) : 127;
        string serr = DrainText(s[0]);
        close(s[0]);
        if (src != 0 || pid <= 0)
        {
            if (pid > 0) { kill(pid, SIGKILL); Wait(pid); }
            if (o[0] >= 0) close(o[0]);
            close(e[0]);
            return (0, $"{Path.GetFileName(O.Runtime)} start failed (exit {src}): {serr.Trim()}");
        }
        _ctx.Mark("start: runtime start done");
        _ctx.State.Write(ContainerStatus.Running, pid, null, null);
        _ctx.Mark("start: state written");
        outR = o[0];
        if (O.Tty) { close(e[0]); errR = -1; } else errR = e[0];
        return (pid, null);
    }

    internal static string DrainText(int fd)
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
    private int Supervise(int pid, int outR, int errR)
    {
        int pidfd = PidfdOpen(pid);
        bool trimmed = false;
        var streams = new[] { _ctx.Log.Stream(_ctx, "stdout", MonitorFrameType.Stdout), _ctx.Log.Stream(_ctx, "stderr", MonitorFrameType.Stderr) };
        int[] fds = { outR, errR };
        byte[] buf = new byte[32768];
        int? exit = null;
        long drainDeadline = 0;
        var pfd = stackalloc PollFd[5 + AttachServer.PollSlots];
        Action<int, int>? reaped = _health is null ? null : _health.OnReaped;
        while (true)
        {
            int n = 0;
            int[] map = new int[5 + AttachServer.PollSlots];
            for (int i = 0; i < 2; i++)
                if (fds[i] >= 0) { pfd[n] = new PollFd { fd = fds[i], events = POLLIN }; map[n++] = i; }
            int pidIdx = -1;
            if (exit is null && pidfd >= 0) { pidIdx = n; pfd[n++] = new PollFd { fd = pidfd, events = POLLIN }; }
            if (n == 0) break;
            int healthOut = -1, healthPid = -1;
            if (exit is null && _health is not null)
            {
                if (_health.OutputFd >= 0) { healthOut = n; pfd[n++] = new PollFd { fd = _health.OutputFd, events = POLLIN }; }
                if (_health.ProcessFd >= 0) { healthPid = n; pfd[n++] = new PollFd { fd = _health.ProcessFd, events = POLLIN }; }
            }
            const int AttachTag = 100;
            if (exit is null) _attach.AddPoll(pfd, ref n, map, AttachTag);
            int timeout = exit is null ? (pidfd >= 0 ? (trimmed ? -1 : 1000) : 200) : 100;
            if (exit is null && _health is not null)
            {
                int due = _health.MillisecondsUntilDue();
                timeout = timeout < 0 ? due : Math.Min(timeout, due);
            }
            int pr = poll(pfd, (nuint)n, timeout);
            if (pr < 0 && Errno != EINTR) break;
            if (pr == 0 && !trimmed && exit is null) { _ctx.Image.Trim(); trimmed = true; continue; }
            for (int k = 0; k < n && pr > 0; k++)
            {
                if (pfd[k].revents == 0 || k == pidIdx || k == healthPid) continue;
                if (k == healthOut) { _health!.ReadOutput(); continue; }
                if (map[k] >= AttachTag) { _attach.OnReady(map[k] - AttachTag, pfd[k].revents, buf); continue; }
                int i = map[k];
                fixed (byte* b = buf)
                {
                    nint got = read(fds[i], b, (nuint)buf.Length);
                    if (got > 0) { streams[i].Add(buf.AsSpan(0, (int)got)); _attach.Broadcast(i, buf.AsSpan(0, (int)got)); }
                    else if (got == 0 || Errno != EINTR)
                    {
                        streams[i].Flush();
                        close(fds[i]); fds[i] = -1;
                    }
                }
            }
            if (exit is null) exit = MonitorContext.Reap(pid, reaped);
            else MonitorContext.ReapOthers(reaped);
            if (exit is null) _health?.Tick();
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

    /// <summary>A pipe for the container's stdin: (read end for the container, non-blocking write end kept by the monitor).</summary>
    private static (int Read, int Write) StdinPipe()
    {
        int* p = stackalloc int[2];
        if (pipe2(p, O_CLOEXEC) < 0) return (-1, -1);
        fcntl(p[1], 4 /* F_SETFL */, O_NONBLOCK);
        return (p[0], p[1]);
    }

    /// <summary>Move the launcher's stdin pipe off fd 0 (close-on-exec, fd 10 or above) so /dev/null can take its place.</summary>
    private static int fcntlDup(int fd)
    {
        // move the launcher's stdin pipe off fd 0 so /dev/null can take its place
        return fcntl(fd, 1030 /* F_DUPFD_CLOEXEC */, 10);
    }
}
