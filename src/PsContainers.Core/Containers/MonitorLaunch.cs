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

    /// <summary>
    /// Wait for the monitor's clean-up after the exit: until the container is gone (-Remove) or the
    /// monitor has exited.
    /// </summary>
    public bool WaitForCleanup(TimeSpan timeout)
    {
        if (RemovesDirectory is null) return WaitForMonitor(timeout);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (!Directory.Exists(RemovesDirectory)) return true;
            try { if (Process is null || Process.HasExited) return true; } catch (InvalidOperationException) { return true; }
            Thread.Sleep(1);
        }
        return false;
    }

    /// <summary>Wait until the monitor process has exited (after its clean-up).</summary>
    public bool WaitForMonitor(TimeSpan timeout)
    {
        try { return Process is null || Process.WaitForExit(timeout); } catch (InvalidOperationException) { return true; }
    }
    public void Dispose() { try { Process?.Dispose(); } catch { } }
}
