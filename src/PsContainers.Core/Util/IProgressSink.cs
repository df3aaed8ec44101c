namespace PsContainers.Core;

/// <summary>Where engine work reports progress, warnings and verbose messages. Thread-safe.</summary>
public interface IProgressSink
{
    void Progress(ProgressInfo p);
    void Warning(string message);
    void Verbose(string message);
}
