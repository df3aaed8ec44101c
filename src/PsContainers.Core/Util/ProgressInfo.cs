namespace PsContainers.Core;

/// <summary>One progress update from the engine (the cmdlet layer turns it into a ProgressRecord).</summary>
public sealed record ProgressInfo(int ActivityId, string Activity, string? Status = null, int? Percent = null,
    string? CurrentOperation = null, bool Completed = false, int ParentActivityId = -1);
