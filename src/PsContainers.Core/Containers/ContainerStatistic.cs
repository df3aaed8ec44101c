namespace PsContainers.Core.Containers;

/// <summary>One resource-usage sample (docker stats).</summary>
public sealed class ContainerStatistic
{
    public string ContainerId { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTime Time { get; set; }
    public double CpuPercent { get; set; }
    public long MemoryUsage { get; set; }
    public long? MemoryLimit { get; set; }
    public double MemoryPercent { get; set; }
    public long Pids { get; set; }
    public long BlockRead { get; set; }
    public long BlockWrite { get; set; }
    public int CgroupVersion { get; set; }
}
