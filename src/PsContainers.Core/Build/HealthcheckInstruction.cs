using PsContainers.Core.Containers;

namespace PsContainers.Core.Build;

/// <summary>
/// <c>HEALTHCHECK NONE</c> or <c>HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--start-interval=D]
/// [--retries=N] CMD command</c>. Durations are Go durations ("30s", "1m30s"); an absent one is zero (docker's
/// default applies at run time); a non-zero one below 1 ms is an error, as in BuildKit.
/// </summary>
public sealed record HealthcheckInstruction : DockerfileInstruction
{
    public override string Keyword => "HEALTHCHECK";
    /// <summary>HEALTHCHECK NONE: disables an inherited healthcheck.</summary>
    public bool IsNone { get; init; }
    /// <summary>The CMD (exec form: test "CMD", shell form: "CMD-SHELL"); null for NONE.</summary>
    public DockerfileCommandLine? CommandLine { get; init; }
    /// <summary>--interval, zero when absent.</summary>
    public TimeSpan Interval { get; init; }
    /// <summary>--timeout, zero when absent.</summary>
    public TimeSpan Timeout { get; init; }
    /// <summary>--start-period, zero when absent.</summary>
    public TimeSpan StartPeriod { get; init; }
    /// <summary>--start-interval, zero when absent.</summary>
    public TimeSpan StartInterval { get; init; }
    /// <summary>--retries, zero when absent.</summary>
    public int Retries { get; init; }

    /// <summary>
    /// The config's Healthcheck as docker stores it: Test ["NONE"], ["CMD", args…] or ["CMD-SHELL", text]; the
    /// durations in nanoseconds (0 when not given).
    /// </summary>
    public HealthConfig ToHealthConfig() => new()
    {
        Test = IsNone ? ["NONE"] : CommandLine!.IsExecForm ? ["CMD", .. CommandLine.Arguments] : ["CMD-SHELL", .. CommandLine.Arguments],
        Interval = HealthConfig.ToNanoseconds(Interval),
        Timeout = HealthConfig.ToNanoseconds(Timeout),
        StartPeriod = HealthConfig.ToNanoseconds(StartPeriod),
        StartInterval = HealthConfig.ToNanoseconds(StartInterval),
        Retries = Retries,
    };
}
