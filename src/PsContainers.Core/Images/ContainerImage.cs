using System.Text.Json.Serialization;

namespace PsContainers.Core.Images;

/// <summary>
/// An image in the local store, as one row of <c>docker images</c>: the image (Id = config digest) seen
/// through one of its names (Repository/Tag), or "&lt;none&gt;" when it has no name.
/// </summary>
public sealed class ContainerImage
{
    /// <summary>Image Id: the digest of the image config (sha256:…), as docker and podman compute it.</summary>
    public string Id { get; set; } = "";
    /// <summary>Repository in familiar form (busybox, ghcr.io/o/r), or &lt;none&gt;.</summary>
    public string Repository { get; set; } = "<none>";
    /// <summary>Tag, or &lt;none&gt;.</summary>
    public string Tag { get; set; } = "<none>";
    /// <summary>Every name:tag of the image, familiar form (busybox:latest).</summary>
    public string[] RepoTags { get; set; } = [];
    /// <summary>name@digest references (from a registry or an OCI layout), familiar form.</summary>
    public string[] RepoDigests { get; set; } = [];
    /// <summary>Manifest digest.</summary>
    public string Digest { get; set; } = "";
    public DateTime? Created { get; set; }
    /// <summary>Unpacked size in bytes (sum of the layers).</summary>
    public long Size { get; set; }
    public string Architecture { get; set; } = "";
    public string Os { get; set; } = "";
    public string? Variant { get; set; }
    /// <summary>Layer blob digests (as in the manifest), base layer first.</summary>
    public string[] Layers { get; set; } = [];
    /// <summary>Digests of the uncompressed layers, base layer first.</summary>
    public string[] DiffIds { get; set; } = [];
    public ImageConfig Config { get; set; } = new();
    public ImageHistory[] History { get; set; } = [];
    public string? Author { get; set; }

    /// <summary>The 12-character Id docker prints.</summary>
    [JsonIgnore]
    public string ShortId => Util.Digest.Short(Id);

    /// <summary>Familiar name:tag of this row, or the short Id when the image has no name.</summary>
    [JsonIgnore]
    public string Name => Repository == "<none>" ? ShortId : Repository + ":" + Tag;

    /// <summary>
    /// The reference that names this row for run and create: repository:tag, or the full Id when the image has no
    /// name. Invoke-ContainerImage and New-Container bind it by property name (their -Image's alias ImageName), so
    /// <c>Get-ContainerImage web | Invoke-ContainerImage -Detach</c> runs the piped image.
    /// </summary>
    [JsonIgnore]
    public string ImageName => Repository == "<none>" ? Id : Repository + ":" + Tag;

    /// <summary>Whether the image has no name at all.</summary>
    public bool Dangling => RepoTags.Length == 0;

    internal ContainerImage CloneAs(string repository, string tag)
    {
        var c = (ContainerImage)MemberwiseClone();
        c.Repository = repository; c.Tag = tag;
        return c;
    }

    public override string ToString() => Repository == "<none>" ? Id : Repository + ":" + Tag;
}

/// <summary>The runtime defaults of an image (the "config" object of the OCI image config).</summary>
public sealed class ImageConfig
{
    public string[]? Entrypoint { get; set; }
    public string[]? Cmd { get; set; }
    public string[] Env { get; set; } = [];
    public string? WorkingDir { get; set; }
    public string? User { get; set; }
    /// <summary>
    /// docker image inspect's Config.ExposedPorts, a set written as docker's map: "&lt;port&gt;/&lt;protocol&gt;" to an
    /// empty object, <c>{"8080/tcp": {}}</c> in ConvertTo-Json (<c>$i.Config.ExposedPorts.Keys</c> in PowerShell), as a
    /// container's Config.ExposedPorts is (<see cref="Containers.ContainerConfig.ExposedPorts"/>). Computed from
    /// <see cref="ExposedPortList"/>, in the image config's order.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, Containers.EmptyObject> ExposedPorts =>
        new OrderedDictionary<string, Containers.EmptyObject>(ExposedPortList.Distinct(StringComparer.Ordinal).Select(p => KeyValuePair.Create(p, Containers.EmptyObject.Value)), StringComparer.Ordinal);
    /// <summary>The exposed ports as a list of "80/tcp" (the engine's form; <see cref="ExposedPorts"/> is docker's view of it).</summary>
    [JsonPropertyName("ExposedPorts")]
    [JsonInclude]
    internal string[] ExposedPortList { get; set; } = [];
    /// <summary>Volume paths like "/data".</summary>
    public string[] Volumes { get; set; } = [];
    public Dictionary<string, string> Labels { get; set; } = new();
    public string? StopSignal { get; set; }
    /// <summary>HEALTHCHECK (docker's Healthcheck), or null.</summary>
    public Containers.HealthConfig? Healthcheck { get; set; }
    /// <summary>SHELL (docker's Shell: the shell of the shell forms), or null.</summary>
    public string[]? Shell { get; set; }
    /// <summary>ONBUILD instructions (docker's OnBuild), or null.</summary>
    public string[]? OnBuild { get; set; }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Entrypoint is { Length: > 0 }) parts.Add("Entrypoint=[" + string.Join(", ", Entrypoint) + "]");
        if (Cmd is { Length: > 0 }) parts.Add("Cmd=[" + string.Join(", ", Cmd) + "]");
        if (WorkingDir is not null) parts.Add("WorkingDir=" + WorkingDir);
        if (User is not null) parts.Add("User=" + User);
        if (ExposedPortList.Length > 0) parts.Add("Ports=" + string.Join(",", ExposedPortList));
        return string.Join(" ", parts);
    }
}

/// <summary>One history entry of an image config.</summary>
public sealed class ImageHistory
{
    public DateTime? Created { get; set; }
    public string? CreatedBy { get; set; }
    public string? Comment { get; set; }
    public bool EmptyLayer { get; set; }

    public override string ToString() => CreatedBy ?? Comment ?? "";
}
