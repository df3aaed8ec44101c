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
    /// <summary>
    /// docker inspect's Mounts[].Source. Bind: the absolute host path. Volume: once the container is recorded (created,
    /// or read from the store) the volume's data directory on the host, &lt;store root&gt;/volumes/&lt;name&gt;/_data (docker's
    /// …/volumes/&lt;name&gt;/_data), null when the recorded name is not a plain name; before that, the name as set (a
    /// create option names the volume here, -Volume's source). <see cref="Name"/> is always the name: code that needs
    /// the volume reads it. Tmpfs: null. Stored in container.json as the name for a volume.
    /// </summary>
    [JsonIgnore]
    public string? Source
    {
        get => Type == MountKind.Volume && _volumeDirectory is not null && _source is not null ? _volumeDirectory(_source) : _source;
        set => _source = value;
    }
    private string? _source;
    private Func<string, string?>? _volumeDirectory;

    /// <summary>container.json's Source: the host path of a bind, the name of a volume (as records have always held it).</summary>
    [JsonPropertyName("Source")]
    [JsonInclude]
    private string? RecordedSource { get => _source; set => _source = value; }
    /// <summary>The absolute path inside the container.</summary>
    public string Destination { get; set; } = "";
    public bool ReadOnly { get; set; }
    /// <summary>Bind: a propagation mode (rprivate, ...). Volume: <see cref="AnonymousOption"/>, <see cref="NoCopyOption"/>.</summary>
    public string[] Options { get; set; } = [];
    /// <summary>Size, mode and options of a <see cref="MountKind.Tmpfs"/> mount; null for the others.</summary>
    public TmpfsMount? Tmpfs { get; set; }

    /// <summary>The option that marks a volume made for this container alone (docker's anonymous volume, -Volume /path).</summary>
    public const string AnonymousOption = "anonymous";

    /// <summary>The option of a volume not filled from the image's content at its mount point (docker's volume-nocopy, -Volume name:/path:nocopy).</summary>
    public const string NoCopyOption = "nocopy";

    /// <summary>docker inspect's Mounts[].Name: the volume's name (64 hex digits for an anonymous one) for a <see cref="MountKind.Volume"/>; null for the others.</summary>
    [JsonIgnore] public string? Name => Type == MountKind.Volume ? _source : null;

    /// <summary>
    /// Links a recorded volume mount to the store's volumes, so that <see cref="Source"/> gives the volume's data
    /// directory (<paramref name="volumeDirectory"/> of the name); no file is read.
    /// </summary>
    internal void Bind(Func<string, string?> volumeDirectory) => _volumeDirectory = volumeDirectory;

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

    /// <summary>A copy of this mount, not linked to any store (its <see cref="Source"/> is what was set).</summary>
    public MountSpec Copy() => new() { Type = Type, _source = _source, Destination = Destination, ReadOnly = ReadOnly, Options = [.. Options], Tmpfs = Tmpfs };

    /// <summary>docker's -v form: source:destination[:ro] (a volume by its name); a tmpfs as tmpfs:destination.</summary>
    public override string ToString() => $"{(Type == MountKind.Tmpfs ? "tmpfs" : _source)}:{Destination}{(ReadOnly ? ":ro" : "")}";
}
