using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using static PsContainers.FileSystem.Libc;
using static PsContainers.Monitor.Native;

namespace PsContainers.Monitor;

/// <summary>
/// Writes the container's state.json (<see cref="ContainerStateFile"/>) for the monitor: the status, the init pid,
/// this monitor's pid, the restart count, when it started (kept from the last "running") and how it ended.
/// </summary>
internal sealed class StateWriter(MonitorOptions o)
{
    private readonly MonitorOptions _o = o;
    private DateTime? _startedAt;

    /// <summary>state.json (<see cref="ContainerStateFile"/>), replaced atomically (temp + fsync + rename).</summary>
    public void Write(ContainerStatus status, int pid, int? exit, string? error)
    {
        var now = DateTime.UtcNow;
        if (status == ContainerStatus.Running) _startedAt = now;
        var record = new ContainerStateFile
        {
            Status = status, Pid = pid, MonitorPid = getpid(), RestartCount = _o.RestartCount, StartedAt = _startedAt,
            FinishedAt = exit is null ? null : now, ExitCode = exit, Error = error,
        };
        WriteAtomically(_o.Dir, ContainerMarkers.StateFile, record.ToUtf8());
    }

    /// <summary>
    /// Replace DIR/NAME atomically (a temp file in DIR, fsync, rename): readers see the old or the new record. Without
    /// <paramref name="durable"/> the fsync is left out: readers still see the old or the new record, but after a host
    /// crash the file may be empty; for records that describe a running container only and are made afresh at its
    /// next start (health.json), that costs nothing and saves a disk flush per write.
    /// </summary>
    public static void WriteAtomically(string dir, string name, byte[] content, bool durable = true)
    {
        string target = Path.Combine(dir, name);
        string tmp = Path.Combine(dir, ".tmp-" + name + "-" + getpid().ToString(CultureInfo.InvariantCulture));
        int fd = Open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
        if (fd < 0) return;
        WriteAll(fd, content);
        if (durable) fsync(fd);
        close(fd);
        try { File.Move(tmp, target, overwrite: true); } catch { }
    }
}
