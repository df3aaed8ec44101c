using System.Text.Json.Serialization;

namespace PsContainers.Core.Containers;

/// <summary>
/// A bind mount, volume or tmpfs inside the container (docker inspect: Mounts[]). Parsed once, when the container is
/// created; the spec builder (binds, tmpfs) and the volume participant (volumes) turn it into runtime mounts.
/// </summary>
public sealed class MountSpec
{
    /// <summary>Bind, Volume or Tmpfs.</summary>
    public MountKind Type { get; set; } = MountKind.Bind;
    /// <summary>Bind: the absolute host path. Volume: the volume name (64 hex digits for an anonymous one). Tmpfs: null.</summary>
    public string? Source { get; set; }
    /// <summary>The absolute path inside the container.</summary>
    public string Destination { get; set; } = "";
    public bool ReadOnly { get; set; }
    /// <summary>Bind: a propagation mode (rprivate, ...). Volume: "anonymous", "nocopy".</summary>
    public string[] Options { get; set; } = [];
    /// <summary>Size, mode and options of a <see cref="MountKind.Tmpfs"/> mount; null for the others.</summary>
    public TmpfsMount? Tmpfs { get; set; }

    /// <summary>The option that marks a volume made for this container alone (docker's anonymous volume, -Volume /path).</summary>
    public const string AnonymousOption = "anonymous";

    /// <summary>docker inspect's Mounts[].Name: the volume's name for a <see cref="MountKind.Volume"/>; null for the others.</summary>
    [JsonIgnore] public string? Name => Type == MountKind.Volume ? Source : null;

    /// <summary>docker inspect's Mounts[].RW: the container may write to it (not <see cref="ReadOnly"/>).</summary>
    [JsonIgnore] public bool RW => !ReadOnly;

    /// <summary>docker inspect's Mounts[].Mode: "ro" for a read-only mount, "rw" otherwise (the -Volume suffix).</summary>
    [JsonIgnore] public string Mode => ReadOnly ? "ro" : "rw";

    /// <summary>
    /// docker inspect's Mounts[].Propagation: a bind mount's propagation mode (rprivate unless -Mount
    /// bind-propagation or a -Volume option chose another); "" for volumes and tmpfs, as docker shows them.
    /// </summary>
    [JsonIgnore] public string Propagation => Type == MountKind.Bind ? Options.FirstOrDefault(o => o.EndsWith("private", StringComparison.Ordinal) || o.EndsWith("shared", StringComparison.Ordinal) || o.EndsWith("slave", StringComparison.Ordinal)) ?? "rprivate" : "";

    /// <summary>docker inspect's Mounts[].Driver: "local" for a volume; null for the others.</summary>
    [JsonIgnore] public string? Driver => Type == MountKind.Volume ? "local" : null;

    /// <summary>docker's -v form: source:destination[:ro]; a tmpfs as tmpfs:destination.</summary>
    public override string ToString() => $"{(Type == MountKind.Tmpfs ? "tmpfs" : Source)}:{Destination}{(ReadOnly ? ":ro" : "")}";
}
