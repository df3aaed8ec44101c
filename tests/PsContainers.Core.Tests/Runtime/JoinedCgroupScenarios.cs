using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// A linux.cgroupsPath that exists before create (issue 16), run the same way with pscrun and runc and checked from
/// the host; <see cref="CgroupJoinTests"/> runs them on v1, <see cref="CgroupV2RuntimeTests"/> in the v2 guest. runc's
/// rules (libcontainer 1.1: factory_linux.go Create, state_linux.go destroy, cgroups.RemovePaths): the group is joined
/// even when it holds processes (a warning; runc 1.2 refuses instead), the spec's limits are written into it, a frozen
/// one is refused; at delete the group is removed when it is empty, whoever made it, and left with its processes
/// otherwise; those processes are killed only when the container has no pid namespace of its own.
/// </summary>
public static class JoinedCgroupScenarios
{
    private static (int ExitCode, string Stdout, string Stderr) Cli(RuntimeUnderTest rt, params string[] args) =>
        rt.Client.Run(new[] { rt.Path, "--root", rt.StateRoot }.Concat(args).ToList());

    private static string MemoryLimitFile(ExistingCgroup g) =>
        g.Dirs.ContainsKey("") ? Path.Combine(g.Dir("memory"), "memory.max") : Path.Combine(g.Dir("memory"), "memory.limit_in_bytes");

    /// <summary>
    /// A group holding a process is joined with a warning, gets the limits, and keeps that process and itself after
    /// the container is killed and deleted; the container's own processes are gone.
    /// </summary>
    public static void JoinsAGroupHoldingProcessesAndLeavesThemAtDelete(RuntimeFixture f, RuntimeUnderTest rt)
    {
        using var g = new ExistingCgroup(rt.Name + "-held", withProcess: true);
        string id = Bundles.NewId("join");
        var (bundle, _) = Bundles.Make(f, id, new SpecOptions { Args = new[] { "sleep", "600" }, CgroupsPath = g.CgroupsPath, Resources = new ResourceLimits { Memory = 64L << 20, PidsLimit = 42 } });
        try
        {
            var create = Cli(rt, "create", "--bundle", bundle, id);
            Assert.True(create.ExitCode == 0, create.Stderr);
            Assert.Contains("container's cgroup is not empty: 1 process(es) found", create.Stderr);
            Assert.Equal(0, Cli(rt, "start", id).ExitCode);
            int pid = rt.Client.State(id)!.Pid;
            // the container's process is in the existing group, beside the process already there, under its limits
            Assert.Contains(pid, g.Procs());
            Assert.Contains(g.HolderPid, g.Procs());
            var lines = File.ReadAllLines($"/proc/{pid}/cgroup");
            if (g.Dirs.ContainsKey("")) Assert.Contains("0::" + g.CgroupsPath, lines);
            else Assert.Contains(lines, l => l.Split(':')[1].Split(',').Contains("memory") && l.EndsWith(":" + g.CgroupsPath, StringComparison.Ordinal));
            Assert.Equal((64L << 20).ToString(), File.ReadAllText(MemoryLimitFile(g)).Trim());
            Assert.Equal("42", File.ReadAllText(Path.Combine(g.Dir("pids"), "pids.max")).Trim());
            Assert.Equal(0, Cli(rt, "kill", id, "KILL").ExitCode);
            Bundles.WaitFor(() => rt.Client.State(id)!.Status == "stopped");
            var delete = Cli(rt, "delete", id);
            Assert.True(delete.ExitCode == 0, delete.Stderr);
            Assert.Null(rt.Client.State(id));
            Assert.False(Bundles.ProcessAlive(pid));
            // not the container's: the process stays, and so does its group (rmdir of a populated group fails)
            Assert.True(g.HolderAlive, "the group's own process was killed by delete");
            Assert.True(g.ExistsEverywhere, "the populated group was removed");
            Assert.Equal(new[] { g.HolderPid }, g.Procs());
        }
        finally { Cli(rt, "delete", "--force", id); }
    }

