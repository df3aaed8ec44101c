namespace PsContainers.Core.Compose;

/// <summary>A service's ulimit (spec.md "ulimits"): a single number sets both soft and hard.</summary>
public sealed class ContainerProjectUlimit
{
    /// <summary>The limit's name as setrlimit knows it without RLIMIT_ ("nofile", "nproc").</summary>
    public string Name { get; init; } = "";
    public long Soft { get; init; }
    public long Hard { get; init; }

    public override string ToString() => $"{Name}={Soft}:{Hard}";
}
