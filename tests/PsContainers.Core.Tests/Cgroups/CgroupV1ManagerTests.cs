using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Cgroups;

/// <summary>The v1 manager against a fake v1 tree (one directory per hierarchy), and once against this host's real cgroups.</summary>
public sealed class CgroupV1ManagerTests : IDisposable
{
    private readonly FakeCgroupTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Apply_writes_each_limit_to_its_controllers_hierarchy()
    {
        string mem = _tree.Group("memory/c1", ("memory.limit_in_bytes", ""), ("memory.soft_limit_in_bytes", ""), ("memory.swappiness", ""));
        string cpu = _tree.Group("cpu,cpuacct/c1", ("cpu.shares", ""), ("cpu.cfs_period_us", ""), ("cpu.cfs_quota_us", ""));
        string pids = _tree.Group("pids/c1", ("pids.max", ""));
        var m = CgroupManager.For(new CgroupSet { Dirs = { ["memory"] = mem, ["cpu,cpuacct"] = cpu, ["pids"] = pids } });
        m.Apply(new SpecResources
        {
            Memory = new SpecMemory { Limit = 1 << 20, Reservation = 1 << 19, Swappiness = 10 },
            Cpu = new SpecCpu { Shares = 512, Period = 100000, Quota = 25000 },
            Pids = new SpecPids { Limit = -1 },
        });
        Assert.Equal(1, m.Version);
        Assert.Equal("1048576", FakeCgroupTree.Read(mem, "memory.limit_in_bytes"));
        Assert.Equal("524288", FakeCgroupTree.Read(mem, "memory.soft_limit_in_bytes"));
        Assert.Equal("10", FakeCgroupTree.Read(mem, "memory.swappiness"));
        Assert.Equal("512", FakeCgroupTree.Read(cpu, "cpu.shares"));
        Assert.Equal("25000", FakeCgroupTree.Read(cpu, "cpu.cfs_quota_us"));
        Assert.Equal("max", FakeCgroupTree.Read(pids, "pids.max"));
        Assert.Equal(string.Join('\n', Path.Combine(mem, "tasks"), Path.Combine(cpu, "tasks"), Path.Combine(pids, "tasks")), m.JoinFiles());
    }

    [Fact]
    public void Unified_values_need_the_hybrid_v2_hierarchy()
    {
        var m = CgroupManager.For(new CgroupSet { Dirs = { ["memory"] = _tree.Group("memory/c2") } });
        var e = Assert.Throws<CgroupException>(() => m.Apply(new SpecResources { Unified = new() { ["memory.high"] = "1" } }));
        Assert.Contains("linux.resources.unified", e.Message);
    }

    [Fact]
    public void ReadStats_subtracts_inactive_files_and_sums_block_io()
    {
        string mem = _tree.Group("memory/s", ("memory.usage_in_bytes", "10000\n"), ("memory.stat", "cache 5\ntotal_inactive_file 1000\ntotal_rss 9\n"),
            ("memory.limit_in_bytes", "9223372036854771712\n"));
        string cpu = _tree.Group("cpu,cpuacct/s", ("cpuacct.usage", "123456789\n"));
        string pids = _tree.Group("pids/s", ("pids.current", "2\n"));
        string blk = _tree.Group("blkio/s", ("blkio.throttle.io_service_bytes_recursive", "8:0 Read 10\n8:0 Write 20\n8:0 Sync 30\n8:16 Read 1\n8:16 Write 2\nTotal 63\n"));
        var m = CgroupManager.For(new CgroupSet { Dirs = { ["memory"] = mem, ["cpu,cpuacct"] = cpu, ["pids"] = pids, ["blkio"] = blk } });
        Assert.Equal(new CgroupStats(123456789, 9000, -1, 2, 11, 22, 1), m.ReadStats());

        File.WriteAllText(Path.Combine(mem, "memory.limit_in_bytes"), "67108864\n");
        Assert.Equal(67108864, m.ReadStats().MemoryLimitBytes);
    }

    [Fact]
    public void FromProcCgroup_maps_v1_lines_to_hierarchy_directories()
    {
        _tree.Group("cpu,cpuacct");
        _tree.Group("memory");
        var m = CgroupManager.FromProcCgroup("12:pids:/psc/x\n4:cpu,cpuacct:/psc/x\n3:memory:/psc/x\n1:name=systemd:/user.slice\n0::/user.slice\n", _tree.Root);
        var v1 = Assert.IsType<CgroupV1Manager>(m);
        Assert.Equal(_tree.Root + "/cpu,cpuacct/psc/x", v1.Dir("cpuacct"));
        Assert.Equal(_tree.Root + "/cpu,cpuacct/psc/x", v1.Dir("cpu"));
        Assert.Equal(_tree.Root + "/memory/psc/x", v1.Dir("memory"));
        Assert.Equal(_tree.Root + "/pids/psc/x", v1.Dir("pids")); // no comounted directory: per controller
        Assert.Null(v1.Dir("freezer"));
    }

    [Fact]
    public void FromProcCgroup_uses_the_unified_line_only_on_a_unified_host()
    {
        _tree.Group("", ("cgroup.controllers", "cpu memory pids\n"));
        string g = _tree.Group("psc/y", ("cgroup.controllers", "cpu memory pids\n"));
        var m = CgroupManager.FromProcCgroup("0::/psc/y\n", _tree.Root);
        Assert.Equal(g, Assert.IsType<CgroupV2Manager>(m).Dir("memory"));
        Assert.Null(CgroupManager.FromProcCgroup("0::/psc/gone\n", _tree.Root)); // exited: its group is gone
        Assert.Null(CgroupManager.FromProcCgroup("1:name=systemd:/x\n", _tree.Root));
    }

    [Fact]
    public void This_hosts_cgroups_of_the_test_process_read_as_version_1_with_cpu_time()
    {
        if (!File.Exists("/sys/fs/cgroup/memory/memory.usage_in_bytes") && !Directory.Exists("/sys/fs/cgroup/cpuacct"))
            Assert.Fail("this test expects the cgroup v1 host the project runs on");
        var m = CgroupManager.ForProcess(Environment.ProcessId);
        Assert.NotNull(m);
        var s = m!.ReadStats();
        Assert.Equal(1, s.Version);
        Assert.True(s.CpuNanoseconds > 0, "the test process has used CPU time");
        Assert.True(s.Pids >= 1 || s.MemoryBytes > 0);
    }
}
