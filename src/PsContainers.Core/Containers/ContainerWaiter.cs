using System.Diagnostics;

namespace PsContainers.Core.Containers;

/// <summary>
/// Waits, by reading the container's records (no daemon to notify us), until a container reaches a
/// <see cref="WaitCondition"/>; polls every few milliseconds, backing off to 50 ms.
/// Healthy follows docker compose's <c>service_healthy</c>: it fails at once when the container has no active
/// healthcheck, and fails when the container turns unhealthy or exits; a created container is waited for.
/// </summary>
public static class ContainerWaiter
{
    /// <summary>
    /// Wait until <paramref name="c"/> meets <paramref name="condition"/>; the container as it was then (null for
    /// <see cref="WaitCondition.Removed"/>).
    /// </summary>
    /// <param name="timeout">The longest to wait; null waits until the condition or <paramref name="ct"/>.</param>
    /// <exception cref="PscException">WaitTimedOut (OperationTimeout: "Container 'web' did not exit within 3 s (it is
    /// running)."); NoHealthcheck and ContainerUnhealthy
    /// (InvalidOperation, Healthy only); ContainerNotFound when the container is removed while waiting for
    /// Running, Healthy or Exited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (Ctrl+C).</exception>
    /// <param name="failOnFinalExit">For Running and Healthy: a container that exited (or died) and that its restart
    /// policy will not start again (<see cref="Contract.RestartPolicy.ShouldRestart"/>) fails at once with ContainerExited
    /// (InvalidOperation, the exit code in the message) instead of using up the timeout (docker compose up --wait).</param>
    public static Container? Wait(ContainerStore store, Container c, WaitCondition condition, TimeSpan? timeout, CancellationToken ct, bool failOnFinalExit = false)
    {
        var sw = Stopwatch.StartNew();
        int delay = 2;
        while (true)
        {
            var s = store.Load(c.Id);
            if (s is null)
            {
                if (condition == WaitCondition.Removed) return null;
                throw PscException.NotFound(ErrorIds.ContainerNotFound, $"Container '{c.Name}' was removed while waiting for it to be {condition.ToString().ToLowerInvariant()}.", c.Name);
            }
            if (Reached(s, condition)) return s;
            if (failOnFinalExit && condition is WaitCondition.Running or WaitCondition.Healthy && HasExitedForGood(s))
                throw PscException.InvalidOperation(ErrorIds.ContainerExited,
                    $"Container '{s.Name}' exited with code {s.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} and its restart policy ({s.HostConfig.RestartPolicy}) does not start it again, so it will not be {condition.ToString().ToLowerInvariant()}.", s.Name);
            if (timeout is { } t && sw.Elapsed >= t)
                throw new PscException(ErrorIds.WaitTimedOut, PscErrorCategory.OperationTimeout,
                    $"Container '{s.Name}' {NotReached(condition)} within {Seconds(t)} (it is {Describe(s)}).", s.Name);
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>Whether <paramref name="s"/> meets the condition; throws when Healthy can no longer be reached.</summary>
    private static bool Reached(Container s, WaitCondition condition)
    {
        var st = s.State;
        switch (condition)
        {
            case WaitCondition.Running:
                return st.Status is ContainerStatus.Running or ContainerStatus.Paused;
            case WaitCondition.Exited:
                return st.Status == ContainerStatus.Exited || !st.Running && st.Status != ContainerStatus.Created;
            case WaitCondition.Removed:
                return false;
            case WaitCondition.Healthy:
                if (s.Config.Healthcheck is not { } h || !h.IsActive())
                    throw PscException.InvalidOperation(ErrorIds.NoHealthcheck, $"Container '{s.Name}' has no healthcheck configured.", s.Name);
                if (st.Health?.Status == HealthStatus.Unhealthy && st.Status is ContainerStatus.Running or ContainerStatus.Paused)
                    throw PscException.InvalidOperation(ErrorIds.ContainerUnhealthy, $"Container '{s.Name}' is unhealthy: {LastOutput(st.Health)}", s.Name);
                if (st.Status is ContainerStatus.Exited or ContainerStatus.Dead)
                    throw PscException.InvalidOperation(ErrorIds.ContainerUnhealthy, $"Container '{s.Name}' exited ({st.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}) before it was healthy.", s.Name);
                return st.Status is ContainerStatus.Running or ContainerStatus.Paused && st.Health?.Status == HealthStatus.Healthy;
            default:
                throw new ArgumentOutOfRangeException(nameof(condition));
        }
    }

    /// <summary>What a timed-out wait says the container did not do: "did not exit" (Wait-Container's "Container 'ticker' did
    /// not exit within 3 s."), "did not start", "did not become healthy", "was not removed".</summary>
    private static string NotReached(WaitCondition condition) => condition switch
    {
        WaitCondition.Exited => "did not exit",
        WaitCondition.Running => "did not start",
        WaitCondition.Healthy => "did not become healthy",
        WaitCondition.Removed => "was not removed",
        _ => throw new ArgumentOutOfRangeException(nameof(condition)),
    };

    /// <summary>Exited or dead, and its restart policy will not start it again (a user stop counts as none).</summary>
    private static bool HasExitedForGood(Container s) =>
        s.State.Status is ContainerStatus.Exited or ContainerStatus.Dead
        && !s.HostConfig.RestartPolicy.ShouldRestart(s.ExitCode ?? 0, userStopped: false, s.State.RestartCount);

    /// <summary>A wait's length as people read it: whole seconds ("30 s"), milliseconds below one second ("500 ms").</summary>
    internal static string Seconds(TimeSpan t) =>
        t < TimeSpan.FromSeconds(1) ? $"{(long)Math.Round(t.TotalMilliseconds)} ms" : $"{(long)Math.Round(t.TotalSeconds)} s";

    private static string LastOutput(ContainerHealth h) =>
        h.Log.Count == 0 ? "no probe result"
            : h.Log[^1].Output.Trim() is { Length: > 0 } said ? $"the last probe exited {h.Log[^1].ExitCode}: {said}" : $"the last probe exited {h.Log[^1].ExitCode} with no output";

    private static string Describe(Container s) =>
        s.State.Health is { } h ? $"{s.State.Status.ToString().ToLowerInvariant()}, {h.Status.ToString().ToLowerInvariant()}" : s.State.Status.ToString().ToLowerInvariant();
}
