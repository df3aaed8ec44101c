using System.Runtime.CompilerServices;
using PsContainers.Contract;
using PsContainers.Core.Runtime;

namespace PsContainers.Core.Containers;

/// <summary>
/// One attached process of a container, the main process of an attached run (docker run / start -a) or an exec
/// (docker exec), as one model: its output as <see cref="OutputLine"/>s (stdout and stderr lines in the order they
/// arrive), then <see cref="ExitCode"/>. The cmdlets only turn lines into output and errors; terminal sessions
/// (-Tty -Interactive) are relayed by pscmon on the caller's terminal instead (<see cref="ContainerManager.RunInTerminal"/>,
/// <see cref="ContainerManager.ExecInTerminal"/>).
/// <para>An attached run reads pscmon's launcher stream (<see cref="MonitorProtocol"/>: '1' stdout and '2' stderr
/// chunks, split into lines per stream by <see cref="LineSplitter"/>, then 'X' with the exit code). Cancelling the
/// token given to <see cref="ReadLines"/> sends the container SIGINT and stops following (OperationCanceledException).
/// <see cref="ReadToExit"/> is docker's signal proxy instead (docker run's Ctrl+C): on an interrupt the container's
/// process is sent SIGINT and the output is still read to the exit, so that no line is lost and <see cref="ExitCode"/>
/// is the container's; when it has not exited within its stop timeout (docker's default 10 s), or on a second
/// interrupt (the force token), it is stopped (<see cref="ContainerManager.Stop"/>: its stop signal, then SIGKILL).
/// An exec reads the runtime's pipes (<see cref="ContainerManager.Exec"/>) with the same two ways (<see cref="SignalProxy"/>).</para>
/// </summary>
public sealed partial class ContainerSession : IDisposable
{
    private readonly Func<CancellationToken, CancellationToken, bool, IEnumerable<OutputLine>> _lines;
    private readonly IDisposable? _owned;
    // an attached run's stdin copy: stopped at the exit (or on Dispose) so that no host input is read after it
    private StdinPump? _pump;

    private ContainerSession(Func<CancellationToken, CancellationToken, bool, IEnumerable<OutputLine>> lines, IDisposable? owned)
    {
        _lines = lines;
        _owned = owned;
    }

    /// <summary>The process' exit code once <see cref="ReadLines"/> has been read to its end; -1 before, or when unknown.</summary>
    public int ExitCode { get; private set; } = -1;

    /// <summary>
    /// Start <paramref name="container"/> attached (its monitor relays the output to us).
    /// </summary>
    /// <param name="manager">The container service.</param>
    /// <param name="container">A created or stopped container.</param>
    /// <param name="stdin">Copied to the container's standard input on a background thread, then both are closed (docker run -i); null for none. The session owns it. A <see cref="HostStandardInput"/> is stopped when the container's process exits (<see cref="StdinPump"/>).</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="stdout">
    /// Receives the container's stdout byte for byte instead of as lines (-OutFile: binary output such as `tar c`
    /// or `cat /bin/x` stays exact); stderr still comes as lines. Not disposed by the session. Null: lines.
    /// </param>
    /// <exception cref="PscException">The start fails (as <see cref="ContainerManager.Start"/>); ContainerRunning when it is already running.</exception>
    public static ContainerSession Attach(ContainerManager manager, Container container, Stream? stdin, CancellationToken ct = default, Stream? stdout = null)
    {
        var launch = manager.Start(container, attach: true, stdin: stdin is not null, ct: ct);
        try
        {
            // Start is a no-op on a running container; an attached start is not: the state machine says why (ContainerRunning)
            var output = launch.Output ?? throw new InvalidStateException(launch.Container?.State.Status ?? ContainerStatus.Running, ContainerOperation.Start, container.Name);
            var pump = stdin is not null && launch.Input is Stream input ? StdinPump.Start(stdin, input, "psc-stdin") : null;
            ContainerSession? session = null;
            session = new ContainerSession((t, f, proxy) => session!.ReadMonitor(manager, container, launch, output, stdout, t, f, proxy), launch) { _pump = pump };
            return session;
        }
        catch
        {
            launch.Dispose();
            throw;
        }
    }

    /// <summary>Run <paramref name="command"/> in a running container with its output as lines (docker exec without -t).</summary>
    /// <param name="manager">The container service.</param>
    /// <param name="container">A running container.</param>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="options">User, working directory, environment, detach.</param>
    /// <param name="stdin">The process' standard input (docker exec -i); null for none.</param>
    /// <param name="stdout">Receives the process' stdout byte for byte instead of as lines (as for <see cref="Attach"/>); null: lines.</param>
    /// <exception cref="PscException">When read: the container is not running (InvalidState), or the runtime fails.</exception>
    public static ContainerSession Exec(ContainerManager manager, Container container, IReadOnlyList<string> command, ExecOptions options, Stream? stdin = null, Stream? stdout = null)
    {
        ContainerSession? session = null;
        session = new ContainerSession((t, f, proxy) => manager.Exec(container, command, options, code => session!.ExitCode = code, stdin, t, stdout, f, proxy), null);
        return session;
    }

