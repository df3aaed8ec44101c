namespace PsContainers.Cgroups;

/// <summary>
/// How a host mounts its cgroups (<see cref="CgroupHierarchy.ModeOf"/>), systemd's three layouts: only v1 hierarchies
/// ("legacy"), v1 hierarchies with the controller-less unified hierarchy beside them ("hybrid"), or one cgroup2 file
/// system at /sys/fs/cgroup ("unified", cgroup v2).
/// </summary>
internal enum CgroupMode
{
    /// <summary>No cgroup file system is mounted under /sys/fs/cgroup.</summary>
    None,
    /// <summary>cgroup v1 only: one <c>cgroup</c> mount per controller set under /sys/fs/cgroup.</summary>
    Legacy,
    /// <summary>cgroup v1 controllers plus a <c>cgroup2</c> mount beside them (/sys/fs/cgroup/unified).</summary>
    Hybrid,
    /// <summary>cgroup v2: /sys/fs/cgroup is itself a <c>cgroup2</c> mount.</summary>
    Unified,
}
