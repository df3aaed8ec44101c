using System.Diagnostics;
using System.Globalization;
using PsContainers.Core.Runtime;
using PsContainers.Contract;
using PsContainers.Core.Util;

namespace PsContainers.Core.Containers;

/// <summary>
/// The one way a container is brought down, shared by Stop, Kill, Remove -Force and the repair of an orphan:
/// mark the stop as the user's (so the restart policy leaves it alone; not for an orphan) → signal → resume if paused (a frozen
/// process cannot act on the signal) → wait → KILL → wait → wait for the monitor's clean-up. Call it with the
/// container lock held, except for Kill, which like docker's may interrupt a stop in progress.
/// </summary>
internal sealed class StopSequence
{
    private readonly ContainerStore _store;
    private readonly OciRuntimeClient _rt;
    private readonly ISyscalls _sys;
    private readonly Container _c;
    private readonly bool _orphan;

    /// <param name="current">The container as just loaded.</param>
    /// <param name="orphan">Its monitor is gone: its pid is only trusted while it is still in the container's cgroup.</param>
    /// <param name="sys">The engine's system calls: the direct signal of a pid the runtime no longer knows goes through them.</param>
    public StopSequence(ContainerStore store, OciRuntimeClient runtime, ISyscalls sys, Container current, bool orphan = false)
    {
        _store = store;
        _rt = runtime;
        _sys = sys;
        _c = current;
        _orphan = orphan;
    }

    private string Dir => _store.DirOf(_c.Id);

    /// <summary>
    /// The whole sequence: <paramref name="signal"/>, then KILL when the container has not exited after
    /// <paramref name="grace"/> (no grace for KILL itself); returns once it exited and its monitor is gone.
    /// </summary>
    public void Run(int signal, TimeSpan grace, CancellationToken ct)
    {
        // an orphan's repair is not the user's stop: no monitor reads the marker, and the boot step
        // (ContainerBootRestore) must still bring back an unless-stopped container a reboot left behind
        if (!_orphan) MarkUserStop();
        Signal(signal);
        ResumeIfPaused();
        if (signal != 9 && !WaitForExit(grace, ct)) Signal(9);
        WaitForExit(TimeSpan.FromSeconds(10), ct);
        WaitMonitorGone(TimeSpan.FromSeconds(5));
    }

    /// <summary>The monitor reads this marker: an exit after it is the user's stop, not a crash to restart.</summary>
    public void MarkUserStop()
    {
        if (Directory.Exists(Dir)) File.WriteAllText(Path.Combine(Dir, ContainerMarkers.UserStop), "");
    }

    /// <summary>Signal the container (KILL reaches every process in it).</summary>
    public void Signal(int sig)
    {
        bool delivered;
        try { _rt.Kill(_c.Id, sig.ToString(CultureInfo.InvariantCulture), all: sig == 9); delivered = true; }
        catch (PscException) { delivered = false; }
        // the runtime already forgot it (exited between our read and the kill, or nothing supervises it any more):
        // signal the pid directly, an orphan's only while it is still in the container's cgroup (pids are reused)
        if ((!delivered || (_orphan && sig == 9)) && _c.State.Pid > 0 && (!_orphan || InContainerCgroup(_c.State.Pid)))
            _sys.Kill(_c.State.Pid, sig);
    }

    private bool InContainerCgroup(int pid) => _sys.ReadProcFile(pid, "cgroup")?.Contains(_c.Id, StringComparison.Ordinal) == true;

    /// <summary>A paused container is thawed so it can act on the signal; the marker goes with the pause.</summary>
    public void ResumeIfPaused()
    {
        if (_c.State.Status != ContainerStatus.Paused) return;
        try { _rt.Resume(_c.Id); } catch (PscException) { }
        try { File.Delete(Path.Combine(Dir, ContainerMarkers.Paused)); } catch (IOException) { }
    }

    /// <summary>Until the store reports it not running (or it is gone); false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        int delay = 2;
        while (true)
        {
            var s = _store.Load(_c.Id);
            if (s is null || !s.State.Running) return true;
            if (sw.Elapsed >= timeout) return false;
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 25);
        }
    }

    /// <summary>Until the monitor has finished its clean-up (unmount, participants) and exited.</summary>
    public void WaitMonitorGone(TimeSpan timeout) => _store.WaitMonitorGone(_c, timeout);
}
