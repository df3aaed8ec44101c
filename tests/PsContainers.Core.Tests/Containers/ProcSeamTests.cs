using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime;
using PsContainers.Core.Tests.Fakes;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// The process-state checks of the lifecycle read /proc through <see cref="Util.ISyscalls.ReadProcFile"/>, so a test can
/// give them fake processes (<see cref="RecordingSyscalls"/>): the stop sequence signals an orphan's pid only while
/// /proc/&lt;pid&gt;/cgroup names the container (pids are reused), and the store waits for a monitor only while its
/// cmdline is the container's pscmon and it is not a zombie. No real process is signalled: the fake records kill(2).
/// </summary>
public sealed class ProcSeamTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-procseam-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly RecordingSyscalls _sys = new();

    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    // pids far above any pid_max default: never a real process, even if a read slipped through to the real /proc
    private const int ContainerPid = 2_000_000_001, MonitorPid = 2_000_000_002, DnsPid = 2_000_000_003;

    private Container Orphan() => new()
    {
        Id = ContainerStore.NewId(),
        Name = "orphan",
        State = new ContainerState { Status = ContainerStatus.Running, Pid = ContainerPid, MonitorPid = MonitorPid },
    };

    private StopSequence Sequence(Container c)
    {
        var store = new ContainerStore(new PscPaths(_root), _sys);
        // the runtime has forgotten the container: /bin/false answers every kill with a failure
        var runtime = new OciRuntimeClient("/bin/false", Path.Combine(_root, "runtime"), _sys);
        return new StopSequence(store, runtime, _sys, c, orphan: true);
    }

    [Fact]
    public void AnOrphansPidIsKilledOnlyWhileItsCgroupNamesTheContainer()
    {
        var c = Orphan();
        _sys.LiveProcesses.Add(ContainerPid);
        _sys.SetProcFile(ContainerPid, "cgroup", $"12:pids:/psc/{c.Id}\n4:memory:/psc/{c.Id}\n");
        Sequence(c).Signal(9);
        Assert.Contains($"kill {ContainerPid} 9", _sys.Calls);
        Assert.Contains($"{ContainerPid}/cgroup", _sys.ProcReads);
    }

    [Fact]
    public void AReusedPidInAnotherCgroupOrAGonePidIsNeverSignalled()
    {
        var c = Orphan();
        _sys.LiveProcesses.Add(ContainerPid);
        _sys.SetProcFile(ContainerPid, "cgroup", "12:pids:/user.slice/session-1.scope\n");
        Sequence(c).Signal(9);
        _sys.SetProcFile(ContainerPid, "cgroup", null);
        _sys.SetProcFile(ContainerPid, "stat", $"{ContainerPid} (sh) S 1"); // the fake's pid, but without a cgroup file: gone
        Sequence(c).Signal(9);
        Assert.DoesNotContain(_sys.Calls, call => call.StartsWith("kill ", StringComparison.Ordinal));
        Assert.Equal(2, _sys.ProcReads.Count(r => r == $"{ContainerPid}/cgroup"));
    }

    [Fact]
    public void TheStoreWaitsForAMonitorOnlyWhileItIsTheContainersLivePscmon()
    {
        var store = new ContainerStore(new PscPaths(_root), _sys);
        var c = Orphan();
        _sys.SetProcFile(MonitorPid, "cmdline", $"/opt/psc/pscmon\0{c.Id}\0--bundle\0/x\0");
        _sys.SetProcFile(MonitorPid, "stat", $"{MonitorPid} (pscmon) S 1 2 3");
        Assert.True(store.MonitorAlive(c));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        store.WaitMonitorGone(c, TimeSpan.FromMilliseconds(300));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(300), $"returned after {sw.Elapsed} while the monitor lived");

        // a zombie (exited, not yet reaped) is gone
        _sys.SetProcFile(MonitorPid, "stat", $"{MonitorPid} (pscmon) Z 1 2 3");
        Assert.False(store.MonitorAlive(c));
        sw.Restart();
        store.WaitMonitorGone(c, TimeSpan.FromSeconds(5));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2));

        // the pid reused by another program is not the monitor
        _sys.SetProcFile(MonitorPid, "stat", $"{MonitorPid} (sleep) S 1 2 3");
        _sys.SetProcFile(MonitorPid, "cmdline", "sleep\0100\0");
        Assert.False(store.MonitorAlive(c));
        // nor is another container's monitor
        _sys.SetProcFile(MonitorPid, "cmdline", $"/opt/psc/pscmon\0{ContainerStore.NewId()}\0");
        Assert.False(store.MonitorAlive(c));
    }

    [Fact]
    public void AContainerWhoseMonitorIsGoneLoadsExitedAndLostItsMonitor()
    {
        var store = new ContainerStore(new PscPaths(_root), _sys);
        var c = Orphan();
        c.Image = "busybox";
        c.ImageId = "sha256:" + new string('a', 64);
        c.Config = new ContainerConfig { Cmd = ["sh"] };
        using (store.LockStore()) store.Publish(c);
        store.SaveState(c);
        _sys.SetProcFile(MonitorPid, "cmdline", $"/opt/psc/pscmon\0{c.Id}\0");
        _sys.SetProcFile(MonitorPid, "stat", $"{MonitorPid} (pscmon) S 1 2 3");
        var alive = store.Load(c.Id)!;
        Assert.Equal(ContainerStatus.Running, alive.State.Status);
        Assert.False(alive.State.MonitorLost);

        _sys.SetProcFile(MonitorPid, "stat", null);
        _sys.SetProcFile(MonitorPid, "cmdline", null);
        _sys.SetProcFile(MonitorPid, "status", "Name:\tnothing"); // still the fake's pid: its cmdline and stat are gone
        var lost = store.Load(c.Id)!;
        Assert.Equal(ContainerStatus.Exited, lost.State.Status);
        Assert.True(lost.State.MonitorLost);
        Assert.Equal(-1, lost.State.ExitCode);
    }

    [Fact]
    public void ANetworksNameServerIsTheRecordedPidOnlyWhileItIsPscdnsServingThatNetwork()
    {
        var dns = new PsContainers.Core.Networking.NetworkDns(new PscPaths(_root), _sys);
        Directory.CreateDirectory(dns.Directory);
        Assert.Null(dns.RunningPid("web")); // no pid file
        File.WriteAllText(dns.PidPath("web"), DnsPid + "\n");
        Assert.Null(dns.RunningPid("web")); // the pid is not the fake's yet: read from the real /proc, where it does not exist
        _sys.SetProcFile(DnsPid, "cmdline", $"/opt/psc/pscdns\010.89.1.1\0{dns.RecordsPath("web")}\0");
        Assert.Equal(DnsPid, dns.RunningPid("web"));
        Assert.Null(dns.RunningPid("db")); // another network's pid file is missing
        File.WriteAllText(dns.PidPath("db"), DnsPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(dns.RunningPid("db")); // the same server, but it serves web's records
        _sys.SetProcFile(DnsPid, "cmdline", $"sleep\0100\0{dns.RecordsPath("web")}\0"); // the pid was reused
        Assert.Null(dns.RunningPid("web"));
        Assert.Contains($"{DnsPid}/cmdline", _sys.ProcReads);
    }
}
