using System.Text.Json.Serialization;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

/// <summary>The mounts of one container; saved as mounts.json in the container's directory (volume users are found from it).</summary>
public sealed class ContainerMounts
{
    public string ContainerId { get; set; } = "";
    public string? ContainerName { get; set; }
    public List<ResolvedMount> Mounts { get; set; } = new();
}
