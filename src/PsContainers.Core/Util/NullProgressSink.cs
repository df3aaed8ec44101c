namespace PsContainers.Core;

/// <summary>A sink that drops everything (tests, quiet callers).</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();
    public void Progress(ProgressInfo p) { }
    public void Warning(string message) { }
    public void Verbose(string message) { }
}