    /// <summary>An empty existing group is joined without a warning and removed at delete, as runc's Destroy does.</summary>
    public static void JoinsAnEmptyGroupAndRemovesItAtDelete(RuntimeFixture f, RuntimeUnderTest rt)
    {
        using var g = new ExistingCgroup(rt.Name + "-empty", withProcess: false);
        string id = Bundles.NewId("join");
        var (bundle, _) = Bundles.Make(f, id, new SpecOptions { Args = new[] { "/bin/sh", "-c", "cat /proc/self/cgroup" }, CgroupsPath = g.CgroupsPath, Resources = new ResourceLimits { PidsLimit = 17 } },
            s => s.Linux!.Namespaces!.RemoveAll(n => n.Type == "cgroup"));
        var run = Cli(rt, "run", "--bundle", bundle, id);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.DoesNotContain("not empty", run.Stderr);
        Assert.Contains(g.CgroupsPath, run.Stdout); // it ran in the existing group
        Assert.True(g.GoneEverywhere, $"the joined group is left after delete: {string.Join(", ", g.Dirs.Values.Where(Directory.Exists))}");
        Assert.True(Directory.Exists(Path.GetDirectoryName(g.Dirs.Values.First())), "the existing parent was removed");
    }

    /// <summary>A frozen existing group is refused at create and left as it was.</summary>
    public static void RefusesAFrozenGroup(RuntimeFixture f, RuntimeUnderTest rt)
    {
        using var g = new ExistingCgroup(rt.Name + "-frozen", withProcess: false);
        g.Freeze(true);
        string id = Bundles.NewId("join");
        var (bundle, _) = Bundles.Make(f, id, new SpecOptions { Args = new[] { "true" }, CgroupsPath = g.CgroupsPath });
        try
        {
            var create = Cli(rt, "create", "--bundle", bundle, id);
            Assert.NotEqual(0, create.ExitCode);
            Assert.Contains("cgroup unexpectedly frozen", create.Stderr);
            Assert.True(g.ExistsEverywhere, "the refused group was removed");
            Assert.Null(rt.Client.State(id));
        }
        finally { Cli(rt, "delete", "--force", id); }
    }

    /// <summary>
    /// Without a pid namespace of its own the container's processes may outlive its init, so delete kills every process
    /// of the group, the joined group's own included (runc's destroy), and then removes the emptied group.
    /// </summary>
    public static void WithoutAPidNamespaceDeleteKillsTheJoinedGroupsProcesses(RuntimeFixture f, RuntimeUnderTest rt)
    {
        using var g = new ExistingCgroup(rt.Name + "-sharedpid", withProcess: true);
        string id = Bundles.NewId("join");
        var (bundle, _) = Bundles.Make(f, id, new SpecOptions { Args = new[] { "sleep", "600" }, CgroupsPath = g.CgroupsPath },
            s => s.Linux!.Namespaces!.RemoveAll(n => n.Type == "pid"));
        try
        {
            Assert.Equal(0, Cli(rt, "create", "--bundle", bundle, id).ExitCode);
            Assert.Equal(0, Cli(rt, "start", id).ExitCode);
            Assert.Equal(0, Cli(rt, "kill", id, "KILL").ExitCode);
            Bundles.WaitFor(() => rt.Client.State(id)!.Status == "stopped");
            Assert.True(g.HolderAlive, "kill without --all signalled the group's own process");
            var delete = Cli(rt, "delete", id);
            Assert.True(delete.ExitCode == 0, delete.Stderr);
            Bundles.WaitFor(() => !g.HolderAlive);
            // runc 1.1's v2 manager tries rmdir once, right after the SIGKILL (fs2 Destroy, no retry as on v1), so
            // the group it emptied often stays there; pscrun waits for the group to drain first
            if (rt.Name == "pscrun" || !g.Dirs.ContainsKey("")) Bundles.WaitFor(() => g.GoneEverywhere);
        }
        finally { Cli(rt, "delete", "--force", id); }
    }
}
