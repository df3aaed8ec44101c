using System.Text.Json.Serialization;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

/// <summary>A named (or anonymous) volume: a directory under the store's volumes directory.</summary>
public sealed class ContainerVolume
{
    public string Name { get; set; } = "";
    public string Driver { get; set; } = "local";
    /// <summary>The directory mounted into containers (&lt;volumes&gt;/&lt;name&gt;/_data).</summary>
    public string Mountpoint { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>Created for an image VOLUME or a -Volume /path without a name; removed by Remove-Container -Volumes.</summary>
    public bool Anonymous { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new();
    /// <summary>Whether the image's content at the mount path was copied in on first use.</summary>
    public bool CopiedUp { get; set; }
    /// <summary>Bytes used by the files in the volume (filled by Get-ContainerVolume).</summary>
    public long Size { get; set; }
    /// <summary>Names of the containers whose mounts use it.</summary>
    public string[] UsedBy { get; set; } = Array.Empty<string>();

    public override string ToString() => Name;
}
