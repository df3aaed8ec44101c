using PsContainers.Contract;
using static PsContainers.FileSystem.Libc;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// pscmon: the per-container monitor. Started by the engine for every container start (see
/// <see cref="MonitorProtocol"/> for who launches whom and the frames on its stdout). Its modes:
/// <list type="bullet">
/// <item>default: <see cref="Supervisor"/>, detached; runs the container, logs (<see cref="JsonFileLog"/>), records
/// the state (<see cref="StateWriter"/>), applies the restart policy and cleans up;</item>
/// <item>--foreground (-Interactive -Tty) and --exec-tty (exec -it): <see cref="TerminalRelay"/>;</item>
/// <item>--attach-socket: <see cref="AttachClient"/>, a terminal attached to a running container (Connect-Container);</item>
/// <item>net-release: <see cref="NetRelease"/>, the poststop hook that releases a container's network;</item>
/// <item>net-probe: <see cref="NetProbe"/>, an HTTP-GET or TCP-SOCKET healthcheck probe in the container's network namespace;</item>
/// <item>dir-stamps: <see cref="DirStampsHook"/>, the createRuntime hook of a build's RUN step that records its upper directory's directories.</item>
/// </list>
/// One <see cref="MonitorContext"/> carries a run's state; nothing is kept in static fields.
/// </summary>
public static partial class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == NetReleaseHook.Subcommand) return NetRelease.Run(args[1..]);
        if (args.Length > 0 && args[0] == "net-probe") return NetProbe.Run(args[1..]);
        if (args.Length > 0 && args[0] == "dir-stamps") return DirStampsHook.Run(args[1..]);
        MonitorOptions o;
        try { o = MonitorOptions.Parse(args); }
        catch (Exception e)
        {
            Console.Error.WriteLine("pscmon: " + e.Message);
            Console.Error.WriteLine("usage: pscmon --id ID --dir DIR --bundle DIR [--runtime PATH] [--runtime-root DIR] [--restart no|always|unless-stopped|on-failure[:N]] [--remove [--volumes-dir DIR]] [--attach] [--stdin] [--foreground] [--open-stdin] [--lock FILE] [--name-file FILE] [--image REF] [--exit-command PATH --exit-arg A ...] [--health-test WORD ... --health-interval NS --health-timeout NS --health-start-period NS --health-start-interval NS --health-retries N]");
            Console.Error.WriteLine("       pscmon --attach-socket PATH [--detach-keys KEYS] [--no-stdin]");
            Console.Error.WriteLine("       pscmon net-release STORE_ROOT CONTAINER_ID SETUP_ID [--foreground]");
            Console.Error.WriteLine("       pscmon net-probe PID HTTP-GET PORT PATH | pscmon net-probe PID TCP-SOCKET PORT");
            Console.Error.WriteLine("       pscmon dir-stamps UPPER_DIR STAMPS_FILE");
            return 2;
        }
        var ctx = new MonitorContext(o);
        ctx.Mark("main");
        IgnoreSigpipe();
        if (o.AttachSocket is not null) return new AttachClient(ctx).Run();
        if (o.ExecTty) return new TerminalRelay(ctx).RunExecTerminal();
        if (o.Foreground) return new TerminalRelay(ctx).RunForeground();
        return new Supervisor(ctx).Run();
    }

    private static void IgnoreSigpipe() => signal(SIGPIPE, 1 /* SIG_IGN */);
}
