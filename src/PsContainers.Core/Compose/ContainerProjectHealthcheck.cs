namespace PsContainers.Core.Compose;

/// <summary>
/// A service's healthcheck (spec.md "healthcheck"), overriding the image's HEALTHCHECK. A null duration or retry
/// count means the engine's default (interval 30s, timeout 30s, retries 3, start_period 0s, start_interval 5s).
/// </summary>
public sealed class ContainerProjectHealthcheck
{
    /// <summary>The probe: ["CMD", args...], ["CMD-SHELL", "command"] (a string in the file), or ["NONE"]; null inherits the image's.</summary>
    public IReadOnlyList<string>? Test { get; init; }
    public TimeSpan? Interval { get; init; }
    public TimeSpan? Timeout { get; init; }
    public int? Retries { get; init; }
    public TimeSpan? StartPeriod { get; init; }
    public TimeSpan? StartInterval { get; init; }
    /// <summary>True disables the image's healthcheck (the same as test ["NONE"]).</summary>
    public bool Disable { get; init; }
}
