namespace PsContainers.Core.Compose;

/// <summary>
/// A service's resource limits and reservations (spec deploy.md "resources"), with the service-level keys
/// <c>cpus</c>, <c>mem_limit</c>, <c>mem_reservation</c> and <c>pids_limit</c> folded in (they must agree with
/// <c>deploy.resources</c> when both are set, compose-spec#475). Null means no limit.
/// </summary>
public sealed class ContainerProjectResources
{
    /// <summary>CPUs as a fraction of one CPU (1.5 = one and a half).</summary>
    public double? CpuLimit { get; init; }
    /// <summary>Memory limit in bytes.</summary>
    public long? MemoryLimit { get; init; }
    /// <summary>Maximum number of processes.</summary>
    public long? PidsLimit { get; init; }
    public double? CpuReservation { get; init; }
    /// <summary>Memory reservation (soft limit) in bytes.</summary>
    public long? MemoryReservation { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => CpuLimit is null && MemoryLimit is null && PidsLimit is null && CpuReservation is null && MemoryReservation is null;
}
