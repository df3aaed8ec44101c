// Part of the contract (src/Shared/Contract) but in the engine's namespace (see ContainerStatus).
namespace PsContainers.Core.Containers;

/// <summary>
/// A container's health (docker inspect's State.Health): the status, the number of consecutive failures that counted
/// (not those in the start period) and the last <see cref="MaxLogEntries"/> probe results, oldest first. Recorded by
/// the container's monitor in health.json (<see cref="PsContainers.Contract.HealthStateFile"/>).
/// </summary>
public sealed class ContainerHealth
{
    /// <summary>Docker keeps the last five results (daemon/health.go maxLogEntries).</summary>
    public const int MaxLogEntries = 5;
    /// <summary>Docker keeps the first 4096 bytes of a probe's output (maxOutputLen) and marks a cut with "...".</summary>
    public const int MaxOutputBytes = 4096;

    public HealthStatus Status { get; set; } = HealthStatus.Starting;
    public int FailingStreak { get; set; }
    public List<HealthLogEntry> Log { get; set; } = new();

    /// <summary>
    /// Record one result with docker's rules: a success resets the streak and makes it Healthy (also in the start
    /// period, which it ends); a failure in the start period while Starting does not count; a counted failure grows
    /// the streak, and at <paramref name="retries"/> makes it Unhealthy. The log keeps the last five.
    /// </summary>
    /// <param name="inStartPeriod">The probe started less than the start period after the container started.</param>
    public void Record(HealthLogEntry result, bool inStartPeriod, int retries)
    {
        Log.Add(result);
        if (Log.Count > MaxLogEntries) Log.RemoveRange(0, Log.Count - MaxLogEntries);
        if (result.ExitCode == 0)
        {
            FailingStreak = 0;
            Status = HealthStatus.Healthy;
            return;
        }
        if (Status == HealthStatus.Starting && inStartPeriod) return;
        FailingStreak++;
        if (FailingStreak >= retries) Status = HealthStatus.Unhealthy;
    }

    public override string ToString() => Status.ToString();
}
