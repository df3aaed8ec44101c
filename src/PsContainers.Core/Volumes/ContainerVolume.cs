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

/// <summary>One mount asked for with -Volume, -Mount or -Tmpfs.</summary>
public sealed class MountRequest
{
    /// <summary>Bind, Volume or Tmpfs.</summary>
    public MountKind Type { get; set; } = MountKind.Volume;
    /// <summary>Host path (bind) or volume name (volume; null = anonymous).</summary>
    public string? Source { get; set; }
    /// <summary>Absolute path inside the container.</summary>
    public string Target { get; set; } = "";
    public bool ReadOnly { get; set; }
    /// <summary>Do not copy the image's content into a new volume.</summary>
    public bool NoCopy { get; set; }
    /// <summary>Extra options: propagation (rprivate, rshared ...), tmpfs size=/mode=, noexec ...</summary>
    public List<string> Options { get; set; } = new();
    /// <summary>An anonymous volume whose name was chosen when the container was created.</summary>
    public bool Anonymous { get; set; }
    /// <summary>-Volume creates a missing host directory; -Mount does not.</summary>
    public bool CreateHostPath { get; set; }

    public override string ToString() => $"{MountKindJsonConverter.Name(Type)}:{Source ?? ""}:{Target}{(ReadOnly ? ":ro" : "")}";
}

/// <summary>A mount ready for the runtime (an OCI "mounts" entry), with the volume it came from.</summary>
public sealed class ResolvedMount
{
    /// <summary>Destination inside the container, with symlinks of the image already resolved inside its root.</summary>
    public string Destination { get; set; } = "";
    /// <summary>Bind or Tmpfs (a volume is bind-mounted from its directory); "bind"/"tmpfs" in mounts.json and the OCI spec.</summary>
    [JsonConverter(typeof(MountKindJsonConverter))]
    public MountKind Type { get; set; } = MountKind.Bind;
    public string Source { get; set; } = "";
    public string[] Options { get; set; } = Array.Empty<string>();
    /// <summary>Name of the volume, for volume mounts.</summary>
    public string? Volume { get; set; }
    public bool Anonymous { get; set; }
    public bool ReadOnly { get; set; }
}

/// <summary>The mounts of one container; saved as mounts.json in the container's directory (volume users are found from it).</summary>
public sealed class ContainerMounts
{
    public string ContainerId { get; set; } = "";
    public string? ContainerName { get; set; }
    public List<ResolvedMount> Mounts { get; set; } = new();
}
