using System.Text.Json.Serialization;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

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
