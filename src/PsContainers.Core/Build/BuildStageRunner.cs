using System.Runtime.ExceptionServices;

namespace PsContainers.Core.Build;

/// <summary>
/// Runs the stages a build needs, each as soon as the stages it depends on are built, so that stages that do not
/// depend on each other run at the same time: BuildKit's solver does this for a multi-stage Dockerfile (docker
/// build), buildah does it with <c>--jobs</c>. A Dockerfile of one chain of stages runs as before, one after another.
/// <para>Each stage runs on a thread of its own (its steps block on containers and disk). The first stage that fails
/// stops the others: their token is cancelled, stages not started are not started, and that first failure is what
/// <see cref="Run"/> throws (the cancellations it caused are not reported). When the caller's token is cancelled,
/// <see cref="Run"/> throws <see cref="OperationCanceledException"/> after every running stage has stopped, so
/// nothing is left running or mounted when it returns.</para>
/// <para>A stage may also read a stage it did not declare (a COPY --from in an ONBUILD trigger of its base image):
/// <see cref="TryGet"/> waits for that stage unless it (transitively) depends on the asking stage, which would never
/// finish.</para>
/// </summary>
/// <typeparam name="TStage">A stage of the plan (compared by reference or equality).</typeparam>
/// <typeparam name="TState">What building a stage gives (its last image and config).</typeparam>
internal sealed class BuildStageRunner<TStage, TState> where TStage : notnull where TState : class
{
    private readonly IReadOnlyList<TStage> _ordered;
    private readonly Func<TStage, IReadOnlyList<TStage>> _dependencies;
    private readonly Dictionary<TStage, TaskCompletionSource<TState>> _done;

    /// <param name="ordered">The stages to build, each after the stages it depends on (a topological order).</param>
    /// <param name="dependencies">The stages a stage declares it needs (its base stage, COPY --from, RUN --mount from=).</param>
    /// <exception cref="ArgumentException">A stage depends on a stage that is not before it in <paramref name="ordered"/>.</exception>
    public BuildStageRunner(IReadOnlyList<TStage> ordered, Func<TStage, IReadOnlyList<TStage>> dependencies)
    {
        _ordered = ordered;
        _dependencies = dependencies;
        _done = new Dictionary<TStage, TaskCompletionSource<TState>>();
        foreach (var s in ordered)
        {
            foreach (var d in dependencies(s))
                if (!_done.ContainsKey(d)) throw new ArgumentException($"The stage {s} depends on {d}, which is not before it.", nameof(ordered));
            _done[s] = new TaskCompletionSource<TState>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>
    /// Build every stage with <paramref name="build"/>, independent stages at the same time; returns when all are built.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    /// <exception cref="Exception">The first exception a stage's build threw, as it was thrown.</exception>
    public void Run(Func<TStage, CancellationToken, TState> build, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ExceptionDispatchInfo? first = null;
        var threads = new List<Task>(_ordered.Count);
        foreach (var stage in _ordered)
        {
            var deps = _dependencies(stage).Select(d => (Task)_done[d].Task).ToArray();
            var done = _done[stage];
            threads.Add(Task.Factory.StartNew(() =>
            {
                try
                {
                    // a dependency that failed or was cancelled ends as cancelled: this stage then does not start
                    try { Task.WaitAll(deps, CancellationToken.None); } catch (AggregateException) { }
                    if (deps.Any(d => !d.IsCompletedSuccessfully)) { done.TrySetCanceled(); return; }
                    stop.Token.ThrowIfCancellationRequested();
                    done.TrySetResult(build(stage, stop.Token));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { done.TrySetCanceled(); }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref first, ExceptionDispatchInfo.Capture(e), null);
                    done.TrySetCanceled();
                    stop.Cancel();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }
        Task.WaitAll(threads.ToArray(), CancellationToken.None);
        ct.ThrowIfCancellationRequested();
        first?.Throw();
    }

    /// <summary>
    /// The state of <paramref name="stage"/> when <paramref name="asking"/> reads it: waits for it while it builds. False
    /// when it is not a stage of this build, or when it depends (transitively) on <paramref name="asking"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">The build stopped (a stage failed or the caller cancelled) while waiting.</exception>
    public bool TryGet(TStage asking, TStage stage, CancellationToken ct, out TState state)
    {
        state = null!;
        if (!_done.TryGetValue(stage, out var done) || EqualityComparer<TStage>.Default.Equals(stage, asking) || DependsOn(stage, asking)) return false;
        try { done.Task.Wait(ct); }
        catch (AggregateException e) when (e.InnerException is TaskCanceledException) { throw new OperationCanceledException(ct); }
        state = done.Task.Result;
        return true;
    }

    /// <summary>The state of a stage that was built (after <see cref="Run"/>).</summary>
    /// <exception cref="InvalidOperationException">The stage was not built.</exception>
    public TState this[TStage stage] => _done.TryGetValue(stage, out var d) && d.Task.IsCompletedSuccessfully
        ? d.Task.Result : throw new InvalidOperationException($"The stage {stage} was not built.");

    private bool DependsOn(TStage stage, TStage on)
    {
        var seen = new HashSet<TStage>();
        var todo = new Stack<TStage>(_dependencies(stage));
        while (todo.Count > 0)
        {
            var s = todo.Pop();
            if (EqualityComparer<TStage>.Default.Equals(s, on)) return true;
            if (seen.Add(s)) foreach (var d in _dependencies(s)) todo.Push(d);
        }
        return false;
    }
}
