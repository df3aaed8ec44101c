namespace PsContainers.Core.Containers;

/// <summary>One resource-usage sample (docker stats): sizes in bytes, CpuPercent and MemoryPercent in percent.</summary>
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
    /// <summary>Bytes received over the container's network interfaces since they were made (docker stats' NET I/O, its first figure); 0 with -Network host.</summary>
    public long NetworkRx { get; set; }
    /// <summary>Bytes sent over the container's network interfaces since they were made (NET I/O's second figure); 0 with -Network host.</summary>
    public long NetworkTx { get; set; }
    public int CgroupVersion { get; set; }
}
