using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// What <c>Update-Container</c> (docker update) changes; null leaves a value as it is. Units follow docker's flags:
/// bytes for memory, CPUs as a fraction (1.5), shares as cgroup v1 weight, cpuset in list form.
/// </summary>
public sealed record ContainerUpdate
{
    /// <summary>Memory limit in bytes (docker --memory); at least 6 MiB.</summary>
    public long? Memory { get; init; }
    /// <summary>Memory plus swap in bytes, -1 for unlimited swap (docker --memory-swap); not below <see cref="Memory"/>.</summary>
    public long? MemorySwap { get; init; }
    /// <summary>CPU relative weight (docker --cpu-shares; cgroup v1 cpu.shares, 2..262144).</summary>
    public ulong? CpuShares { get; init; }
    /// <summary>Number of CPUs of CPU time (docker --cpus): a CFS quota of Cpus × 100 ms per 100 ms period.</summary>
    public double? Cpus { get; init; }
    /// <summary>CPUs allowed, "0-2,4" (docker --cpuset-cpus).</summary>
    public string? CpusetCpus { get; init; }
    /// <summary>Process limit (docker --pids-limit); 0 or -1 = unlimited.</summary>
    public long? PidsLimit { get; init; }
    /// <summary>The restart policy (docker --restart), decided by the container's monitor when a run ends.</summary>
    public RestartPolicy? RestartPolicy { get; init; }

    /// <summary>Whether any cgroup limit is given (then a live container's runtime is asked to update).</summary>
    public bool HasResources => Memory is not null || MemorySwap is not null || CpuShares is not null || Cpus is not null || CpusetCpus is not null || PidsLimit is not null;
}
