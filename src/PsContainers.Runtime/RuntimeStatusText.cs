namespace PsContainers.Runtime;

/// <summary>The spec's words for <see cref="RuntimeStatus"/>.</summary>
internal static class RuntimeStatusText
{
    /// <summary>"created", "running", "paused" or "stopped" (runtime.md).</summary>
    public static string Text(this RuntimeStatus s) => s switch
    {
        RuntimeStatus.Created => "created",
        RuntimeStatus.Running => "running",
        RuntimeStatus.Paused => "paused",
        RuntimeStatus.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };
}
