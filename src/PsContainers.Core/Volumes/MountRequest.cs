using System.Text.Json.Serialization;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

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
    /// <summary>-Volume's SELinux relabelling option as given, "z" (shared) or "Z" (private), else null; recorded only
    /// (compose shows it as bind.selinux), since there is no SELinux to relabel for.</summary>
    public string? SeLinux { get; set; }
    /// <summary>-Volume creates a missing host directory; -Mount does not.</summary>
    public bool CreateHostPath { get; set; }

    public override string ToString() => $"{MountKindJsonConverter.Name(Type)}:{Source ?? ""}:{Target}{(ReadOnly ? ":ro" : "")}";
}
