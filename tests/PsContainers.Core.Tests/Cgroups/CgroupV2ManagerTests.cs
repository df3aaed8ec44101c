using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Cgroups;

/// <summary>
/// cgroup v2 cannot be switched on on this host: the v2 manager is checked against a fake unified group (plain files
/// in a temp directory), for the values it writes (runc fs2's conversions) and the statistics it reads.
/// </summary>
public sealed class CgroupV2ManagerTests : IDisposable
{
    private readonly FakeCgroupTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static readonly string[] WritableFiles =
    [
        "memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "cpu.idle", "cpuset.cpus", "cpuset.mems",
        "pids.max", "io.weight", "io.max", "cgroup.freeze", "cgroup.procs", "memory.high",
    ];

    private (CgroupV2Manager Manager, string Dir) Group()
    {
        string dir = _tree.Group("psc/c1", WritableFiles.Select(f => (f, "")).ToArray());
        var set = new CgroupSet { V2 = true, Dirs = { [""] = dir } };
        var m = CgroupManager.For(set);
        return (Assert.IsType<CgroupV2Manager>(m), dir);
    }

    [Fact]
    public void Apply_writes_the_limits_pscrun_writes_in_their_v2_form()
    {
        var (m, d) = Group();
        m.Apply(new SpecResources
        {
            Memory = new SpecMemory { Limit = 256 << 20, Swap = 384 << 20, Reservation = 128 << 20 },
            Cpu = new SpecCpu { Shares = 1024, Quota = 50000, Period = 100000, Cpus = "0", Mems = "0" },
            Pids = new SpecPids { Limit = 64 },
            BlockIO = new SpecBlockIO { Weight = 500, ThrottleReadBpsDevice = [new SpecThrottleDevice { Major = 8, Minor = 0, Rate = 1048576 }] },
            Unified = new() { ["memory.high"] = "300000000" },
        });
        Assert.Equal(2, m.Version);
        Assert.Equal("268435456", FakeCgroupTree.Read(d, "memory.max"));
        Assert.Equal("134217728", FakeCgroupTree.Read(d, "memory.swap.max")); // swap is memory+swap in the spec: v2 takes the swap alone
        Assert.Equal("134217728", FakeCgroupTree.Read(d, "memory.low"));
        Assert.Equal("39", FakeCgroupTree.Read(d, "cpu.weight")); // 1 + (1024-2)*9999/262142
        Assert.Equal("50000 100000", FakeCgroupTree.Read(d, "cpu.max"));
        Assert.Equal("0", FakeCgroupTree.Read(d, "cpuset.cpus"));
        Assert.Equal("64", FakeCgroupTree.Read(d, "pids.max"));
        Assert.Equal("4950", FakeCgroupTree.Read(d, "io.weight")); // 1 + (500-10)*9999/990
        Assert.Equal("8:0 rbps=1048576", FakeCgroupTree.Read(d, "io.max"));
        Assert.Equal("300000000", FakeCgroupTree.Read(d, "memory.high"));
    }

    [Fact]
    public void Unlimited_values_are_written_as_max()
    {
        var (m, d) = Group();
        m.Apply(new SpecResources { Memory = new SpecMemory { Limit = -1, Swap = -1 }, Cpu = new SpecCpu { Quota = -1 }, Pids = new SpecPids { Limit = 0 } });
        Assert.Equal("max", FakeCgroupTree.Read(d, "memory.max"));
        Assert.Equal("max", FakeCgroupTree.Read(d, "memory.swap.max"));
        Assert.Equal("max 100000", FakeCgroupTree.Read(d, "cpu.max"));
        Assert.Equal("max", FakeCgroupTree.Read(d, "pids.max"));
    }

    [Theory]
    [InlineData(384L << 20, 256L << 20, "134217728")]  // memory+swap minus memory
    [InlineData(256L << 20, 256L << 20, "0")]          // equal: no swap
    [InlineData(-1L, 256L << 20, "max")]
    [InlineData(null, -1L, "max")]                     // unlimited memory, swap unset: both unlimited
    [InlineData(0L, -1L, "max")]
    [InlineData(null, 256L << 20, null)]               // unset: not written
    [InlineData(0L, 256L << 20, null)]                 // 0 is unset, as in runc
    public void Swap_converts_as_runc_does(long? swap, long? limit, string? expected) =>
        Assert.Equal(expected, CgroupV2Manager.SwapMax(swap, limit));

    [Fact]
    public void Swap_without_or_below_the_memory_limit_is_refused()
    {
        Assert.Contains("needs a memory limit", Assert.Throws<CgroupException>(() => CgroupV2Manager.SwapMax(1L << 30, null)).Message);
        Assert.Contains("below the memory limit", Assert.Throws<CgroupException>(() => CgroupV2Manager.SwapMax(1L << 20, 2L << 20)).Message);
    }

