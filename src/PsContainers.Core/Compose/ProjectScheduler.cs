using System.Collections.Concurrent;

namespace PsContainers.Core.Compose;

/// <summary>
/// Runs one piece of work per service of a project over the dependency graph: each service's work begins as soon as
/// the work of the services it waits for has ended, so independent services run at the same time (docker compose's
/// graph traversal, docker/compose pkg/compose/dependencies.go: dependency order for up and start, the reverse for
/// stop and down). Work runs on threads of its own (it blocks: waits for health, for a stop); what it reports
/// (<see cref="Post"/>: progress, warnings) is queued and run on the thread that called <see cref="Run"/>, because a
/// cmdlet may write only from its pipeline thread. A service whose work fails does not stop the others: the services
/// that wait for it are given the failed names and decide (a required dependency fails them too).
/// </summary>
public sealed class ProjectScheduler
{
    private readonly BlockingCollection<Action> _events = new();

    /// <summary>Queue <paramref name="report"/> to run on the thread in <see cref="Run"/> (thread-safe; also from that thread).</summary>
    public void Post(Action report) => _events.Add(report);

    /// <summary>
    /// Run <paramref name="work"/> once per service, each after the work of <paramref name="waitsFor"/>(service) ended,
    /// and run the posted reports on this thread meanwhile. Returns when every service's work has ended.
    /// </summary>
    /// <param name="services">The services, each once; names outside this list in <paramref name="waitsFor"/> are ignored.</param>
    /// <param name="waitsFor">The services whose work must end before a service's begins (up: its dependencies;
    /// stop: the services that depend on it).</param>
    /// <param name="work">Called with the service and those of its predecessors whose work failed.</param>
    /// <returns>The failures, in the order of <paramref name="services"/>: the service and what its work threw.</returns>
    /// <exception cref="Exception">What a posted report threw (rethrown once every service's work has ended).</exception>
    /// <exception cref="PscException">DependencyCycle when <paramref name="waitsFor"/> makes a cycle (the loader refuses those first).</exception>
    public IReadOnlyList<(string Service, Exception Error)> Run(
        IReadOnlyList<string> services, Func<string, IEnumerable<string>> waitsFor, Action<string, IReadOnlyList<string>> work)
    {
        var known = services.ToHashSet(StringComparer.Ordinal);
        var preds = services.ToDictionary(s => s, s => waitsFor(s).Where(p => known.Contains(p) && p != s).Distinct().ToList(), StringComparer.Ordinal);
        var failed = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        Task TaskOf(string s)
        {
            if (tasks.TryGetValue(s, out var t)) return t;
            if (!visiting.Add(s))
                throw PscException.InvalidData(ErrorIds.DependencyCycle, $"Services wait for each other in a cycle through '{s}'.", s);
            var before = preds[s].Select(TaskOf).ToArray();
            t = (before.Length == 0 ? Task.CompletedTask : Task.WhenAll(before)).ContinueWith(_ =>
            {
                try { work(s, preds[s].Where(failed.ContainsKey).ToList()); }
                catch (Exception e) { failed[s] = e; }
            }, CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);
            tasks[s] = t;
            return t;
        }

        var all = Task.WhenAll(services.Select(TaskOf).ToArray());
        _ = all.ContinueWith(_ => _events.Add(() => { }), TaskScheduler.Default); // wakes the loop below at the end
        Exception? reportFailed = null; // a report that throws (-WarningAction Stop) ends the reports, not the work
        void Report(Action r)
        {
            if (reportFailed is not null) return;
            try { r(); } catch (Exception e) { reportFailed = e; }
        }
        while (!all.IsCompleted)
            if (_events.TryTake(out var report, 100)) Report(report);
        while (_events.TryTake(out var report)) Report(report);
        if (reportFailed is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(reportFailed).Throw();
        return services.Where(failed.ContainsKey).Select(s => (s, failed[s])).ToList();
    }

    /// <summary>
    /// Run <paramref name="work"/> for each item at the same time (the replicas of one service) and wait for all;
    /// the first exception is rethrown as itself after all have ended.
    /// </summary>
    public static void ForEach<T>(IReadOnlyList<T> items, Action<T> work)
    {
        if (items.Count == 1) { work(items[0]); return; }
        var tasks = items.Select(i => Task.Factory.StartNew(() => work(i), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try { Task.WaitAll(tasks); }
        catch (AggregateException a) when (a.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(a.InnerExceptions[0]).Throw();
        }
    }
}
