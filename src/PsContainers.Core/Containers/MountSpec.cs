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

    /// <summary>docker's -v form: source:destination[:ro]; a tmpfs as tmpfs:destination.</summary>
    public override string ToString() => $"{(Type == MountKind.Tmpfs ? "tmpfs" : Source)}:{Destination}{(ReadOnly ? ":ro" : "")}";
}
