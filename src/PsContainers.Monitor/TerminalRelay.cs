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
/// The terminal modes: -Interactive -Tty (the container on the caller's terminal, <see cref="RunForeground"/>) and
/// exec -it (<see cref="RunExecTerminal"/>). The runtime hands over the pseudo-terminal master through
/// --console-socket (SCM_RIGHTS); this relays it with the caller's terminal in raw mode and follows resizes.
/// </summary>
internal sealed unsafe class TerminalRelay(MonitorContext ctx)
{
    private readonly MonitorContext _ctx = ctx;
    private MonitorOptions O => _ctx.Options;

    /// <summary>
    /// Terminal mode (-Interactive -Tty): the runtime creates the container with a pseudo-terminal and hands
    /// its master to this monitor over --console-socket (SCM_RIGHTS). The monitor puts the caller's terminal
    /// in raw mode, relays input and output, follows window-size changes, records the state and cleans up.
    /// </summary>
    public int RunForeground()
    {
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        string pidFile = Path.Combine(O.Dir, "init.pid");
        try { File.Delete(pidFile); } catch { }
        if (O.RuntimeRoot.Length == 0 || Directory.Exists(Path.Combine(O.RuntimeRoot, O.Id)))
            _ctx.RunRuntime("delete", "--force", O.Id);
        // unix socket paths are limited to 107 bytes: the container directory is often longer
        string sock = Path.Combine(Path.GetTempPath(), $"pscmon-{O.Id[..Math.Min(12, O.Id.Length)]}-{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
        try { File.Delete(sock); } catch { }
        int lfd = ListenUnix(sock);
        if (lfd < 0) return FailForeground("cannot create the console socket " + sock);
        // the runtime's own messages are kept, so a command that cannot run gets docker's 126 or 127
        int* e = stackalloc int[2];
        pipe2(e, O_CLOEXEC);
        var (rc, master) = RunAndReceiveTerminal(_ctx, _ctx.RuntimeArgs("create", "--bundle", O.Bundle, "--pid-file", pidFile, "--console-socket", sock, O.Id), lfd, sock, e[1]);
        close(e[1]);
        if (rc != 0 || master < 0)
        {
            string createErr = Supervisor.DrainText(e[0]).Trim();
            close(e[0]);
            return FailForeground($"{Path.GetFileName(O.Runtime)} create failed (exit {rc}{(master < 0 ? ", no terminal received" : "")}){(createErr.Length > 0 ? ": " + createErr : "")}");
        }
        close(e[0]);
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
        OomKillCounter? oom = null;
        try
        {
            int spid = Spawn(O.Runtime, _ctx.RuntimeArgs("start", O.Id), -1, -1, 2);
            int src = spid > 0 ? Wait(spid) : 127;
            if (src != 0 || pid <= 0)
            {
                if (pid > 0) { kill(pid, SIGKILL); Wait(pid); }
                close(master);
                RestoreTerminal(tty, saved);
                return FailForeground($"{Path.GetFileName(O.Runtime)} start failed (exit {src})");
            }
            _ctx.State.Write(ContainerStatus.Running, pid, null, null);
            _ctx.Event("start");
            oom = OomKillCounter.ForProcess(pid);
            exit = RelayTerminal(pid, master, ref size);
        }
        finally { RestoreTerminal(tty, saved); }
        close(master);
        MonitorContext.ReapOthers();
        _ctx.State.Write(ContainerStatus.Exited, 0, exit, null, _ctx.OomCheck(oom)); // before "die", as docker
        _ctx.Event("die", ("exitCode", exit.ToString(CultureInfo.InvariantCulture)));
        _ctx.RunRuntime("delete", "--force", O.Id);
        _ctx.Cleanup();
        return exit;
    }

    /// <summary>
    /// exec -it: "&lt;runtime&gt; exec --tty --detach --console-socket" hands over the terminal of the new process,
    /// which this monitor (a subreaper) relays and reaps; its exit code is the monitor's exit code.
    /// </summary>
    public int RunExecTerminal()
    {
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        string sock = Path.Combine(Path.GetTempPath(), $"pscmon-x{getpid().ToString(CultureInfo.InvariantCulture)}.sock");
        string pidFile = Path.Combine(Path.GetTempPath(), $"pscmon-x{getpid().ToString(CultureInfo.InvariantCulture)}.pid");
        try { File.Delete(sock); File.Delete(pidFile); } catch { }
        int lfd = ListenUnix(sock);
        if (lfd < 0) { WriteAll(2, Encoding.UTF8.GetBytes("pscmon: cannot create the console socket\n")); return 126; }
        var args = _ctx.RuntimeArgs("exec", "--tty", "--detach", "--console-socket", sock, "--pid-file", pidFile);
        args.AddRange(O.ExecArgs);
        // the runtime's own messages are kept, so a command that cannot run gets docker exec's 127 or 126 and its words
        int* e = stackalloc int[2];
        pipe2(e, O_CLOEXEC);
        var (rc, master) = RunAndReceiveTerminal(_ctx, args, lfd, sock, e[1]);
        close(e[1]);
        int pid = 0;
        try { pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture); File.Delete(pidFile); } catch { }
        if (rc != 0 || master < 0 || pid <= 0)
        {
            string said = Supervisor.DrainText(e[0]).Trim();
            close(e[0]);
            if (master >= 0) close(master);
            return FailExec(rc, said);
        }
        close(e[0]);
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
        MonitorContext.ReapOthers();
        return exit;
    }

