using System.Text.Json.Serialization;

namespace PsContainers.Core.Images;

/// <summary>
/// One row of an image's history (docker history): one per entry of the image config's history (OCI image-spec
/// config.md, "history"), newest first. An entry that made a layer carries that layer's size and diff id; an
/// empty_layer entry (ENV, CMD, LABEL...) has size 0. docker prints the image id on the newest row and
/// "&lt;missing&gt;" on the others (their intermediate images are not in the store), and so does <see cref="Id"/>.
/// </summary>
public sealed record ContainerImageHistory
{
    /// <summary>The image id (sha256:…) on the newest entry, "&lt;missing&gt;" on the others, as docker history.</summary>
    public string Id { get; init; } = "<missing>";
    /// <summary>The image asked for (its familiar name:tag, or its id).</summary>
    public string Image { get; init; } = "";
    /// <summary>When the step ran (UTC), or null when the config does not say.</summary>
    public DateTime? Created { get; init; }
    /// <summary>The command that made the entry (a Dockerfile step, as the builder wrote it), or "".</summary>
    public string CreatedBy { get; init; } = "";
    /// <summary>Bytes of the layer the entry made, unpacked (the sizes add up to the image's Size); 0 for an empty layer.</summary>
    public long Size { get; init; }
    /// <summary>The entry's comment, or "".</summary>
    public string Comment { get; init; } = "";
    /// <summary>Whether the entry made no layer (empty_layer).</summary>
    public bool EmptyLayer { get; init; }
    /// <summary>The uncompressed digest (diff id) of the layer the entry made, or null for an empty layer.</summary>
    public string? LayerDiffId { get; init; }

    /// <summary>The 12 hex digits of <see cref="Id"/>, or "&lt;missing&gt;".</summary>
    [JsonIgnore] public string ShortId => Id.StartsWith("sha256:", StringComparison.Ordinal) ? Util.Digest.Short(Id) : Id;

    public override string ToString() => CreatedBy;
}
