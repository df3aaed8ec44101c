using PsContainers.Cgroups;
using PsContainers.Core.Images;

namespace PsContainers.Core.Tests.Cgroups;

/// <summary>
/// Detection of the host's cgroup layout by what is mounted (issue 16): <see cref="CgroupHierarchy.ModeOf"/> on the
/// mountinfo (proc(5)) of a v1-only host, a systemd "hybrid" host and a unified (cgroup v2) host, the hierarchies
/// pscrun joins on each, and the cgroup version Get-ContainerVersion prints for them. The samples are the lines a
/// Debian/Ubuntu systemd host mounts in each mode (systemd's cgroup-util.c tells the three apart the same way).
/// </summary>
public sealed class CgroupModeTests
{
    private const string Sysfs = "22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n";
    private const string Proc = "23 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n";

    // v1 controllers, each on its own cgroup mount under a tmpfs at /sys/fs/cgroup
    private const string V1 =
        "25 22 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n" +
        "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd\n" +
        "30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct\n" +
        "31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory\n" +
        "32 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids\n" +
        "33 25 0:31 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,freezer\n";

    // the same plus the controller-less v2 hierarchy systemd mounts beside them
    private const string Unified = "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";

    private const string V2 = "25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:8 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

    [Fact]
    public void A_host_with_only_v1_hierarchies_is_legacy_and_joins_each_of_them()
    {
        string mountinfo = Sysfs + Proc + V1;
        Assert.Equal(CgroupMode.Legacy, CgroupHierarchy.ModeOf(mountinfo));
        var h = CgroupHierarchy.Hierarchies(mountinfo);
        Assert.Equal(new Dictionary<string, string>
        {
            ["name=systemd"] = "/sys/fs/cgroup/systemd", ["cpu,cpuacct"] = "/sys/fs/cgroup/cpu,cpuacct",
            ["memory"] = "/sys/fs/cgroup/memory", ["pids"] = "/sys/fs/cgroup/pids", ["freezer"] = "/sys/fs/cgroup/freezer",
        }, h);
        Assert.Equal("1", ContainerVersionInfo.CgroupVersionText(CgroupHierarchy.ModeOf(mountinfo)));
    }

    [Fact]
    public void V1_hierarchies_with_a_cgroup2_mount_beside_them_are_hybrid()
    {
        string mountinfo = Sysfs + Proc + V1.Insert(V1.IndexOf('\n') + 1, Unified);
        Assert.Equal(CgroupMode.Hybrid, CgroupHierarchy.ModeOf(mountinfo));
        var h = CgroupHierarchy.Hierarchies(mountinfo);
        Assert.Equal("/sys/fs/cgroup/unified", h["unified"]);
        Assert.Equal("/sys/fs/cgroup/memory", h["memory"]);
        Assert.Equal(6, h.Count);
        Assert.Equal("1 (hybrid)", ContainerVersionInfo.CgroupVersionText(CgroupHierarchy.ModeOf(mountinfo)));
    }

    [Fact]
    public void A_cgroup2_file_system_on_sys_fs_cgroup_is_unified()
    {
        string mountinfo = Sysfs + V2 + Proc;
        Assert.Equal(CgroupMode.Unified, CgroupHierarchy.ModeOf(mountinfo));
        Assert.Equal("2", ContainerVersionInfo.CgroupVersionText(CgroupHierarchy.ModeOf(mountinfo)));
    }

    [Fact]
    public void The_last_mount_on_sys_fs_cgroup_decides_and_a_cgroup2_elsewhere_does_not_make_a_host_hybrid()
    {
        // a cgroup2 mounted over the v1 tmpfs hides it: unified (the layout a container of a v2 host sees too)
        Assert.Equal(CgroupMode.Unified, CgroupHierarchy.ModeOf(Sysfs + V1 + V2.Replace("25 22", "40 25")));
        // a tmpfs over a cgroup2 mount: no longer unified, and with nothing below it no cgroup file system at all
        Assert.Equal(CgroupMode.None, CgroupHierarchy.ModeOf(Sysfs + V2 + "40 25 0:50 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"));
        // a cgroup2 mount outside /sys/fs/cgroup (a private one under /run) is not the hybrid layout
        string elsewhere = "50 22 0:60 / /run/cg2 rw,relatime - cgroup2 none rw\n";
        Assert.Equal(CgroupMode.Legacy, CgroupHierarchy.ModeOf(Sysfs + V1 + elsewhere));
        Assert.DoesNotContain("unified", CgroupHierarchy.Hierarchies(Sysfs + V1 + elsewhere).Keys);
        Assert.Equal(CgroupMode.None, CgroupHierarchy.ModeOf(Sysfs + Proc));
        Assert.Equal("", ContainerVersionInfo.CgroupVersionText(CgroupMode.None));
    }

    [Fact]
    public void This_hosts_mounts_give_the_mode_statfs_sees()
    {
        var mode = CgroupHierarchy.Mode();
        if (CgroupHierarchy.IsV2) Assert.Equal(CgroupMode.Unified, mode);
        else
        {
            Assert.True(mode is CgroupMode.Legacy or CgroupMode.Hybrid, $"a v1 host read as {mode}");
            Assert.Equal(CgroupHierarchy.Hierarchies().ContainsKey("unified"), mode == CgroupMode.Hybrid);
        }
        Assert.Equal(ContainerVersionInfo.CgroupVersionText(mode), ContainerVersionInfo.Collect(new PscPaths(Path.GetTempPath()), null, probeRuntime: false).CgroupVersion);
    }
}
