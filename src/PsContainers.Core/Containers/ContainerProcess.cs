namespace PsContainers.Core.Containers;

/// <summary>A process inside a container (docker top).</summary>
public sealed class ContainerProcess
{
    public string ContainerName { get; set; } = "";
    public int Pid { get; set; }
    public int ParentPid { get; set; }
    public int? ContainerPid { get; set; }
    public string User { get; set; } = "";
    public string State { get; set; } = "";
    public TimeSpan CpuTime { get; set; }
    public long MemoryBytes { get; set; }
    public DateTime StartTime { get; set; }
    public string Command { get; set; } = "";
}
