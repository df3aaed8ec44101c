using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipes;
using System.Text;
using PsContainers.Core.Runtime;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>Exec in containers (top and stats are in Inspect/, copy and export in Files/).</summary>
public sealed partial class ContainerManager
{
    private Container RequireRunning(Container c)
    {
        var cur = Store.Load(c.Id) ?? throw NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.Exec);
        return cur;
    }

    /// <summary>
    /// Run a process in a running container with its output as lines (stdout and stderr interleaved as
    /// they arrive). <paramref name="exitCode"/> is set when the enumeration ends. stdin: optional input, copied to the
    /// process and then disposed (<see cref="StdinPump"/>; a <see cref="HostStandardInput"/> stops being read when the process exits).
    /// <paramref name="stdout"/>, when given, receives stdout byte for byte instead (binary output); stderr stays lines.
    /// <para>Cancelling <paramref name="ct"/> sends the process SIGINT (through its host pid, which the runtime writes to a
    /// pid file; the runtime itself runs in a session of its own, so a Ctrl+C on this terminal does not reach it as well).
    /// Without <paramref name="proxy"/> following then stops (OperationCanceledException). With it, this is docker run's
    /// signal proxy applied to the exec (<see cref="SignalProxy"/>): the output is read on to the exit and its code is the
    /// process' own; SIGKILL ends the process when it has not exited within the container's stop timeout (10 s by
    /// default), or at once when <paramref name="force"/> is cancelled (a second Ctrl+C). docker and podman do not proxy
    /// signals to an exec (podman issue 19486: "we don't sig-proxy for exec"; docker/cli issue 2607), so Ctrl+C there
    /// leaves the process running unseen; here it reaches the process, as it does for an attached run.</para>
    /// </summary>
    public IEnumerable<OutputLine> Exec(Container c, IReadOnlyList<string> command, ExecOptions options, Action<int> exitCode,
        Stream? stdin = null, CancellationToken ct = default, Stream? stdout = null, CancellationToken force = default, bool proxy = false)
    {
        ContainerWorkingDirectory.RequireAbsolute(options.Cwd);
        var cur = RequireRunning(c);
        var rt = RuntimeFor(cur);
        options = ResolveExecUser(cur, options) with { Args = command };
        string commandLine = string.Join(' ', command);
        EmitEvent(cur, "exec_create: " + commandLine);
        EmitEvent(cur, "exec_start: " + commandLine);
        if (options.Detach)
        {
            string pidFile = Path.Combine(Paths.RuntimeState, $".exec-{Guid.NewGuid():N}.pid");
            try { rt.Exec(cur.Id, options with { PidFile = pidFile }); }
            finally { try { File.Delete(pidFile); } catch (IOException) { } }
            exitCode(0);
            yield break;
        }
        string execPidFile = Path.Combine(Paths.RuntimeState, $".exec-{Guid.NewGuid():N}.pid");
        options = options with { PidFile = execPidFile };
        var queue = new BlockingCollection<OutputLine>();
        using var outPipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        using var errPipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        AnonymousPipeServerStream? inPipe = stdin is null ? null : new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        int code = -1;
        Exception? failure = null;
        StdinPump? pump = null; // a HostStandardInput is stopped the moment the process exited (and at the end below)
        // the client ends are taken here, before the runner and the pump start: a server pipe disposed while its client
        // end was never taken disposes that end too, so a pump done with a short input before the runner thread read
        // ClientSafePipeHandle left the runtime a closed descriptor (SpawnFailed, "Bad file descriptor")
        var stdio = new ProcessStdio(inPipe?.ClientSafePipeHandle, outPipe.ClientSafePipeHandle, errPipe.ClientSafePipeHandle);
        var runner = new Thread(() =>
        {
            try
            {
                code = rt.Exec(cur.Id, options, stdio);
            }
            catch (Exception e) { failure = e; }
            finally
            {
                pump?.Stop();
                outPipe.DisposeLocalCopyOfClientHandle();
                errPipe.DisposeLocalCopyOfClientHandle();
                inPipe?.DisposeLocalCopyOfClientHandle();
            }
        }) { IsBackground = true, Name = "psc-exec" };
        runner.Start();
        // started after the runner, as before: the pump disposes the pipe at the input's end, which closes its client end too
        if (inPipe is not null) pump = StdinPump.Start(stdin!, inPipe, "psc-exec-stdin");
        var readers = new[] { stdout is null ? Pump(outPipe, false, queue) : outPipe.CopyToAsync(stdout, proxy ? CancellationToken.None : ct), Pump(errPipe, true, queue) };
        Task.WhenAll(readers).ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        void Signal(int signal)
        {
            // only while the runtime waits for the process: after it has reaped it the pid may be another's
            if (!runner.IsAlive) return;
            try
            {
                if (int.TryParse(File.ReadAllText(execPidFile).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid) && pid > 1)
                    _sys.Kill(pid, signal);
            }
            catch (IOException) { } // not started yet (no pid file): nothing to signal
        }
        try
        {
            using var signals = new SignalProxy(ct, proxy ? force : CancellationToken.None, TimeSpan.FromSeconds(cur.Config.StopTimeout ?? 10),
                () => Signal(2 /*SIGINT*/), () => Signal(9 /*SIGKILL*/));
            if (!proxy) foreach (var line in queue.GetConsumingEnumerable(ct)) yield return line;
            else
            {
                DateTime? orphaned = null;
                while (!queue.IsCompleted)
                {
                    if (queue.TryTake(out var line, 200)) { yield return line; continue; }
                    // interrupted and the process is gone, but something it started still holds the pipes: stop following
                    if (ct.IsCancellationRequested && !runner.IsAlive && (orphaned ??= DateTime.UtcNow) < DateTime.UtcNow - TimeSpan.FromSeconds(5)) break;
                }
            }
            runner.Join();
        }
        finally
        {
            pump?.Stop(); // also when the caller stops enumerating early
            try { File.Delete(execPidFile); } catch (IOException) { }
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        EmitEvent(cur, "exec_die", ("exitCode", code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        exitCode(code);
    }

    /// <summary>
    /// docker exec --user: a name, a uid, "user:group" or "uid:gid" resolved in the running container's /etc/passwd
    /// and /etc/group exactly as run resolves -User (<see cref="SpecBuilder.ResolveUser"/>, through the container's
    /// root, never the host's): the runtime gets numbers (runc exec takes UID[:GID]) and the supplementary groups,
    /// the primary group first, then the container's -GroupAdd groups. Errors: UserNotFound / GroupNotFound (ObjectNotFound) before anything runs.
    /// </summary>
    private ExecOptions ResolveExecUser(Container cur, ExecOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.User)) return options with { User = null };
        string rootfs = Store.RootfsOf(cur.Id);
        var u = SpecBuilder.ResolveUser(options.User.Trim(), rootfs);
        // the container's -GroupAdd applies to its execs too, as docker's getUser adds HostConfig.GroupAdd
        foreach (uint g in SpecBuilder.ResolveGroups(cur.HostConfig.GroupAdd, rootfs))
            if (!u.AdditionalGids.Contains(g)) u.AdditionalGids.Add(g);
        return options with
        {
            User = u.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + u.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AdditionalGids = u.AdditionalGids,
        };
    }

    private static Task Pump(Stream s, bool isError, BlockingCollection<OutputLine> q) => Task.Run(async () =>
    {
        using var r = new StreamReader(s, new UTF8Encoding(false));
        while (await r.ReadLineAsync().ConfigureAwait(false) is string line) q.Add(new OutputLine(isError, line));
    });

    /// <summary>
    /// A process on the caller's terminal (exec -it): the monitor runs "runtime exec --tty" with a console
    /// socket, puts the terminal in raw mode and relays it. The process' exit code is the monitor's.
    /// </summary>
    public Process ExecInTerminal(Container c, IReadOnlyList<string> command, ExecOptions options)
    {
        ContainerWorkingDirectory.RequireAbsolute(options.Cwd);
        var cur = RequireRunning(c);
        var rt = RuntimeFor(cur);
        options = ResolveExecUser(cur, options);
        var psi = new ProcessStartInfo(MonitorExecutable) { UseShellExecute = false };
        foreach (var a in new[] { MonitorFlags.ExecTty, MonitorFlags.Id, cur.Id, MonitorFlags.Runtime, rt.RuntimePath, MonitorFlags.RuntimeRoot, rt.StateRoot, MonitorFlags.EndOfOptions })
            psi.ArgumentList.Add(a);
        if (options.Cwd is not null) { psi.ArgumentList.Add("--cwd"); psi.ArgumentList.Add(options.Cwd); }
        if (options.User is not null) { psi.ArgumentList.Add("--user"); psi.ArgumentList.Add(options.User); }
        foreach (var g in options.AdditionalGids ?? [])
        {
            psi.ArgumentList.Add("--additional-gids"); psi.ArgumentList.Add(g.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        psi.ArgumentList.Add("--env"); psi.ArgumentList.Add("TERM=" + (Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } t ? t : "xterm"));
        foreach (var e in options.Env ?? []) { psi.ArgumentList.Add("--env"); psi.ArgumentList.Add(e); }
        psi.ArgumentList.Add(cur.Id);
        foreach (var a in command) psi.ArgumentList.Add(a);
        string commandLine = string.Join(' ', command);
        EmitEvent(cur, "exec_create: " + commandLine);
        EmitEvent(cur, "exec_start: " + commandLine);
        return Process.Start(psi)!;
    }
}
