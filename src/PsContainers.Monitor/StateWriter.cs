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

    /// <summary>
    /// state.json (<see cref="ContainerStateFile"/>), replaced atomically (temp + rename). <paramref name="oomKilled"/>:
    /// the OOM killer killed a process of the run that ended (false again on the next start).
    /// </summary>
    public void Write(ContainerStatus status, int pid, int? exit, string? error, bool oomKilled = false)
    {
        var now = DateTime.UtcNow;
        if (status == ContainerStatus.Running) _startedAt = now;
        var record = new ContainerStateFile
        {
            Status = status, Pid = pid, MonitorPid = getpid(), RestartCount = _o.RestartCount, StartedAt = _startedAt,
            FinishedAt = exit is null ? null : now, ExitCode = exit, Error = error, OomKilled = oomKilled,
        };
        WriteAtomically(_o.Dir, ContainerMarkers.StateFile, record.ToUtf8());
    }

    /// <summary>
    /// Replace DIR/NAME atomically (a temp file in DIR, rename): readers, and a kill -9 at any moment, see the old or the
    /// new record. Not fsynced unless <paramref name="durable"/>, as the engine's own records (ContainerStore.WriteRecord):
    /// state.json and health.json describe processes, which do not survive an OS crash either (after one the file may be
    /// empty, which readers take as no record), and the monitor writes them on the path of every start, exit and probe.
    /// </summary>
    public static void WriteAtomically(string dir, string name, byte[] content, bool durable = false)
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