    /// <summary>The output lines, as they arrive; <see cref="ExitCode"/> is set when the enumeration ends. Read once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (the process was sent SIGINT for an attached run).</exception>
    public IEnumerable<OutputLine> ReadLines(CancellationToken ct = default) => _lines(ct, default, false);

    /// <summary>
    /// The output lines to the process' exit, with docker's signal proxy for an attached run (the class summary):
    /// <paramref name="interrupt"/> sends SIGINT and reading goes on; <paramref name="force"/> after it stops the
    /// container at once. An exec gets the same (<see cref="ContainerManager.Exec"/>): SIGINT to its process, reading to
    /// its exit, SIGKILL to it after the container's stop timeout or on <paramref name="force"/>. <see cref="ExitCode"/>
    /// is set when the enumeration ends. Read once.
    /// </summary>
    public IEnumerable<OutputLine> ReadToExit(CancellationToken interrupt, CancellationToken force) => _lines(interrupt, force, true);

    private IEnumerable<OutputLine> ReadMonitor(ContainerManager manager, Container container, MonitorLaunch launch, Stream output, Stream? stdout, CancellationToken ct, CancellationToken force, bool proxy)
    {
        var exit = new StrongBox<int>(-1);
        try
        {
            foreach (var line in ReadFrames(manager, container, output, stdout, exit, ct, force, proxy)) yield return line;
        }
        finally { _pump?.Stop(); } // the process exited (or we stopped following): stop reading this host's stdin now
        int code = exit.Value;
        // the monitor finishes its clean-up (unmount, --rm) right after the exit; wait for it unless it restarts
        if (!container.HostConfig.RestartPolicy.Restarts) launch.WaitForCleanup(TimeSpan.FromSeconds(10));
        if (code < 0) code = manager.Store.Load(container.Id)?.State.ExitCode ?? -1;
        ExitCode = code;
    }

    /// <summary>
    /// The lines of a <see cref="MonitorProtocol"/> stream until its Exit frame (its code goes to <paramref name="exit"/>)
    /// or its end. <paramref name="ct"/> sends the container SIGINT; without <paramref name="proxy"/> following stops
    /// (OperationCanceledException), with it (docker's signal proxy) reading goes on, and the container is stopped when
    /// it outlives its stop timeout after that, or at once on <paramref name="force"/>.
    /// </summary>
    private static IEnumerable<OutputLine> ReadFrames(ContainerManager manager, Container container, Stream output, Stream? stdout, StrongBox<int> exit, CancellationToken ct, CancellationToken force, bool proxy)
    {
        var outLines = new LineSplitter();
        var errLines = new LineSplitter();
        int code = -1;
        // Ctrl+C: pass SIGINT on to the container, like docker's signal proxy; not within the grace, or a second
        // Ctrl+C: docker stop (the stop signal, then SIGKILL), whose Exit frame follows
        using var signals = new SignalProxy(ct, proxy ? force : CancellationToken.None, TimeSpan.FromSeconds(container.Config.StopTimeout ?? 10),
            () => manager.Kill(container, "INT"), () => manager.Stop(container, timeout: 1));
        while (true)
        {
            // the read blocks; it runs on a worker so that an interrupt is seen at once
            var read = Task.Run(() => MonitorProtocol.Read(output), CancellationToken.None);
            while (!read.IsCompleted)
            {
                if (!ct.IsCancellationRequested)
                {
                    try { read.Wait(ct); } catch (OperationCanceledException) when (proxy) { }
                    continue;
                }
                if (!proxy) ct.ThrowIfCancellationRequested();
                // once stopped, the monitor's exit frame is bounded by the stop; give up on a monitor that sends nothing
                if (signals.Stopping is { IsCompleted: true } && !read.Wait(TimeSpan.FromSeconds(30))) break;
                read.Wait(TimeSpan.FromMilliseconds(200));
            }
            if (!read.IsCompleted) break;
            var frame = read.Result;
            if (frame.Type == MonitorFrameType.None) break;
            if (frame.Type == MonitorFrameType.Exit) { code = frame.Number; break; }
            if (frame.Type == MonitorFrameType.Stdout && stdout is not null) stdout.Write(frame.Payload);
            else if (frame.Type == MonitorFrameType.Stdout) foreach (var l in outLines.Add(frame.Payload)) yield return new OutputLine(false, l);
            else if (frame.Type == MonitorFrameType.Stderr) foreach (var l in errLines.Add(frame.Payload)) yield return new OutputLine(true, l);
        }
        if (outLines.Rest() is string r1) yield return new OutputLine(false, r1);
        if (errLines.Rest() is string r2) yield return new OutputLine(true, r2);
        exit.Value = code;
    }

    /// <summary>Releases the monitor's launcher stream of an attached run (the container goes on running).</summary>
    public void Dispose()
    {
        _pump?.Stop();
        _owned?.Dispose();
    }
}