    /// <summary>
    /// Run the runtime with --console-socket pointing at the listening socket <paramref name="lfd"/>, accept the
    /// pseudo-terminal master it sends (SCM_RIGHTS) while waiting for it to exit, then close and remove the socket.
    /// Returns the runtime's exit code and the master (-1 when none arrived).
    /// </summary>
    public static (int ExitCode, int Master) RunAndReceiveTerminal(MonitorContext ctx, List<string> args, int lfd, string sock, int stderrFd = 2)
    {
        int rpid = Spawn(ctx.Options.Runtime, args, -1, -1, stderrFd);
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
            if (waitpid(rpid, &st, WNOHANG) == rpid) { rc = DecodeWaitStatus(st); break; }
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

    /// <summary>
    /// An exec on a terminal whose process never ran: the runtime's message (<see cref="RuntimeErrorText.Clean"/>) on
    /// stderr, as docker exec -it prints it ("exec: \"nosuch\": executable file not found in $PATH"), and docker exec's
    /// status (<see cref="StartFailure.ExecExitCodeFor"/>: 127 not found, else 126), the one the attached exec gives.
    /// </summary>
    private int FailExec(int rc, string runtimeSaid)
    {
        string runtime = Path.GetFileName(O.Runtime);
        string message = runtimeSaid.Length > 0
            ? $"{runtime} exec failed: {RuntimeErrorText.Clean(runtimeSaid)}"
            : $"{runtime} exec failed (exit {rc}), no terminal received";
        WriteAll(2, Encoding.UTF8.GetBytes("pscmon: " + message + "\n"));
        return StartFailure.ExecExitCodeFor(message);
    }

    private static void RestoreTerminal(bool tty, byte* saved)
    {
        if (tty) tcsetattr(0, 1 /* TCSADRAIN */, saved);
    }

    private int FailForeground(string message)
    {
        WriteAll(2, Encoding.UTF8.GetBytes("pscmon: " + message + "\n"));
        int code = StartFailure.ExitCodeFor(message);
        _ctx.State.Write(ContainerStatus.Exited, 0, code, message);
        _ctx.Cleanup();
        return code;
    }

    /// <summary>Copy the caller's window size to the container's terminal when it changed (<see cref="WindowSize"/>).</summary>
    private static void SyncWindowSize(int master, ref ulong last)
    {
        if (WindowSize.Changed(ref last, out ulong ws)) WindowSize.Apply(master, ws);
    }

    private int RelayTerminal(int pid, int master, ref ulong size)
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
            int pr = poll(pfd, (nuint)n, exit is null ? WindowSize.PollMilliseconds : 50);
            if (pr < 0 && Errno != EINTR) break;
            SyncWindowSize(master, ref size); // resizes are picked up within a quarter second
            fixed (byte* b = buf)
            {
                if (iMaster >= 0 && pfd[iMaster].revents != 0)
                {
                    nint got = read(master, b, (nuint)buf.Length);
                    if (got > 0) WriteAll(1, buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR) masterOpen = false; // EIO: the container side is closed
                }
                if (iIn >= 0 && pfd[iIn].revents != 0)
                {
                    nint got = read(0, b, (nuint)buf.Length);
                    if (got > 0) WriteAll(master, buf.AsSpan(0, (int)got));
                    else if (got == 0 || Errno != EINTR) stdinOpen = false;
                }
            }
            if (exit is null && (iPid < 0 || pfd[iPid].revents != 0 || pidfd < 0)) exit = MonitorContext.Reap(pid);
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
