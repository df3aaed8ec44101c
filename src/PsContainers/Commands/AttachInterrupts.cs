using System.Runtime.InteropServices;

namespace PsContainers.Commands;

/// <summary>
/// Ctrl+C during an attached run (docker run's sig-proxy): <see cref="Interrupt"/> is cancelled by the first SIGINT
/// this process receives or when the cmdlet is stopped (PowerShell's own Ctrl+C, StopProcessing), <see cref="Force"/>
/// by the second SIGINT. While registered, SIGINT does not end this process (the default action is cancelled), so the
/// run can report the container's exit. Dispose to unregister.
/// </summary>
public sealed class AttachInterrupts : IDisposable
{
    private readonly CancellationTokenSource _interrupt;
    private readonly CancellationTokenSource _force = new();
    private readonly PosixSignalRegistration _registration;
    private int _count;

    /// <param name="stopping">The cmdlet's token, cancelled by StopProcessing; it interrupts too.</param>
    public AttachInterrupts(CancellationToken stopping)
    {
        _interrupt = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
        {
            ctx.Cancel = true;
            int n = Interlocked.Increment(ref _count);
            try
            {
                if (n == 1) _interrupt.Cancel();
                else _force.Cancel();
            }
            catch (ObjectDisposedException) { }
        });
    }

    /// <summary>Cancelled on the first Ctrl+C (SIGINT or the cmdlet being stopped): forward SIGINT, keep reading.</summary>
    public CancellationToken Interrupt => _interrupt.Token;

    /// <summary>Cancelled on a second SIGINT: stop the container now.</summary>
    public CancellationToken Force => _force.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _interrupt.Dispose();
        _force.Dispose();
    }
}
