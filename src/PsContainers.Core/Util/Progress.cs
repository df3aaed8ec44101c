namespace PsContainers.Core;

/// <summary>One progress update from the engine (the cmdlet layer turns it into a ProgressRecord).</summary>
public sealed record ProgressInfo(int ActivityId, string Activity, string? Status = null, int? Percent = null,
    string? CurrentOperation = null, bool Completed = false, int ParentActivityId = -1);

/// <summary>Where engine work reports progress, warnings and verbose messages. Thread-safe.</summary>
public interface IProgressSink
{
    void Progress(ProgressInfo p);
    void Warning(string message);
    void Verbose(string message);
}

/// <summary>A sink that drops everything (tests, quiet callers).</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();
    public void Progress(ProgressInfo p) { }
    public void Warning(string message) { }
    public void Verbose(string message) { }
}
