// Part of the contract (src/Shared/Contract) but in the engine's namespace (see ContainerStatus).
namespace PsContainers.Core.Containers;

/// <summary>
/// One probe's result (docker's State.Health.Log entry): when it ran (UTC), its exit code (0 healthy, anything else a
/// failure; -1 when it exceeded the timeout and was killed, or could not be run) and its output, stdout and stderr
/// together, cut at <see cref="ContainerHealth.MaxOutputBytes"/> bytes.
/// </summary>
public sealed class HealthLogEntry
{
    /// <summary>UTC.</summary>
    public DateTime Start { get; set; }
    /// <summary>UTC.</summary>
    public DateTime End { get; set; }
    public int ExitCode { get; set; }
    public string Output { get; set; } = "";

    public override string ToString() => $"{ExitCode}: {Output.TrimEnd()}";
}
