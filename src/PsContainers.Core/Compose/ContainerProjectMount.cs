namespace PsContainers.Core.Compose;

/// <summary>
/// A mount of a service in the compose-spec long syntax (spec.md "volumes": <c>type</c> bind, volume, tmpfs, image or
/// npipe; <c>source</c>, <c>target</c>, <c>read_only</c>, <c>bind.create_host_path</c>, <c>bind.propagation</c>,
/// <c>bind.selinux</c>, <c>volume.nocopy</c>, <c>volume.subpath</c>, <c>tmpfs.size</c>, <c>tmpfs.mode</c>). The short
/// form <c>src:dst[:opts]</c> is a bind when <c>src</c> starts with <c>.</c>, <c>/</c> or <c>~</c>, else a named
/// volume; <c>dst</c> alone is an anonymous volume. Bind sources are absolute after loading.
/// </summary>
public sealed class ContainerProjectMount
{
    /// <summary>"bind", "volume", "tmpfs", "image" or "npipe".</summary>
    public string Type { get; init; } = "volume";
    /// <summary>The host path (bind, absolute), the volume's key in the project's volumes (volume), the image (image); null for an anonymous volume or tmpfs.</summary>
    public string? Source { get; init; }
    /// <summary>The absolute path in the container.</summary>
    public string Target { get; init; } = "";
    public bool ReadOnly { get; init; }
    /// <summary>bind: create the host path when it is missing (true for the short syntax, as docker compose does).</summary>
    public bool? CreateHostPath { get; init; }
    /// <summary>bind: "rprivate", "private", "rshared", "shared", "rslave", "slave"; null for the default.</summary>
    public string? Propagation { get; init; }
    /// <summary>bind: "z" (shared) or "Z" (private) SELinux relabelling; null for none.</summary>
    public string? SeLinux { get; init; }
    /// <summary>volume: do not copy the image's content at the target into a new volume.</summary>
    public bool NoCopy { get; init; }
    /// <summary>volume: a path inside the volume to mount instead of its root, or null.</summary>
    public string? Subpath { get; init; }
    /// <summary>tmpfs: the size in bytes, or null for the kernel's default.</summary>
    public long? TmpfsSize { get; init; }
    /// <summary>tmpfs: the file mode of the mount's root (octal in the file), or null.</summary>
    public int? TmpfsMode { get; init; }
    /// <summary>The consistency hint (ignored on Linux), or null.</summary>
    public string? Consistency { get; init; }

    public override string ToString() => $"{Type}:{Source ?? ""}:{Target}{(ReadOnly ? ":ro" : "")}";
}
