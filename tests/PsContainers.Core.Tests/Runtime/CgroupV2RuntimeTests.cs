using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// linux.resources on a cgroup v2 host (issue 16), pscrun and runc on the same bundles: the values are read back
/// inside the container, which sees its own group as the root of a cgroup namespace, and the group's lifetime
/// (freeze, nested paths, removal) is checked from the host. Skipped on the v1 hosts here: the cgroup v2 lane runs
/// them in its guest. Expected values follow runc's fs2 conversions (libcontainer/cgroups/fs2, config-linux.md).
/// </summary>
[Collection("oci-runtime")]
public sealed class CgroupV2RuntimeTests
{
    private readonly RuntimeFixture _f;
    public CgroupV2RuntimeTests(RuntimeFixture f) { _f = f; }

    public static IEnumerable<object[]> Runtimes => OciRuntimeConformanceTests.Runtimes;

    private RuntimeUnderTest Rt(string name) => new(name, _f);

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void MemoryCpuPidsAndCpusetLimitsInTheV2Files(string runtime)
    {
        var r = Bundles.Sh(_f, Rt(runtime),
            "cat /proc/self/cgroup; cd /sys/fs/cgroup; for f in memory.max memory.swap.max memory.low cpu.max cpu.weight pids.max cpuset.cpus; do echo \"$f=$(cat $f)\"; done",
            new SpecOptions { Resources = new ResourceLimits { Memory = 64L << 20, MemorySwap = 96L << 20, Cpus = 0.5, CpuShares = 512, PidsLimit = 42, CpusetCpus = "0" } },
            s => s.Linux!.Resources!.Memory!.Reservation = 32L << 20);
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = Lines(r.Stdout);
        Assert.Equal("0::/", l[0]); // a cgroup namespace rooted at the container's group
        Assert.Contains($"memory.max={64L << 20}", l);
        Assert.Contains($"memory.swap.max={32L << 20}", l); // swap - memory
        Assert.Contains($"memory.low={32L << 20}", l);
        Assert.Contains("cpu.max=50000 100000", l);
        Assert.Contains("cpu.weight=20", l); // 1 + (512 - 2) * 9999 / 262142
        Assert.Contains("pids.max=42", l);
        Assert.Contains("cpuset.cpus=0", l);
    }

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void UnifiedKeysIoWeightAndThrottleAndHugetlb(string runtime)
    {
        bool loop = Directory.Exists("/sys/block/loop0");
        bool huge = Directory.Exists("/sys/kernel/mm/hugepages/hugepages-2048kB");
        var r = Bundles.Sh(_f, Rt(runtime),
            "cd /sys/fs/cgroup; echo \"pids=$(cat pids.max)\"; echo \"weight=$(cat io.weight)\"; cat io.max; [ -e hugetlb.2MB.max ] && echo \"huge=$(cat hugetlb.2MB.max)\"; true",
            null, s =>
            {
                var res = s.Linux!.Resources!;
                res.Unified = new() { ["pids.max"] = "17" };
                res.BlockIO = new SpecBlockIO { Weight = 500 };
                if (loop) res.BlockIO.ThrottleReadBpsDevice = new() { new SpecThrottleDevice { Major = 7, Minor = 0, Rate = 1048576 } };
                if (huge) res.HugepageLimits = new() { new SpecHugepageLimit { PageSize = "2MB", Limit = 4L << 20 } };
            });
        Assert.True(r.ExitCode == 0, r.ToString());
        var l = Lines(r.Stdout);
        Assert.Contains("pids=17", l);
        Assert.Contains("weight=default 4950", l); // 1 + (500 - 10) * 9999 / 990
        if (loop) Assert.Contains("7:0 rbps=1048576 wbps=max riops=max wiops=max", l);
        if (huge) Assert.Contains($"huge={4L << 20}", l);
    }

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void DeviceAllowlistIsEnforcedByTheBpfProgram(string runtime)
    {
        // the default rules allow /dev/null and mknod of any node, but not opening a block device
        // in the container's own /dev (a tmpfs without nodev: the lane guest's /tmp, where the shared rootfs lives, is
        // nodev and would refuse every node with EACCES whatever the cgroup says)
        const string n = "/dev/blk-test";
        string script = $"head -c 3 /dev/zero | wc -c; mknod {n} b 7 0 && echo mknod-ok; head -c 1 {n} >/dev/null 2>/dev/shm/err; echo open-rc=$?; cat /dev/shm/err";
        var denied = Bundles.Sh(_f, Rt(runtime), script);
        Assert.Contains("3", Lines(denied.Stdout));
        Assert.Contains("mknod-ok", denied.Stdout);
        Assert.Contains("open-rc=1", denied.Stdout);
        Assert.Contains("Operation not permitted", denied.Stdout);
        // an allow rule for b 7:0 in linux.resources.devices opens it (EPERM no more; the loop device may be unbound)
        var allowed = Bundles.Sh(_f, Rt(runtime), script, null,
            s => s.Linux!.Resources!.Devices!.Add(new SpecDeviceCgroup { Allow = true, Type = "b", Major = 7, Minor = 0, Access = "rw" }));
        Assert.Contains("mknod-ok", allowed.Stdout);
        Assert.DoesNotContain("Operation not permitted", allowed.Stdout);
        // mknod itself stays allowed (runc's default rules "c *:* m", "b *:* m"); DeviceFilterTests covers an "m" denial
    }

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void PauseFreezesTheGroupAndDeleteRemovesNestedPaths(string runtime)
    {
        var rt = Rt(runtime);
        string id = Bundles.NewId("v2f");
        string parent = $"/psc-v2-nest-{Environment.ProcessId}-{runtime}";
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "sleep", "600" }, CgroupsPath = parent + "/a/" + id });
        string group = "/sys/fs/cgroup" + parent + "/a/" + id;
        try
        {
            Assert.Equal(0, rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "create", "--bundle", bundle, id }).ExitCode);
            Assert.Equal(0, rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "start", id }).ExitCode);
            Assert.True(Directory.Exists(group), $"{group} was not made");
            Assert.Contains("cgroup.freeze", Directory.GetFiles(group).Select(Path.GetFileName));
            Assert.Equal(0, rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "pause", id }).ExitCode);
            Assert.Contains("frozen 1", File.ReadAllText(Path.Combine(group, "cgroup.events")));
            Assert.Contains("\"paused\"", rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "state", id }).Stdout);
            Assert.Equal(0, rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "resume", id }).ExitCode);
            Assert.Contains("frozen 0", File.ReadAllText(Path.Combine(group, "cgroup.events")));
            Assert.Contains("\"running\"", rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "state", id }).Stdout);
            Assert.Equal(0, rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "delete", "--force", id }).ExitCode);
            Assert.False(Directory.Exists(group), $"{group} is left after delete");
        }
        finally
        {
            rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot, "delete", "--force", id });
            foreach (var d in new[] { group, "/sys/fs/cgroup" + parent + "/a", "/sys/fs/cgroup" + parent })
                try { Directory.Delete(d); } catch (IOException) { }
        }
    }

    // an existing linux.cgroupsPath (a pod's or a systemd unit's group), as on v1 in CgroupJoinTests

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void JoinsAGroupHoldingProcessesAndLeavesThemAtDelete(string runtime) =>
        JoinedCgroupScenarios.JoinsAGroupHoldingProcessesAndLeavesThemAtDelete(_f, Rt(runtime));

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void JoinsAnEmptyGroupAndRemovesItAtDelete(string runtime) =>
        JoinedCgroupScenarios.JoinsAnEmptyGroupAndRemovesItAtDelete(_f, Rt(runtime));

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void RefusesAFrozenGroup(string runtime) => JoinedCgroupScenarios.RefusesAFrozenGroup(_f, Rt(runtime));

    [CgroupTheory(2), MemberData(nameof(Runtimes))]
    public void WithoutAPidNamespaceDeleteKillsTheJoinedGroupsProcesses(string runtime) =>
        JoinedCgroupScenarios.WithoutAPidNamespaceDeleteKillsTheJoinedGroupsProcesses(_f, Rt(runtime));
}
