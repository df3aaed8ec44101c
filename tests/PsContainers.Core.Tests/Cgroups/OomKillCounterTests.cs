using PsContainers.Cgroups;

namespace PsContainers.Core.Tests.Cgroups;

/// <summary>Finding and reading the OOM killer's count of a container's memory cgroup (v1 and v2 layouts).</summary>
public sealed class OomKillCounterTests : IDisposable
{
    private readonly FakeCgroupTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Parse_reads_the_oom_kill_line_of_either_file()
    {
        Assert.Equal(3, OomKillCounter.Parse("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")); // v1 memory.oom_control
        Assert.Equal(0, OomKillCounter.Parse("low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\noom_group_kill 0\n")); // v2 memory.events
        Assert.Null(OomKillCounter.Parse("oom_kill_disable 0\nunder_oom 0\n")); // kernels before 4.13
        Assert.Null(OomKillCounter.Parse("oom_kill lots\n"));
    }

    [Fact]
    public void CounterFile_prefers_the_v1_memory_hierarchy_and_uses_the_unified_line_only_on_a_unified_host()
    {
        string hybrid = "12:pids:/psc/x\n4:memory:/psc/x\n1:name=systemd:/user.slice\n0::/user.slice\n";
        Assert.Equal(_tree.Root + "/memory/psc/x/memory.oom_control", OomKillCounter.CounterFile(hybrid, _tree.Root));
        Assert.Equal(_tree.Root + "/cpu,memory/psc/x/memory.oom_control", OomKillCounter.CounterFile("5:cpu,memory:/psc/x\n", _tree.Root));
        Assert.Null(OomKillCounter.CounterFile("0::/psc/y\n", _tree.Root)); // no cgroup.controllers at the root: not unified
        _tree.Group("", ("cgroup.controllers", "cpu memory pids\n"));
        Assert.Equal(_tree.Root + "/psc/y/memory.events", OomKillCounter.CounterFile("0::/psc/y\n", _tree.Root));
        Assert.Null(OomKillCounter.CounterFile("1:name=systemd:/x\n", _tree.Root));
    }

    [Fact]
    public void A_process_of_this_host_has_a_counter_that_reports_no_kill()
    {
        var c = OomKillCounter.ForProcess(Environment.ProcessId);
        Assert.NotNull(c); // this kernel (6.x) has oom_kill in memory.oom_control
        Assert.EndsWith("/memory.oom_control", c!.File);
        Assert.False(c.Killed());
        Assert.Null(OomKillCounter.ForProcess(int.MaxValue)); // no such process
    }
}
