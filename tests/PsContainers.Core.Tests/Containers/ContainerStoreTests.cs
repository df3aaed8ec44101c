using System.Diagnostics;
using System.Text.Json;
using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class ContainerStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-ctr-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerStore _store;

    public ContainerStoreTests()
    {
        _store = new ContainerStore(new PscPaths(_root));
    }

    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    private static Container NewContainer(string name) => new()
    {
        Id = ContainerStore.NewId(),
        Name = name,
        Image = "busybox",
        ImageId = "sha256:" + new string('a', 64),
        Created = DateTime.UtcNow,
        Config = new ContainerConfig { Cmd = ["sh"] },
        State = new ContainerState { Status = ContainerStatus.Created },
    };

    private Container Publish(string name)
    {
        var c = NewContainer(name);
        using (_store.LockStore()) _store.Publish(c);
        return c;
    }

    [Fact]
    public void PublishedContainerRoundTripsWithTheFieldsTheImageStoreReads()
    {
        var c = Publish("web");
        var loaded = _store.Load(c.Id)!;
        Assert.Equal("web", loaded.Name);
        Assert.Equal(ContainerStatus.Created, loaded.Status);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "containers", c.Id, "container.json")));
        Assert.Equal(c.Id, doc.RootElement.GetProperty("Id").GetString());
        Assert.Equal("web", doc.RootElement.GetProperty("Name").GetString());
        Assert.Equal(c.ImageId, doc.RootElement.GetProperty("ImageId").GetString());
        Assert.Matches("^[0-9a-f]{64}$", c.Id);
    }

    [Fact]
    public void ASecondContainerWithTheSameNameIsRefusedAndNothingIsCreated()
    {
        Publish("web");
        var ex = Assert.Throws<ConflictException>(() => Publish("web"));
        Assert.Equal(PscErrorCategory.ResourceExists, ex.Category);
        Assert.Equal("ContainerNameInUse", ex.ErrorId);
        Assert.Single(_store.LoadAll());
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "containers")), p => Path.GetFileName(p).StartsWith(".tmp-"));
    }

    [Fact]
    public void ConcurrentCreatesOfOneNameLetExactlyOneWin()
    {
        const int n = 16;
        int ok = 0, exists = 0;
        var threads = Enumerable.Range(0, n).Select(_ => new Thread(() =>
        {
            try { Publish("shared"); Interlocked.Increment(ref ok); }
            catch (PscException e) when (e.Category == PscErrorCategory.ResourceExists) { Interlocked.Increment(ref exists); }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(1, ok);
        Assert.Equal(n - 1, exists);
        Assert.Single(_store.LoadAll());
        Assert.Equal(_store.LoadAll()[0].Id, File.ReadAllText(_store.NameFile("shared")).Trim());
    }

    [Fact]
    public void ConcurrentCreatesOfDifferentNamesAllSucceed()
    {
        var threads = Enumerable.Range(0, 16).Select(i => new Thread(() => Publish("c" + i))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(16, _store.LoadAll().Count);
        Assert.Equal(16, _store.LoadAll().Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void AStaleNameFileWhoseContainerIsGoneIsTakenOver()
    {
        var c = Publish("web");
        Directory.Delete(Path.Combine(_root, "containers", c.Id), true); // a crash after removing the directory
        var again = Publish("web");
        Assert.Equal(again.Id, _store.Find("web")!.Id);
    }

    [Fact]
    public void FindsByNameFullIdAndUniquePrefix()
    {
        var c = Publish("web");
        Assert.Equal(c.Id, _store.Find("web")!.Id);
        Assert.Equal(c.Id, _store.Find(c.Id)!.Id);
        Assert.Equal(c.Id, _store.Find(c.Id[..8])!.Id);
        Assert.Null(_store.Find("nope"));
    }

    [Fact]
    public void AnAmbiguousIdPrefixIsAnError()
    {
        Container a, b;
        do { a = Publish("a" + Guid.NewGuid().ToString("N")[..6]); b = Publish("b" + Guid.NewGuid().ToString("N")[..6]); }
        while (a.Id[0] != b.Id[0] && _store.LoadAll().GroupBy(x => x.Id[0]).All(g => g.Count() < 2));
        char shared = _store.LoadAll().GroupBy(x => x.Id[0]).First(g => g.Count() > 1).Key;
        var ex = Assert.Throws<InvalidArgumentException>(() => _store.Find(shared.ToString()));
        Assert.Equal("AmbiguousContainerId", ex.ErrorId);
    }

    [Theory]
    [InlineData("created", ContainerStatus.Created)]
    [InlineData("running", ContainerStatus.Running)]
    [InlineData("restarting", ContainerStatus.Restarting)]
    [InlineData("exited", ContainerStatus.Exited)]
    [InlineData("paused", ContainerStatus.Paused)]
    [InlineData("something-new", ContainerStatus.Created)]
    public void ParsesTheMonitorsStateFile(string status, ContainerStatus expected)
    {
        var s = ContainerStore.ParseState($$"""{"Status":"{{status}}","Pid":12,"MonitorPid":34,"RestartCount":2,"StartedAt":"2026-01-02T03:04:05.1234567Z","ExitCode":3,"FinishedAt":"2026-01-02T03:04:06Z"}""");
        Assert.Equal(expected, s.Status);
        Assert.Equal(12, s.Pid);
        Assert.Equal(34, s.MonitorPid);
        Assert.Equal(2, s.RestartCount);
        Assert.Equal(3, s.ExitCode);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567), s.StartedAt);
        Assert.Equal(DateTimeKind.Utc, s.FinishedAt!.Value.Kind);
    }

    private void WriteState(Container c, string json) =>
        File.WriteAllText(Path.Combine(_root, "containers", c.Id, "state.json"), json);

    [Fact]
    public void ARunningContainerWhoseMonitorIsDeadIsReportedExitedByLoadWhichKillsNothing()
    {
        var c = Publish("orphan");
        using var p = Process.Start("/bin/true")!;
        p.WaitForExit();
        WriteState(c, $$"""{"Status":"running","Pid":999999,"MonitorPid":{{p.Id}},"StartedAt":"2026-01-02T03:04:05Z"}""");
        string stateFile = Path.Combine(_root, "containers", c.Id, "state.json");
        string recorded = File.ReadAllText(stateFile);
        var loaded = _store.Load(c.Id)!;
        Assert.Equal(ContainerStatus.Exited, loaded.Status);
        Assert.False(loaded.State.Running);
        Assert.Equal(-1, loaded.ExitCode);
        Assert.NotNull(loaded.State.Error);
        Assert.Single(_store.LoadAll(), x => x.Id == c.Id && x.Status == ContainerStatus.Exited);
        Assert.Equal(999999, loaded.State.Pid); // kept until reconciled: the repair stops what it names
        // a pure read: nothing is repaired, the record is untouched
        Assert.Equal(recorded, File.ReadAllText(stateFile));
    }

    [Fact]
    public void ReconcileRepairsARunningContainerWhoseMonitorIsDeadAndRecordsItExited()
    {
        var c = Publish("orphan");
        using var p = Process.Start("/bin/true")!;
        p.WaitForExit();
        WriteState(c, $$"""{"Status":"running","Pid":999999,"MonitorPid":{{p.Id}},"StartedAt":"2026-01-02T03:04:05Z"}""");
        var repaired = new List<string>();
        var reconciled = _store.TryReconcile(c.Id, x => repaired.Add(x.Id))!;
        Assert.Equal([c.Id], repaired);
        Assert.Equal(ContainerStatus.Exited, reconciled.Status);
        Assert.Equal(-1, reconciled.ExitCode);
        Assert.NotNull(reconciled.State.Error);
        // repaired, nothing of it runs: docker's State.Pid 0, and no monitor
        Assert.Equal(0, reconciled.State.Pid);
        Assert.Equal(0, reconciled.State.MonitorPid);
        // recorded: the next read needs no repair, and a second reconcile repairs nothing
        var record = ContainerStore.ParseState(File.ReadAllText(Path.Combine(_root, "containers", c.Id, "state.json")));
        Assert.Equal(ContainerStatus.Exited, record.Status);
        Assert.Equal(0, record.Pid);
        _store.TryReconcile(c.Id, x => repaired.Add(x.Id));
        Assert.Equal([c.Id], repaired);
    }

    [Theory]
    [InlineData("exited")]
    [InlineData("created")]
    [InlineData("dead")]
    public void AContainerThatDoesNotRunReadsPidAndMonitorPidZeroAsDockerWhileStateJsonKeepsTheMonitor(string status)
    {
        var c = Publish("not-running-" + status);
        // the monitor's exit record keeps its pid (WaitMonitorGone reads it while it cleans up); an older record kept Pid too
        WriteState(c, $$"""{"Status":"{{status}}","Pid":4321,"MonitorPid":4242,"ExitCode":0,"StartedAt":"2026-01-02T03:04:05Z","FinishedAt":"2026-01-02T03:04:06Z"}""");
        string stateFile = Path.Combine(_root, "containers", c.Id, "state.json");
        string recorded = File.ReadAllText(stateFile);
        var loaded = _store.Load(c.Id)!;
        Assert.False(loaded.State.Running);
        Assert.Equal(0, loaded.State.Pid);
        Assert.Equal(0, loaded.Pid);
        Assert.Equal(0, loaded.State.MonitorPid);
        Assert.All(_store.LoadAll().Where(x => x.Id == c.Id), x => Assert.Equal((0, 0), (x.State.Pid, x.State.MonitorPid)));
        Assert.Equal(recorded, File.ReadAllText(stateFile)); // a read changes no record
        Assert.Equal(4242, PsContainers.Contract.ContainerStateFile.ReadFrom(Path.Combine(_root, "containers", c.Id))!.MonitorPid);
    }

    [Fact]
    public void ReconcileLeavesAContainerWhoseLockIsHeldToItsHolder()
    {
        var c = Publish("busy");
        using var p = Process.Start("/bin/true")!;
        p.WaitForExit();
        WriteState(c, $$"""{"Status":"running","Pid":999999,"MonitorPid":{{p.Id}}}""");
        var repaired = new List<string>();
        using (_store.LockContainer(c.Id))
            Assert.Equal(ContainerStatus.Exited, _store.TryReconcile(c.Id, x => repaired.Add(x.Id))!.Status);
        Assert.Empty(repaired);
    }

    [Fact]
    public void APidThatIsAliveButNotThisContainersMonitorDoesNotCountAsRunning()
    {
        var c = Publish("reused");
        WriteState(c, $$"""{"Status":"running","Pid":1,"MonitorPid":{{Environment.ProcessId}}}""");
        Assert.Equal(ContainerStatus.Exited, _store.Load(c.Id)!.Status);
    }

    [Fact]
    public void ALiveMonitorKeepsItRunningAndThePausedMarkerShowsPaused()
    {
        var c = Publish("alive");
        using var mon = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "sleep 20; true", "pscmon", c.Id } })!;
        try
        {
            WriteState(c, $$"""{"Status":"running","Pid":{{mon.Id}},"MonitorPid":{{mon.Id}}}""");
            Assert.Equal(ContainerStatus.Running, _store.Load(c.Id)!.Status);
            File.WriteAllText(Path.Combine(_root, "containers", c.Id, "paused"), "");
            var paused = _store.Load(c.Id)!;
            Assert.Equal(ContainerStatus.Paused, paused.Status);
            Assert.True(paused.State.Running);
            mon.Kill();
            mon.WaitForExit();
            Assert.Equal(ContainerStatus.Exited, _store.Load(c.Id)!.Status);
        }
        finally { try { mon.Kill(); } catch { } }
    }

    [Fact]
    public void AContainerBeingRemovedIsNotListed()
    {
        var c = Publish("going");
        File.WriteAllText(Path.Combine(_root, "containers", c.Id, "removing"), "");
        Assert.Empty(_store.LoadAll());
        Assert.Null(_store.Find("going"));
        // and its name can be taken again
        Publish("going");
    }
}
