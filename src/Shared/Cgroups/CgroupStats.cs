namespace PsContainers.Cgroups;

/// <summary>
/// One reading of a container's cgroup counters, the figures docker stats shows.
/// <para>CpuNanoseconds: total CPU time of the group (v1 cpuacct.usage; v2 cpu.stat usage_usec x 1000).</para>
/// <para>MemoryBytes: usage without the inactive page cache (v1 memory.usage_in_bytes - total_inactive_file, as docker
/// does; v2 memory.current - memory.stat inactive_file, as docker and podman do), never below 0.</para>
/// <para>MemoryLimitBytes: v1 memory.limit_in_bytes, v2 memory.max; -1 when there is no limit ("max", the v1
/// "unlimited" page-rounded maximum, or no memory controller).</para>
/// <para>Pids: pids.current (0 without a pids controller). BlockReadBytes/BlockWriteBytes: v1 blkio
/// io_service_bytes Read/Write summed over devices; v2 io.stat rbytes/wbytes summed.</para>
/// <para>Version: 1 or 2, the cgroup version the figures were read from.</para>
/// </summary>
internal readonly record struct CgroupStats(long CpuNanoseconds, long MemoryBytes, long MemoryLimitBytes, long Pids,
    long BlockReadBytes, long BlockWriteBytes, int Version);
