using System.Diagnostics;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// A started monitor (<see cref="MonitorClient.Launch"/>): the container's init pid and, for an attached start, the
/// monitor's framed output (<see cref="MonitorProtocol"/>) and the container's stdin; for -Interactive -Tty the
/// foreground monitor process.
/// </summary>
public sealed class MonitorLaunch : IDisposable
{
    internal Process? Process;
    internal Process? Foreground;
    public int Pid { get; internal set; }
    /// <summary>The container as recorded right after the start (running, or already exited); null only for a launch made outside the manager.</summary>
    public Container? Container { get; internal set; }
    public Stream? Output => Process?.StandardOutput.BaseStream;
    public Stream? Input => Process?.StandardInput.BaseStream;
    internal string? RemovesDirectory;
    /// <summary>The container's network lock (<see cref="Networking.ContainerNetworking.LockPathFor"/>), which the runtime's poststop "pscmon net-release" holds while it releases the network.</summary>
    internal string? NetworkReleaseLock;

    /// <summary>
    /// Wait for the monitor's clean-up after the exit: until the container is gone (-Remove) and its network released
    /// (docker run --rm returns after the container and its network are gone, so a network rm right after works), or
    /// the monitor has exited. False when <paramref name="timeout"/> passed first.
    /// </summary>
    public bool WaitForCleanup(TimeSpan timeout)
    {
        if (RemovesDirectory is null) return WaitForMonitor(timeout);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (!Directory.Exists(RemovesDirectory)) return WaitForNetworkRelease(timeout - sw.Elapsed);
            try { if (Process is null || Process.HasExited) return WaitForNetworkRelease(timeout - sw.Elapsed); } catch (InvalidOperationException) { return true; }
            Thread.Sleep(1);
        }
        return false;
    }

    /// <summary>
    /// Wait until no net-release holds the container's network lock: the poststop hook took it before the monitor
    /// removed the container, and its detached release keeps it to the end. Nothing to wait for without a lock file
    /// (no network was set up).
    /// </summary>
    private bool WaitForNetworkRelease(TimeSpan timeout)
    {
        if (NetworkReleaseLock is null || !File.Exists(NetworkReleaseLock)) return true;
        var sw = Stopwatch.StartNew();
        while (true)
        {
            using (var l = Util.FileLock.TryExclusive(NetworkReleaseLock)) if (l is not null) return true;
            if (sw.Elapsed >= timeout) return false;
            Thread.Sleep(5);
        }
    }

    /// <summary>Wait until the monitor process has exited (after its clean-up).</summary>
    public bool WaitForMonitor(TimeSpan timeout)
    {
        try { return Process is null || Process.WaitForExit(timeout); } catch (InvalidOperationException) { return true; }
    }
    public void Dispose() { try { Process?.Dispose(); } catch { } }
}
