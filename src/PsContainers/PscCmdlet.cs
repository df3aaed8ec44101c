using System.Collections.Concurrent;
using System.Management.Automation;
using PsContainers.Core;

namespace PsContainers;

/// <summary>
/// Base of every PsContainers cmdlet: maps engine errors to ErrorRecords, cancels work on Ctrl+C
/// (StopProcessing), and runs long work on a worker thread while progress, warnings and verbose
/// messages are written from the pipeline thread.
/// </summary>
public abstract partial class PscCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cts = new();
    private PscPaths? _paths;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _cts.Token;

    /// <summary>The store root: $env:PSCONTAINERS_ROOT or /var/lib/pscontainers.</summary>
    protected PscPaths Paths => _paths ??= new PscPaths(EngineEnvironment.Root);

    private Engine? _engine;

    /// <summary>The engine of <see cref="Paths"/> (one per root in this process, see <see cref="EngineCache"/>).</summary>
    protected Engine Engine => _engine ??= EngineCache.For(Paths);

    private bool _imagesRecovered;

    /// <summary>
    /// The image store, after the explicit recovery step every image command takes once: what interrupted commands
    /// left in the store's staging area is swept when nobody else is working (a few non-blocking lock attempts when
    /// there is nothing to do). Argument completers read <c>Engine.Images</c> directly and never recover.
    /// </summary>
    protected PsContainers.Core.Images.ImageStore Images
    {
        get
        {
            var store = Engine.Images;
            if (!_imagesRecovered)
            {
                _imagesRecovered = true;
                store.RecoverAbandonedWork();
            }
            return store;
        }
    }

    protected override void StopProcessing()
    {
        _cts.Cancel();
        base.StopProcessing();
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
    }

    // ---- errors ----

    public static ErrorCategory MapCategory(PscErrorCategory c) =>
        Enum.TryParse<ErrorCategory>(c.ToString(), out var pc) ? pc : ErrorCategory.NotSpecified;

    protected ErrorRecord ToErrorRecord(Exception ex, object? target = null)
    {
        return ex switch
        {
            PscException p => WithRemedy(new ErrorRecord(p, p.ErrorId, MapCategory(p.Category), p.Target ?? target), p),
            OperationCanceledException oc => new ErrorRecord(oc, ErrorIds.OperationStopped, ErrorCategory.OperationStopped, target),
            UnauthorizedAccessException ua => new ErrorRecord(ua, ErrorIds.PermissionDenied, ErrorCategory.PermissionDenied, target),
            IOException io => new ErrorRecord(io, ErrorIds.IOError, ErrorCategory.WriteError, target),
            _ => new ErrorRecord(ex, ErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target),
        };
    }

    /// <summary>The engine's <see cref="PscException.Remedy"/>, in PowerShell words, as ErrorDetails.RecommendedAction (the message stays the engine's).</summary>
    private static ErrorRecord WithRemedy(ErrorRecord record, PscException p)
    {
        if (RecommendedActions.For(p.Remedy) is string action)
            record.ErrorDetails = new ErrorDetails(p.Message) { RecommendedAction = action };
        return record;
    }

    /// <summary>Write a non-terminating error for an engine exception.</summary>
    protected void WriteEngineError(Exception ex, object? target = null) => WriteError(ToErrorRecord(ex, target));

    /// <summary>Stop the cmdlet with a terminating error for an engine exception.</summary>
    protected void ThrowEngineError(Exception ex, object? target = null) => ThrowTerminatingError(ToErrorRecord(ex, target));

    // ---- confirmation ----

    /// <summary>
    /// Ask (<paramref name="ask"/>: ShouldProcess or ShouldContinue) and return its answer; when the session cannot ask
    /// (pwsh -NonInteractive: the host throws PSInvalidOperationException; a host without a UI: HostException; the
    /// console host whose redirected standard input ended, /dev/null: its prompt fails with a NullReferenceException),
    /// stop with a terminating ConfirmationRequired error (InvalidOperation) telling to use <paramref name="forceHint"/>,
    /// instead of an unexpected error, before anything is changed. PowerShell's own ConfirmImpact High cmdlets fail
    /// there too, with the host's message; this one names the way out.
    /// </summary>
    protected bool Confirm(Func<bool> ask, object target, string forceHint = "-Force")
    {
        try { return ask(); }
        catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException
            || e is NullReferenceException && Console.IsInputRedirected)
        {
            string why = e is NullReferenceException ? "its standard input ended" : e.Message.TrimEnd('.');
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(
                $"{MyInvocation.MyCommand.Name} asks for confirmation and this session cannot prompt ({why}). "
                + $"Nothing was changed. Use {forceHint} to go ahead without asking, or -WhatIf to see what it would do.", e),
                ErrorIds.ConfirmationRequired, ErrorCategory.InvalidOperation, target));
            return false; // not reached
        }
    }

    // ---- the one catch path for per-target work ----

    /// <summary>
    /// Run the work for one target (a container, an image, a network, a reference, a file). Any exception becomes a
    /// non-terminating error about <paramref name="target"/> (<see cref="ToErrorRecord"/>), so the cmdlet goes on with
    /// its next target, as PowerShell's own cmdlets do. Ctrl+C is the exception: a PipelineStoppedException, or an
    /// OperationCanceledException once this cmdlet is being stopped, ends the pipeline.
    /// </summary>
    /// <returns>True when the work finished, false when it failed (the error is written).</returns>
    protected bool ForTarget(object? target, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (PipelineStoppedException) { throw; }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested || Stopping) { throw new PipelineStoppedException(); }
        catch (Exception e)
        {
            OnTargetFailed(e);
            WriteEngineError(e, target);
            return false;
        }
    }

    /// <summary>
    /// Called by <see cref="ForTarget(object?, Action)"/> for each target whose work failed (also a name that resolves to
    /// nothing), before its error is written: where a cmdlet sets $LASTEXITCODE (start, exec), it sets the failure's code.
    /// </summary>
    protected virtual void OnTargetFailed(Exception error) { }

    /// <summary><see cref="ForTarget(object?, Action)"/> for work with a result; <paramref name="result"/> is default when it failed.</summary>
    protected internal bool ForTarget<T>(object? target, Func<T> work, out T result)
    {
        T r = default!;
        bool ok = ForTarget(target, () => { r = work(); });
        result = r;
        return ok;
    }

    /// <summary>Run <paramref name="work"/> for each item through <see cref="ForTarget(object?, Action)"/>, the item being the error's target; stops when the pipeline stops.</summary>
    protected void ForEachTarget<T>(IEnumerable<T> items, Action<T> work)
    {
        foreach (var item in items)
        {
            if (Stopping) return;
            ForTarget(item, () => work(item));
        }
    }

    /// <summary>
    /// ShouldProcess, except that -Force skips the confirmation prompt when neither -WhatIf nor -Confirm is given
    /// (docker's "rm -f" does not ask; -WhatIf still only reports).
    /// </summary>
    protected bool ShouldProcessOrForce(bool force, string target, string action)
    {
        var bound = MyInvocation.BoundParameters;
        if (force && !bound.ContainsKey("WhatIf") && !bound.ContainsKey("Confirm")) return true;
        return ShouldProcess(target, action);
    }

    protected void WriteNotFound(string errorId, string message, object target) =>
        WriteError(new ErrorRecord(new ItemNotFoundException(message), errorId, ErrorCategory.ObjectNotFound, target));

    // ---- running work off the pipeline thread ----

    /// <summary>
    /// Messages produced on worker threads, drained and written on the pipeline thread
    /// (PowerShell only allows Write* calls from the pipeline thread).
    /// </summary>
    protected sealed class Pump : IProgressSink
    {
        internal readonly BlockingCollection<Action<PSCmdlet>> Queue = new();
        public void Progress(ProgressInfo p) => Queue.Add(c =>
        {
            var r = new ProgressRecord(p.ActivityId, p.Activity, string.IsNullOrEmpty(p.Status) ? "..." : p.Status)
            {
                PercentComplete = p.Percent is int pc ? Math.Clamp(pc, 0, 100) : -1,
                ParentActivityId = p.ParentActivityId,
                RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (!string.IsNullOrEmpty(p.CurrentOperation)) r.CurrentOperation = p.CurrentOperation;
            c.WriteProgress(r);
        });
        public void Warning(string message) => Queue.Add(c => c.WriteWarning(message));
        public void Verbose(string message) => Queue.Add(c => c.WriteVerbose(message));
        public void Post(Action<PSCmdlet> a) => Queue.Add(a);
    }

    /// <summary>
    /// Run <paramref name="work"/> on a worker thread; write its progress/warnings/verbose output here
    /// as it arrives; return its result or rethrow its exception on the pipeline thread.
    /// </summary>
    protected T RunPumped<T>(Func<IProgressSink, CancellationToken, T> work)
    {
        var pump = new Pump();
        T result = default!;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = work(pump, CancellationToken); }
            catch (Exception e) { error = e; }
            finally { pump.Queue.CompleteAdding(); }
        }) { IsBackground = true, Name = "psc-worker" };
        t.Start();
        foreach (var a in pump.Queue.GetConsumingEnumerable()) a(this);
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return result;
    }

    protected void RunPumped(Action<IProgressSink, CancellationToken> work) =>
        RunPumped<object?>((p, ct) => { work(p, ct); return null; });
}
