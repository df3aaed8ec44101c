using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary><see cref="SignalProxy"/>: docker's sig-proxy rule shared by an attached run and an attached exec.</summary>
public sealed class SignalProxyTests
{
    private sealed class Calls
    {
        public int Interrupts, Stops;
        public readonly ManualResetEventSlim Stopped = new();
    }

    private static SignalProxy New(CancellationTokenSource interrupt, CancellationTokenSource force, TimeSpan grace, Calls calls) =>
        new(interrupt.Token, force.Token, grace, () => Interlocked.Increment(ref calls.Interrupts), () => { Interlocked.Increment(ref calls.Stops); calls.Stopped.Set(); });

    [Fact]
    public void Nothing_happens_without_an_interrupt_and_a_force_alone_does_not_stop()
    {
        using var i = new CancellationTokenSource();
        using var f = new CancellationTokenSource();
        var calls = new Calls();
        using var p = New(i, f, TimeSpan.FromMilliseconds(50), calls);
        f.Cancel();
        Thread.Sleep(200);
        Assert.Equal((0, 0), (calls.Interrupts, calls.Stops));
        Assert.Null(p.Stopping);
    }

    [Fact]
    public void The_first_interrupt_is_passed_on_once_and_the_process_is_stopped_once_after_the_grace()
    {
        using var i = new CancellationTokenSource();
        using var f = new CancellationTokenSource();
        var calls = new Calls();
        using var p = New(i, f, TimeSpan.FromMilliseconds(300), calls);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        i.Cancel();
        Assert.Equal(1, calls.Interrupts);
        Assert.Equal(0, calls.Stops);
        Assert.True(calls.Stopped.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(250), $"stopped after {sw.Elapsed}");
        p.Stopping!.Wait(TimeSpan.FromSeconds(10));
        f.Cancel(); // a second Ctrl+C after the stop: nothing more
        Thread.Sleep(100);
        Assert.Equal((1, 1), (calls.Interrupts, calls.Stops));
    }

    [Fact]
    public void A_second_interrupt_stops_at_once_well_within_the_grace()
    {
        using var i = new CancellationTokenSource();
        using var f = new CancellationTokenSource();
        var calls = new Calls();
        using var p = New(i, f, TimeSpan.FromMinutes(5), calls);
        i.Cancel();
        f.Cancel();
        Assert.True(calls.Stopped.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal((1, 1), (calls.Interrupts, calls.Stops));
    }

    [Fact]
    public void Disposing_cancels_a_pending_stop_and_errors_of_the_actions_are_swallowed()
    {
        using var i = new CancellationTokenSource();
        using var f = new CancellationTokenSource();
        int stops = 0;
        var p = new SignalProxy(i.Token, f.Token, TimeSpan.FromMilliseconds(200), () => throw new InvalidOperationException("gone"), () => Interlocked.Increment(ref stops));
        i.Cancel(); // the throwing interrupt does not escape
        p.Dispose();
        Thread.Sleep(400);
        Assert.Equal(0, stops);
        Assert.Null(p.Stopping);
    }
}
