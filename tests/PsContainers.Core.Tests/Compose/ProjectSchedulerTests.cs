using System.Collections.Concurrent;
using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// The dependency-graph runner under Start-, Stop-, Restart- and Remove-ContainerProject: independent services at the
/// same time, a service only after its predecessors, failures handed to the dependents, reports on the calling thread.
/// </summary>
public sealed class ProjectSchedulerTests
{
    [Fact]
    public void Independent_services_run_at_the_same_time_and_dependents_after_them()
    {
        // a and b wait for each other to have begun: they can only both finish if they run at the same time
        using var bothStarted = new CountdownEvent(2);
        var ended = new ConcurrentDictionary<string, DateTime>();
        var began = new ConcurrentDictionary<string, DateTime>();
        var deps = new Dictionary<string, string[]> { ["a"] = [], ["b"] = [], ["c"] = ["a", "b"] };
        var failed = new ProjectScheduler().Run(["a", "b", "c"], s => deps[s], (s, _) =>
        {
            began[s] = DateTime.UtcNow;
            if (s != "c")
            {
                bothStarted.Signal();
                Assert.True(bothStarted.Wait(TimeSpan.FromSeconds(10)), $"{s} ran alone");
                Thread.Sleep(50);
            }
            ended[s] = DateTime.UtcNow;
        });
        Assert.Empty(failed);
        Assert.True(began["c"] >= ended["a"] && began["c"] >= ended["b"]);
    }

    [Fact]
    public void A_failure_is_returned_by_service_and_handed_to_the_dependents_while_the_others_still_run()
    {
        var seen = new ConcurrentDictionary<string, IReadOnlyList<string>>();
        var deps = new Dictionary<string, string[]> { ["db"] = [], ["cache"] = [], ["web"] = ["db", "cache"], ["worker"] = ["cache"] };
        var failed = new ProjectScheduler().Run(["db", "cache", "web", "worker"], s => deps[s], (s, f) =>
        {
            seen[s] = f;
            if (s == "db") throw new InvalidOperationException("db broke");
        });
        var (service, error) = Assert.Single(failed);
        Assert.Equal("db", service);
        Assert.Equal("db broke", error.Message);
        Assert.Equal(["db"], seen["web"]);
        Assert.Empty(seen["worker"]);
        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public void Reports_run_on_the_calling_thread_and_a_throwing_report_is_rethrown_after_the_work()
    {
        int caller = Environment.CurrentManagedThreadId;
        var scheduler = new ProjectScheduler();
        var reportThreads = new ConcurrentBag<int>();
        var workThreads = new ConcurrentBag<int>();
        scheduler.Run(["a", "b"], _ => [], (s, _) =>
        {
            workThreads.Add(Environment.CurrentManagedThreadId);
            scheduler.Post(() => reportThreads.Add(Environment.CurrentManagedThreadId));
        });
        Assert.Equal(2, reportThreads.Count);
        Assert.All(reportThreads, t => Assert.Equal(caller, t));
        Assert.DoesNotContain(caller, workThreads);

        var finished = new ConcurrentBag<string>();
        var s2 = new ProjectScheduler();
        var e = Assert.Throws<InvalidOperationException>(() => s2.Run(["a", "b"], x => x == "b" ? ["a"] : [], (s, _) =>
        {
            s2.Post(() => throw new InvalidOperationException("warning as error"));
            Thread.Sleep(100);
            finished.Add(s);
        }));
        Assert.Equal("warning as error", e.Message);
        Assert.Equal(["a", "b"], finished.Order());
    }

    [Fact]
    public void A_cycle_is_a_DependencyCycle_error()
    {
        var e = Assert.Throws<PscException>(() => new ProjectScheduler().Run(["a", "b"], s => s == "a" ? ["b"] : ["a"], (_, _) => { }));
        Assert.Equal(ErrorIds.DependencyCycle, e.ErrorId);
    }

    [Fact]
    public void ForEach_runs_items_together_and_rethrows_the_first_failure_after_all_ended()
    {
        using var all = new CountdownEvent(3);
        var done = new ConcurrentBag<int>();
        var e = Assert.Throws<ArgumentException>(() => ProjectScheduler.ForEach([1, 2, 3], i =>
        {
            all.Signal();
            Assert.True(all.Wait(TimeSpan.FromSeconds(10)));
            if (i == 2) throw new ArgumentException("two");
            Thread.Sleep(50);
            done.Add(i);
        }));
        Assert.Equal("two", e.Message);
        Assert.Equal([1, 3], done.Order());
    }

    [Fact]
    public void ForService_names_the_service_once_and_keeps_the_error_id()
    {
        var named = PscException.InvalidOperation(ErrorIds.DependencyFailed, "Service 'web' depends on 'db', which failed.", "db");
        Assert.Same(named, ProjectOrchestrator.ForService("web", named));
        var plain = PscException.NotFound(ErrorIds.ImageNotFound, "No such image: x", "x");
        var wrapped = ProjectOrchestrator.ForService("web", plain);
        Assert.Equal(ErrorIds.ImageNotFound, wrapped.ErrorId);
        Assert.Equal(PscErrorCategory.ObjectNotFound, wrapped.Category);
        Assert.Equal("Service 'web': No such image: x", wrapped.Message);
        Assert.Equal("x", wrapped.Target);
        var other = ProjectOrchestrator.ForService("web", new IOException("disk"));
        Assert.Equal(ErrorIds.ServiceFailed, other.ErrorId);
        Assert.Equal("web", other.Target);
        Assert.IsType<IOException>(other.InnerException);
    }

    [Fact]
    public void MessagesJoinedIntoAWarningEndAsSentences()
    {
        // "...exited 1 with no output The dependency is not required" lacked its full stop
        Assert.Equal("the last probe exited 1 with no output.", ProjectOrchestrator.Sentence("the last probe exited 1 with no output"));
        Assert.Equal("Container 'a' exited with code 3.", ProjectOrchestrator.Sentence("Container 'a' exited with code 3."));
        Assert.Equal("Is it?", ProjectOrchestrator.Sentence("Is it? "));
        Assert.Equal("", ProjectOrchestrator.Sentence(""));
    }

    [Fact]
    public void WaitTimesReadAsWholeSecondsOrMilliseconds()
    {
        Assert.Equal("30 s", PsContainers.Core.Containers.ContainerWaiter.Seconds(TimeSpan.FromTicks(299999869)));
        Assert.Equal("1 s", PsContainers.Core.Containers.ContainerWaiter.Seconds(TimeSpan.FromSeconds(1)));
        Assert.Equal("500 ms", PsContainers.Core.Containers.ContainerWaiter.Seconds(TimeSpan.FromMilliseconds(500)));
    }
}
