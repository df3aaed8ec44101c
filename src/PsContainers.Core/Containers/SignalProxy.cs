namespace PsContainers.Core.Containers;

/// <summary>
/// docker's signal proxy (docker run --sig-proxy, on by default) for one attached process, the main process of an
/// attached run or an attached exec (<see cref="ContainerSession"/>): the first interrupt (Ctrl+C) is passed on to the
/// process as SIGINT, once, and the caller keeps reading its output to its exit; when the process has not exited
/// <see cref="Grace"/> after that (the container's stop timeout, docker's default 10 s), or on a second interrupt
/// (<c>force</c>), it is stopped, once. Both actions run on the thread pool and swallow their errors (the process may
/// be gone already). Dispose to unregister and cancel a pending stop.
/// </summary>
public sealed class SignalProxy : IDisposable
{
    private readonly Action _stop;
    private readonly CancellationTokenRegistration _interruptReg;
    private readonly CancellationTokenRegistration _forceReg;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private Task? _stopping;
    private bool _disposed;

    /// <param name="interrupt">Cancelled on the first Ctrl+C: <paramref name="sendInterrupt"/> runs and the grace starts.</param>
    /// <param name="force">Cancelled on a second Ctrl+C: <paramref name="stop"/> runs at once (only after <paramref name="interrupt"/>).</param>
    /// <param name="grace">How long the process may take to exit after the interrupt; not negative.</param>
    /// <param name="sendInterrupt">Passes SIGINT on to the process.</param>
    /// <param name="stop">Stops the process (the stop signal then SIGKILL, or SIGKILL); its end is <see cref="Stopping"/>.</param>
    public SignalProxy(CancellationToken interrupt, CancellationToken force, TimeSpan grace, Action sendInterrupt, Action stop)
    {
        Grace = grace < TimeSpan.Zero ? TimeSpan.Zero : grace;
        _stop = stop;
        _timer = new Timer(_ => StopNow(), null, Timeout.Infinite, Timeout.Infinite);
        _interruptReg = interrupt.Register(() =>
        {
            try { sendInterrupt(); } catch (Exception) { }
            lock (_gate) if (!_disposed) _timer.Change(Grace, Timeout.InfiniteTimeSpan);
        });
        _forceReg = force.Register(() => { if (interrupt.IsCancellationRequested) StopNow(); });
    }

    /// <summary>How long the process may run on after the interrupt before it is stopped.</summary>
    public TimeSpan Grace { get; }

    /// <summary>The stop once it was started (grace over or a second Ctrl+C), else null.</summary>
    public Task? Stopping { get { lock (_gate) return _stopping; } }

    private void StopNow()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _stopping ??= Task.Run(() => { try { _stop(); } catch (Exception) { } });
        }
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        _interruptReg.Dispose();
        _forceReg.Dispose();
        _timer.Dispose();
    }
}
