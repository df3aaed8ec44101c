using System.Diagnostics;
using PsContainers.Cgroups;

namespace PsContainers.Core.Containers.Inspect;

/// <summary>
/// CPU, memory, pids, block I/O and network I/O of running containers (Get-ContainerStatistic, docker stats), read from the
/// cgroups of the container's init through <see cref="ICgroupManager.ReadStats"/> (v1 or v2), and the network
/// counters of its namespace (<see cref="NetworkCounters"/>). Made by <see cref="Engine"/>.
/// </summary>
public sealed class ContainerStatistics
{
    private readonly Engine _engine;

    internal ContainerStatistics(Engine engine) { _engine = engine; }

    /// <summary>
    /// One sample. The counters are read twice, <paramref name="interval"/> apart (less when cancelled): CpuPercent is
    /// the CPU time used between them over the wall time between them x 100 (100 = one core, as docker reports), the
    /// other figures are the second reading. MemoryLimit (bytes) is the cgroup's limit, or the host's memory (MemTotal)
    /// when the container has none or one above it, as docker's daemon reports it (its stats cap the limit at the
    /// machine's memory), so MemoryPercent is of that; null only when neither can be read. NetworkRx and NetworkTx are
    /// the second reading's bytes received and sent by the container's namespace (<see cref="NetworkCounters.Read"/>).
    /// Errors (<see cref="PscException"/>): ContainerNotFound; InvalidState when the container is not running (or
    /// paused); CgroupNotFound when its init has no cgroup to read (it exited meanwhile).
    /// </summary>
    public ContainerStatistic Sample(Container c, TimeSpan interval, CancellationToken ct = default)
    {
        var cur = _engine.ContainerStore.Load(c.Id) ?? throw ContainerManager.NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.ReadProcesses);
        var (a, ta) = Read(cur.State.Pid);
        ct.WaitHandle.WaitOne(interval);
        var (b, tb) = Read(cur.State.Pid);
        double wallNs = Stopwatch.GetElapsedTime(ta, tb).TotalNanoseconds;
        double cpu = wallNs > 0 ? Math.Max(0, b.CpuNanoseconds - a.CpuNanoseconds) / wallNs * 100.0 : 0;
        var (rx, tx) = NetworkCounters.Read(_engine.Syscalls, cur);
        long host = EngineInfo.MemTotal(_engine.Syscalls);
        long? limit = b.MemoryLimitBytes > 0 && (host <= 0 || b.MemoryLimitBytes < host) ? b.MemoryLimitBytes : host > 0 ? host : null;
        return new ContainerStatistic
        {
            ContainerId = cur.Id, Name = cur.Name, Time = DateTime.UtcNow,
            CpuPercent = Math.Round(cpu, 2),
            MemoryUsage = b.MemoryBytes, MemoryLimit = limit,
            MemoryPercent = limit is long l ? Math.Round(b.MemoryBytes * 100.0 / l, 2) : 0,
            Pids = b.Pids, BlockRead = b.BlockReadBytes, BlockWrite = b.BlockWriteBytes, CgroupVersion = b.Version,
            NetworkRx = rx, NetworkTx = tx,
        };
    }

    /// <summary>The counters of <paramref name="pid"/>'s cgroups and the <see cref="Stopwatch"/> timestamp right after reading them.</summary>
    private static (CgroupStats Stats, long Timestamp) Read(int pid)
    {
        var cg = CgroupManager.ForProcess(pid) ?? throw PscException.NotFound(ErrorIds.CgroupNotFound, $"No cgroup found for process {pid}.", pid);
        var s = cg.ReadStats();
        return (s, Stopwatch.GetTimestamp());
    }
}
