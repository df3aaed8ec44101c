using System.Collections.Concurrent;
using PsContainers.Core.Build;
using Xunit;

namespace PsContainers.Core.Tests.Build;

/// <summary>
/// The stage scheduler of a build: independent stages at the same time (BuildKit), dependents after their
/// dependencies, the first failure stops the rest and is what the build throws, cancellation leaves nothing running.
/// </summary>
public class BuildStageRunnerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static BuildStageRunner<string, string> Runner(params (string Stage, string[] Deps)[] stages)
    {
        var deps = stages.ToDictionary(s => s.Stage, s => (IReadOnlyList<string>)s.Deps);
        return new BuildStageRunner<string, string>(stages.Select(s => s.Stage).ToList(), s => deps[s]);
    }

    [Fact]
    public void IndependentStagesRunAtTheSameTimeAndADependentAfterThem()
    {
        // "packages" and "data" both depend on "base" and not on each other; "final" needs both. Each of the two
        // waits at a barrier for the other: built one after the other, the barrier would time out.
        var r = Runner(("base", []), ("packages", ["base"]), ("data", ["base"]), ("final", ["packages", "data"]));
        using var both = new Barrier(2);
        var finished = new ConcurrentDictionary<string, bool>();
        var seenByFinal = new List<string>();
        r.Run((stage, ct) =>
        {
            switch (stage)
            {
                case "packages" or "data":
                    Assert.True(finished.ContainsKey("base"), $"{stage} started before base was built");
                    Assert.True(both.SignalAndWait(Deadline, ct), $"{stage} did not run at the same time as the other independent stage");
                    break;
                case "final":
                    seenByFinal.AddRange(finished.Keys.Order());
                    break;
            }
            finished[stage] = true;
            return stage + "-image";
        }, CancellationToken.None);
        Assert.Equal(["base", "data", "packages"], seenByFinal);
        Assert.Equal("final-image", r["final"]);
        Assert.Equal("data-image", r["data"]);
    }

    [Fact]
    public void TheFirstFailureIsThrownTheOthersAreCancelledAndItsDependentsNeverStart()
    {
        var r = Runner(("a", []), ("slow", []), ("after-a", ["a"]));
        var started = new ConcurrentDictionary<string, bool>();
        bool slowSawCancel = false;
        using var slowRunning = new ManualResetEventSlim();
        var e = Assert.Throws<InvalidDataException>(() => r.Run((stage, ct) =>
        {
            started[stage] = true;
            if (stage == "slow")
            {
                slowRunning.Set();
                try { Task.Delay(Deadline, ct).Wait(CancellationToken.None); }
                catch (AggregateException x) when (x.InnerException is TaskCanceledException) { slowSawCancel = true; throw new OperationCanceledException(ct); }
                return "slow-image";
            }
            if (stage == "a")
            {
                Assert.True(slowRunning.Wait(Deadline));
                throw new InvalidDataException("step 3 of a failed");
            }
            return stage;
        }, CancellationToken.None));
        Assert.Equal("step 3 of a failed", e.Message);
        Assert.True(slowSawCancel, "the independent stage still running was not cancelled");
        Assert.False(started.ContainsKey("after-a"), "a stage whose dependency failed was started");
        Assert.Throws<InvalidOperationException>(() => r["after-a"]);
    }

    [Fact]
    public void CancellingStopsEveryStageBeforeRunReturns()
    {
        var r = Runner(("x", []), ("y", []), ("z", ["x", "y"]));
        using var cts = new CancellationTokenSource();
        using var barrier = new Barrier(3);
        var stopped = new ConcurrentBag<string>();
        bool zStarted = false;
        var run = Task.Run(() => r.Run((stage, ct) =>
        {
            if (stage == "z") { zStarted = true; return stage; }
            try
            {
                barrier.SignalAndWait(Deadline);
                Task.Delay(Deadline, ct).Wait(CancellationToken.None);
                return stage;
            }
            catch (AggregateException x) when (x.InnerException is TaskCanceledException) { throw new OperationCanceledException(ct); }
            finally { Thread.Sleep(200); stopped.Add(stage); }
        }, cts.Token));
        Assert.True(barrier.SignalAndWait(Deadline), "x and y did not both start");
        cts.Cancel();
        var e = Assert.ThrowsAny<AggregateException>(() => run.Wait(Deadline));
        Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
        Assert.Equal(["x", "y"], stopped.Order());
        Assert.False(zStarted);
    }

    [Fact]
    public void AStageReadsAnUndeclaredStageOnceItIsBuiltButNeverOneThatDependsOnIt()
    {
        // "reader" reads "early" without declaring it (an ONBUILD COPY --from of its base): it waits for it. It may not
        // wait for "later", which depends on "reader" and would never finish.
        BuildStageRunner<string, string>? r = null;
        r = Runner(("early", []), ("reader", []), ("later", ["reader"]));
        using var readerWaiting = new ManualResetEventSlim();
        string? read = null;
        bool laterReadable = true;
        r.Run((stage, ct) =>
        {
            switch (stage)
            {
                case "early":
                    // still building while "reader" asks for it
                    Assert.True(readerWaiting.Wait(Deadline));
                    Thread.Sleep(100);
                    return "early-image";
                case "reader":
                    laterReadable = r.TryGet("reader", "later", ct, out _);
                    readerWaiting.Set();
                    Assert.True(r.TryGet("reader", "early", ct, out read));
                    return "reader-image";
                default:
                    return stage + "-image";
            }
        }, CancellationToken.None);
        Assert.Equal("early-image", read);
        Assert.False(laterReadable);
        Assert.False(r.TryGet("reader", "not-a-stage", CancellationToken.None, out _));
        Assert.False(r.TryGet("reader", "reader", CancellationToken.None, out _));
    }

    [Fact]
    public void RefusesAnOrderWithADependencyAfterItsDependent()
    {
        var e = Assert.Throws<ArgumentException>(() => Runner(("final", ["base"]), ("base", [])));
        Assert.Contains("final depends on base", e.Message);
    }
}