    [Fact]
    public void Burst_per_device_weight_and_rdma_are_written()
    {
        string dir = _tree.Group("psc/c2", ("cpu.max.burst", ""), ("io.weight", ""));
        var m = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = dir } });
        m.Apply(new SpecResources
        {
            Cpu = new SpecCpu { Burst = 20000 },
            BlockIO = new SpecBlockIO { WeightDevice = [new SpecWeightDevice { Major = 8, Minor = 0, Weight = 500 }] },
        });
        Assert.Equal("20000", FakeCgroupTree.Read(dir, "cpu.max.burst"));
        Assert.Equal("8:0 4950", FakeCgroupTree.Read(dir, "io.weight"));
        string rdma = _tree.Group("psc/c3", ("rdma.max", ""));
        CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = rdma } }).Apply(new SpecResources
        {
            Rdma = new() { ["mlx5_1"] = System.Text.Json.JsonDocument.Parse("""{"hcaHandles": 3, "hcaObjects": 10000}""").RootElement },
        });
        Assert.Equal("mlx5_1 hca_handle=3 hca_object=10000", FakeCgroupTree.Read(rdma, "rdma.max"));
        var e = Assert.Throws<CgroupException>(() => m.Apply(new SpecResources { Cpu = new SpecCpu { RealtimeRuntime = 1000 } }));
        Assert.Contains("realtime", e.Message);
    }

    [Fact]
    public void What_v2_cannot_do_is_refused_naming_the_field()
    {
        var (m, _) = Group();
        var e = Assert.Throws<CgroupException>(() => m.Apply(new SpecResources { Memory = new SpecMemory { DisableOomKiller = true } }));
        Assert.Contains("linux.resources.memory.disableOOMKiller", e.Message);
        e = Assert.Throws<CgroupException>(() => m.Apply(new SpecResources { Network = new SpecNetwork { ClassId = 7 } }));
        Assert.Contains("net_cls", e.Message);
    }

    [Fact]
    public void A_missing_interface_file_fails_with_the_field_file_and_errno()
    {
        string dir = _tree.Group("psc/bare");
        var m = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = dir } });
        var e = Assert.Throws<CgroupException>(() => m.Apply(new SpecResources { Pids = new SpecPids { Limit = 5 } }));
        Assert.Equal(2, e.Errno); // ENOENT: a cgroup file is never created
        Assert.StartsWith("linux.resources.pids.limit: cannot write '5' to pids.max", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "pids.max")));
    }

    [Fact]
    public void ReadStats_reads_cpu_memory_pids_and_io_of_the_group()
    {
        string dir = _tree.Group("psc/stats",
            ("cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"),
            ("memory.current", "4096\n"), ("memory.max", "max\n"), ("pids.current", "3\n"),
            ("io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=0 dios=0\n"));
        var s = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = dir } }).ReadStats();
        Assert.Equal(new CgroupStats(1_500_000, 4096, -1, 3, 101, 202, 2), s);

        File.WriteAllText(Path.Combine(dir, "memory.max"), "1048576\n");
        File.Delete(Path.Combine(dir, "io.stat"));
        s = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = dir } }).ReadStats();
        Assert.Equal(1048576, s.MemoryLimitBytes);
        Assert.Equal((0L, 0L), (s.BlockReadBytes, s.BlockWriteBytes));

        // the inactive page cache is not usage (docker's and podman's v2 figure: memory.current - inactive_file)
        File.WriteAllText(Path.Combine(dir, "memory.stat"), "anon 1024\nfile 3072\nactive_file 1024\ninactive_file 2048\n");
        s = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = dir } }).ReadStats();
        Assert.Equal(4096 - 2048, s.MemoryBytes);
    }

    [Fact]
    public void Freeze_writes_cgroup_freeze_and_waits_for_cgroup_events()
    {
        var (m, d) = Group();
        File.WriteAllText(Path.Combine(d, "cgroup.events"), "populated 1\nfrozen 0\n");
        Assert.False(m.IsFrozen());
        Assert.True(m.Freeze(false));
        Assert.Equal("0", FakeCgroupTree.Read(d, "cgroup.freeze"));
        File.WriteAllText(Path.Combine(d, "cgroup.events"), "populated 1\nfrozen 1\n");
        Assert.True(m.Freeze(true));
        Assert.Equal("1", FakeCgroupTree.Read(d, "cgroup.freeze"));
        Assert.True(m.IsFrozen());
    }

    [Fact]
    public void Join_list_and_remove_work_on_the_one_group()
    {
        var (m, d) = Group();
        Assert.Equal(Path.Combine(d, "cgroup.procs"), m.JoinFiles());
        m.Join(4242);
        Assert.Equal("4242", FakeCgroupTree.Read(d, "cgroup.procs"));
        File.WriteAllText(Path.Combine(d, "cgroup.procs"), "10\n11\n");
        Assert.Equal([10, 11], m.Pids());

        string parent = _tree.Group("made"), leaf = _tree.Group("made/leaf");
        var made = CgroupManager.For(new CgroupSet { V2 = true, Dirs = { [""] = leaf }, Created = { parent, leaf } });
        Assert.True(made.Remove());
        Assert.False(Directory.Exists(leaf));
        Assert.False(Directory.Exists(parent));
    }
}
