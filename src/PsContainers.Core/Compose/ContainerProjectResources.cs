namespace PsContainers.Core.Compose;

/// <summary>
/// A service's resource limits and reservations (spec deploy.md "resources"), with the service-level keys
/// <c>cpus</c>, <c>mem_limit</c>, <c>mem_reservation</c> and <c>pids_limit</c> folded in (they must agree with
/// <c>deploy.resources</c> when both are set, compose-spec#475), and the service-level <c>memswap_limit</c>,
/// <c>cpu_shares</c> and <c>cpuset</c> (05-services.md), which have no deploy form. Null means no limit. The limits
/// become the containers' <see cref="Containers.ResourceLimits"/> (<see cref="ServiceContainerOptions.Limits"/>).
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
    /// <summary>Memory plus swap in bytes (<c>memswap_limit</c>, docker --memory-swap); -1 for unlimited swap.</summary>
    public long? MemorySwapLimit { get; init; }
    /// <summary>The relative CPU weight (<c>cpu_shares</c>, docker --cpu-shares; 2 to 262144).</summary>
    public long? CpuShares { get; init; }
    /// <summary>The CPUs the containers may run on (<c>cpuset</c>, docker --cpuset-cpus), "0-2,4".</summary>
    public string? Cpuset { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => CpuLimit is null && MemoryLimit is null && PidsLimit is null && CpuReservation is null && MemoryReservation is null
        && MemorySwapLimit is null && CpuShares is null && Cpuset is null;
}
