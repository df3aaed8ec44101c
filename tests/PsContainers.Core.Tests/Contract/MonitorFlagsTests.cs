using System.Reflection;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class MonitorFlagsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-monflags-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    private static HashSet<string> Flags() => typeof(MonitorFlags).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Flags_are_distinct_double_dash_words()
    {
        var fields = typeof(MonitorFlags).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        Assert.Equal(fields.Count, Flags().Count);
        Assert.All(Flags(), f => Assert.Matches("^--([a-z]+(-[a-z]+)*)?$", f));
    }

    [Fact]
    public void The_engine_gives_pscmon_only_flags_of_the_contract()
    {
        var paths = new PscPaths(_dir);
        var store = new ContainerStore(paths);
        var c = new Container
        {
            Id = new string('a', 64), Name = "flags", Image = "busybox",
            Config = new ContainerConfig { Tty = true, OpenStdin = true },
            HostConfig = new HostConfig { AutoRemove = true },
        };
        var args = new MonitorClient(store, paths, "/nonexistent/pscmon").Arguments(c, "/usr/sbin/runc", attach: true, stdin: false, foreground: false);
        var flags = Flags();
        var used = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.All(used, a => Assert.Contains(a, flags));
        Assert.Equal([MonitorFlags.Id, MonitorFlags.Dir, MonitorFlags.Bundle, MonitorFlags.Runtime, MonitorFlags.RuntimeRoot, MonitorFlags.Restart,
            MonitorFlags.RestartCount, MonitorFlags.Lock, MonitorFlags.NameFile, MonitorFlags.Image, MonitorFlags.Remove, MonitorFlags.VolumesDir,
            MonitorFlags.Attach, MonitorFlags.Tty, MonitorFlags.OpenStdin], used.Where(a => !a.StartsWith("--exit-", StringComparison.Ordinal)));
        Assert.Equal(c.Id, args[args.IndexOf(MonitorFlags.Id) + 1]);
        Assert.Equal(paths.Volumes, args[args.IndexOf(MonitorFlags.VolumesDir) + 1]);
    }
}
