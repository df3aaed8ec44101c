using System.Diagnostics;
using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Runtime;

namespace PsContainers.Core.Containers;

/// <summary>
/// The engine's side of the monitor contract (<see cref="MonitorProtocol"/>): builds pscmon's command line for a
/// container, starts it and reads its Started/Failed frame. The attached output that follows is read by the caller
/// from <see cref="MonitorLaunch.Output"/>.
/// </summary>
internal sealed class MonitorClient(ContainerStore store, PscPaths paths, string monitorPath)
{
    private readonly ContainerStore _store = store;
    private readonly PscPaths _paths = paths;
    private readonly string _monitorPath = monitorPath;

    /// <summary>pscmon's command line for this container (see the usage in pscmon's Program).</summary>
    internal List<string> Arguments(Container c, string runtimePath, bool attach, bool stdin, bool foreground)
    {
        var a = new List<string>
        {
            MonitorFlags.Id, c.Id, MonitorFlags.Dir, _store.DirOf(c.Id), MonitorFlags.Bundle, _store.DirOf(c.Id),
            MonitorFlags.Runtime, runtimePath, MonitorFlags.RuntimeRoot, _paths.RuntimeState,
            MonitorFlags.Restart, c.HostConfig.RestartPolicy.ToString(),
            MonitorFlags.RestartCount, c.State.RestartCount.ToString(CultureInfo.InvariantCulture),
            MonitorFlags.Lock, _store.LockFile, MonitorFlags.NameFile, _store.NameFile(c.Name), MonitorFlags.Image, c.Image,
        };
        // docker run --rm removes the container's anonymous volumes too: the monitor reads them from its mounts.json
        if (c.HostConfig.AutoRemove) { a.Add(MonitorFlags.Remove); a.Add(MonitorFlags.VolumesDir); a.Add(_paths.Volumes); }
        if (attach) a.Add(MonitorFlags.Attach);
        if (c.Config.Tty && !foreground) a.Add(MonitorFlags.Tty);
        if (stdin) a.Add(MonitorFlags.Stdin);
        // -Detach -Interactive: the monitor keeps the container's stdin open for attach clients (docker run -d -i)
        else if (c.Config.OpenStdin && !foreground) a.Add(MonitorFlags.OpenStdin);
        if (foreground) a.Add(MonitorFlags.Foreground);
        if (c.Config.Healthcheck is { } h && h.IsActive()) a.AddRange(h.ToMonitorArguments());
        // a program the monitor runs after the exit and the unmount (like podman's exit command), given the container id
        if (EngineEnvironment.ExitCommand is { } exit)
        {
            a.Add(MonitorFlags.ExitCommand); a.Add(exit);
            a.Add(MonitorFlags.ExitArg); a.Add(c.Id);
        }
        return a;
    }

    /// <summary>
    /// Start pscmon for <paramref name="c"/> and wait for its first frame: Started (the init pid; for a detached start
    /// the monitor's output is closed then) or Failed. With <paramref name="foreground"/> the monitor runs on the
    /// caller's terminal and nothing is read.
    /// </summary>
    /// <exception cref="PscException">MonitorNotFound; ContainerStartFailed with the runtime's message.</exception>
    public MonitorLaunch Launch(Container c, string runtimePath, bool attach, bool stdin, bool foreground)
    {
        string mon = _monitorPath;
        if (!File.Exists(mon))
            throw new PscException(ErrorIds.MonitorNotFound, PscErrorCategory.NotInstalled, $"The container monitor '{mon}' does not exist (build the module first).", mon);
        Directory.CreateDirectory(_paths.RuntimeState);
        var psi = new ProcessStartInfo(mon) { UseShellExecute = false };
        foreach (var a in Arguments(c, runtimePath, attach, stdin, foreground)) psi.ArgumentList.Add(a);
        if (foreground)
        {
            var fp = Process.Start(psi)!;
            return new MonitorLaunch { Process = null, Pid = fp.Id, Foreground = fp };
        }
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var p = Process.Start(psi)!;
        PhaseTrace.Mark("monitor: spawned");
        if (!stdin) p.StandardInput.Close();
        var launch = new MonitorLaunch
        {
            Process = p,
            RemovesDirectory = c.HostConfig.AutoRemove ? _store.DirOf(c.Id) : null,
            NetworkReleaseLock = c.HostConfig.AutoRemove ? Networking.ContainerNetworking.LockPathFor(_paths, c.Id) : null,
        };
        var frame = MonitorProtocol.Read(p.StandardOutput.BaseStream);
        if (frame.Type == MonitorFrameType.Started)
        {
            launch.Pid = frame.Number;
            if (!attach) { p.StandardOutput.Close(); }
            return launch;
        }
        string err = frame.Type == MonitorFrameType.Failed ? frame.Text : p.StandardError.ReadToEnd();
        launch.Dispose();
        throw new PscException(ErrorIds.ContainerStartFailed, PscErrorCategory.InvalidOperation,
            $"Container '{c.Name}' could not be started: {OciRuntimeClient.CleanError(err)}", c.Name)
        { ExitCode = Contract.StartFailure.ExitCodeFor(err) };
    }
}
