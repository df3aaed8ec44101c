using System.Globalization;
using System.Text.Json.Serialization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// A container's cgroup limits, in docker's units (docker's <c>container.Resources</c>, the part of HostConfig that
/// <c>docker run</c>, <c>docker update</c> and compose set): parsed once at the edge, stored typed in
/// <see cref="HostConfig.Resources"/>, validated by <see cref="Validate()"/> and mapped to the OCI runtime-spec's
/// <c>linux.resources</c> (config-linux.md "Control groups") by <see cref="ToOci"/> only. Null means "not set":
/// no limit at create, "unchanged" in an update (<see cref="Updated"/>).
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>No limit at all (every field null).</summary>
    public static ResourceLimits None { get; } = new();

    /// <summary>The memory limit in bytes (docker --memory; linux.resources.memory.limit); at least <see cref="MinimumMemory"/>.</summary>
    public long? Memory { get; init; }
    /// <summary>
    /// Memory plus swap in bytes (docker --memory-swap; memory.swap): -1 for unlimited swap, else at least
    /// <see cref="Memory"/>, which must then be set; null: twice <see cref="Memory"/>, docker's default.
    /// </summary>
    public long? MemorySwap { get; init; }
    /// <summary>
    /// CPU time as a number of CPUs (docker --cpus, 1.5 = one and a half; docker stores it as NanoCpus = Cpus × 10⁹):
    /// a CFS quota of Cpus × <see cref="CpuPeriod"/> µs per <see cref="CpuPeriod"/>; 0.01 up to the host's CPU count.
    /// </summary>
    public double? Cpus { get; init; }
    /// <summary>
    /// The relative CPU weight (docker --cpu-shares; cgroup v1 cpu.shares, <see cref="MinimumCpuShares"/> to
    /// <see cref="MaximumCpuShares"/>, default 1024; converted to cpu.weight on cgroup v2 by the runtime).
    /// </summary>
    public ulong? CpuShares { get; init; }
    /// <summary>The CPUs the container may run on (docker --cpuset-cpus; cpuset.cpus) in list form, "0-2,4" (<see cref="CpusetPattern"/>).</summary>
    public string? CpusetCpus { get; init; }
    /// <summary>The most processes (tasks) at once (docker --pids-limit; pids.max); 0 or -1 for no limit.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>docker's smallest memory limit: 6 MiB (daemon verifyPlatformContainerResources "Minimum memory limit allowed is 6MB").</summary>
    public const long MinimumMemory = 6L * 1024 * 1024;
    /// <summary>The CFS period a <see cref="Cpus"/> limit is expressed in: 100 ms, in microseconds (docker's NanoCPUs period).</summary>
    public const long CpuPeriod = 100000;
    /// <summary>The smallest cgroup v1 cpu.shares the kernel takes (docker --cpu-shares).</summary>
    public const int MinimumCpuShares = 2;
    /// <summary>The largest cgroup v1 cpu.shares the kernel takes (docker --cpu-shares).</summary>
    public const int MaximumCpuShares = 262144;
    /// <summary>A cpuset list, as the kernel's cpuset.cpus reads it: CPU numbers and ranges separated by commas ("0-2,4").</summary>
    public const string CpusetPattern = @"^\d+(-\d+)?(,\d+(-\d+)?)*$";

    /// <summary>
    /// Whether no limit is set (then nothing is written to the cgroup, and an update asks the runtime nothing). Internal:
    /// a public property would show in Get-Container's inspect data (ConvertTo-Json writes every public property).
    /// </summary>
    [JsonIgnore]
    internal bool IsEmpty => Equals(None);

    /// <summary>
    /// docker update: these limits with every limit that <paramref name="changes"/> sets (non-null) replaced; the others stay.
    /// </summary>
    public ResourceLimits Updated(ResourceLimits changes) => this with
    {
        Memory = changes.Memory ?? Memory,
        MemorySwap = changes.MemorySwap ?? MemorySwap,
        Cpus = changes.Cpus ?? Cpus,
        CpuShares = changes.CpuShares ?? CpuShares,
        CpusetCpus = changes.CpusetCpus ?? CpusetCpus,
        PidsLimit = changes.PidsLimit ?? PidsLimit,
    };

    /// <summary>Refuse what docker refuses (create, run, update, compose), against this host's CPU count.</summary>
    /// <exception cref="PscException">See <see cref="Validate(int)"/>.</exception>
    public void Validate() => Validate(Environment.ProcessorCount);

    /// <summary>
    /// Refuse what docker refuses (daemon verifyContainerResources and runconfig): a memory limit below 6 MiB, a swap
    /// limit that is neither -1 nor at least the memory limit (or without one), CPUs outside 0.01..<paramref name="hostCpus"/>,
    /// shares outside 2..262144, a cpuset that is not a list of CPU numbers and ascending ranges.
    /// </summary>
    /// <exception cref="PscException">InvalidMemory, InvalidCpus, InvalidCpuShares, InvalidCpuset (all InvalidArgument), the value as target.</exception>
    public void Validate(int hostCpus)
    {
        if (Memory is long mem && mem < MinimumMemory)
            throw PscException.InvalidArgument(ErrorIds.InvalidMemory, "The minimum memory limit is 6 MiB.", mem);
        if (MemorySwap is long swap && swap != -1 && (Memory is not long m || swap < m))
            throw PscException.InvalidArgument(ErrorIds.InvalidMemory, "The memory+swap limit (-MemorySwap) must be -1 or at least the memory limit (-Memory), which must be set.", swap);
        if (Cpus is double cpus) CpuQuota(cpus, hostCpus);
        if (CpuShares is ulong shares && shares is < MinimumCpuShares or > MaximumCpuShares)
            throw PscException.InvalidArgument(ErrorIds.InvalidCpuShares, string.Create(CultureInfo.InvariantCulture,
                $"The CPU shares must be from {MinimumCpuShares} to {MaximumCpuShares} ({shares} given)."), shares);
        if (CpusetCpus is string set && !IsCpuset(set))
            throw PscException.InvalidArgument(ErrorIds.InvalidCpuset, $"Invalid value '{set}' for cpuset cpus: give CPU numbers and ascending ranges such as 0-2,4.", set);
    }

    /// <summary>
    /// The CFS quota (microseconds per <see cref="CpuPeriod"/>) for a limit of <paramref name="cpus"/> CPUs, refusing
    /// what docker refuses (daemon verifyContainerResources): below 0.01 or above the <paramref name="hostCpus"/> the
    /// host has, "Range of CPUs is from 0.01 to N.00, as there are only N CPUs available".
    /// </summary>
    /// <exception cref="PscException">InvalidCpus (InvalidArgument), the value given as target.</exception>
    internal static long CpuQuota(double cpus, int hostCpus)
    {
        long quota = double.IsFinite(cpus) ? (long)Math.Round(cpus * CpuPeriod) : -1;
        if (quota < CpuPeriod / 100 || cpus > hostCpus)
            throw PscException.InvalidArgument(ErrorIds.InvalidCpus, string.Create(CultureInfo.InvariantCulture,
                $"Range of CPUs is from 0.01 to {hostCpus}.00, as there are only {hostCpus} CPUs available ({cpus} given)."), cpus);
        return quota;
    }

    /// <summary>Whether <paramref name="text"/> is a cpuset list (<see cref="CpusetPattern"/>) whose ranges ascend ("2-0" is refused, as the kernel does).</summary>
    internal static bool IsCpuset(string text)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(text, CpusetPattern)) return false;
        foreach (var part in text.Split(','))
        {
            int dash = part.IndexOf('-');
            if (dash > 0 && (!uint.TryParse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out uint lo)
                || !uint.TryParse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out uint hi) || lo > hi)) return false;
        }
        return true;
    }

    /// <summary>
    /// The one mapping to the OCI <c>linux.resources</c> (config-linux.md): memory.limit and memory.swap (twice the
    /// limit when no swap limit is set, docker's default), cpu.shares, cpu.cpus, cpu.period and cpu.quota for
    /// <see cref="Cpus"/>, pids.limit (-1 for 0 or -1). Validated first (<see cref="Validate()"/>). Writes into
    /// <paramref name="into"/> (its device rules and other fields stay) or a new one; the limits not set stay null,
    /// so the runtime leaves them as they are (runc update's rule).
    /// </summary>
    /// <exception cref="PscException">See <see cref="Validate(int)"/>.</exception>
    public SpecResources ToOci(SpecResources? into = null)
    {
        Validate();
        var r = into ?? new SpecResources();
        if (Memory is long mem) r.Memory = new SpecMemory { Limit = mem, Swap = MemorySwap ?? mem * 2 };
        if (Cpus is not null || CpuShares is not null || CpusetCpus is not null)
        {
            r.Cpu = new SpecCpu { Shares = CpuShares, Cpus = CpusetCpus };
            if (Cpus is double c)
            {
                r.Cpu.Period = CpuPeriod;
                r.Cpu.Quota = CpuQuota(c, Environment.ProcessorCount);
            }
        }
        if (PidsLimit is long p) r.Pids = new SpecPids { Limit = p <= 0 ? -1 : p };
        return r;
    }
}
