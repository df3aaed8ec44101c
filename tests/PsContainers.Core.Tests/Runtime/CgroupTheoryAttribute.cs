namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// A theory about one cgroup version: skipped (with the reason) unless /sys/fs/cgroup is that version, as the
/// kernel mounted it: a cgroup2 file system there is a unified (v2) host, anything else v1 or hybrid. The main suite
/// runs the v1 ones on the hosts here; the cgroup v2 lane (tests/cgroup2/run-lane.sh) runs the v2 ones in its guest.
/// </summary>
public sealed class CgroupTheoryAttribute : TheoryAttribute
{
    /// <summary>Whether this host's /sys/fs/cgroup is cgroup v2 (statfs f_type CGROUP2_SUPER_MAGIC).</summary>
    public static bool HostIsV2 => PsContainers.Cgroups.CgroupHierarchy.IsV2;

    public CgroupTheoryAttribute(int version)
    {
        if (version == 2 && !HostIsV2) Skip = "needs a cgroup v2 host (/sys/fs/cgroup is v1 here): the cgroup v2 lane runs it";
        if (version == 1 && HostIsV2) Skip = "cgroup v1 files: this host is cgroup v2 (its own tests cover it)";
    }
}
