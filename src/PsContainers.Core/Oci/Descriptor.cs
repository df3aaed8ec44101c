using System.Text.Json;
using System.Text.Json.Serialization;
using PsContainers.Core.Util;

namespace PsContainers.Core.Oci;

/// <summary>
/// A content descriptor (OCI image-spec descriptor.md): what a manifest, an index or a layout's index.json says about
/// a blob it points at. Serializes with System.Text.Json under the spec's property names (the image store keeps the
/// config and layer descriptors of each image this way); <see cref="Read"/> is the validating reader used for documents
/// from outside.
/// </summary>
public sealed record Descriptor
{
    /// <summary>An empty descriptor (for deserialization).</summary>
    public Descriptor() { }

    /// <summary>A descriptor of <paramref name="size"/> bytes with digest <paramref name="digest"/>.</summary>
    public Descriptor(string mediaType, string digest, long size) { MediaType = mediaType; Digest = digest; Size = size; }

    /// <summary>The media type of the referenced content (descriptor.md <c>mediaType</c>, REQUIRED); "" when a document omits it.</summary>
    [JsonPropertyName("mediaType")] public string MediaType { get; init; } = "";

    /// <summary>The size of the referenced blob in bytes (descriptor.md <c>size</c>, REQUIRED, ≥ 0).</summary>
    [JsonPropertyName("size")] public long Size { get; init; }

    /// <summary>The digest of the referenced blob, "sha256:" and 64 lower-case hex digits (descriptor.md <c>digest</c>; sha256 is the only algorithm accepted).</summary>
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";

    /// <summary>URLs the blob may also be downloaded from (descriptor.md <c>urls</c>, foreign layers), or null.</summary>
    [JsonPropertyName("urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Annotations (descriptor.md <c>annotations</c>, annotations.md), or null.</summary>
    [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The platform of the referenced manifest (image-index.md <c>platform</c>; index entries only), or null.</summary>
    [JsonPropertyName("platform"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }

    /// <summary>The artifact type of the referenced manifest (descriptor.md <c>artifactType</c>), or null.</summary>
    [JsonPropertyName("artifactType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }

    /// <summary>
    /// Check the two rules every reader relies on: the digest is a valid sha256 digest and the size is not negative.
    /// </summary>
    /// <param name="path">Where the descriptor is, for the message ("layers[1]").</param>
    /// <exception cref="OciFormatException">Invalid.</exception>
    public void Validate(string path)
    {
        if (!Util.Digest.IsValid(Digest)) throw new OciFormatException(OciFormatError.Invalid, $"{path} has an invalid or unsupported digest '{Digest}'");
        if (Size < 0) throw new OciFormatException(OciFormatError.Invalid, $"{path} has no valid size");
    }

    /// <summary>
    /// Read and validate a descriptor object. Required: <c>digest</c> (valid sha256) and <c>size</c> (an integer ≥ 0).
    /// <c>mediaType</c> reads as "" when absent (callers decide what an untyped entry means); <c>platform</c> is
    /// normalized (<see cref="Platform.Read"/>); <c>urls</c> keeps its string members; <c>data</c> is not kept.
    /// </summary>
    /// <param name="e">The JSON value.</param>
    /// <param name="path">Where the descriptor is, for messages ("manifests[0]", "config").</param>
    /// <exception cref="OciFormatException">Invalid: not an object, a bad digest, no valid size, bad annotations.</exception>
    public static Descriptor Read(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new OciFormatException(OciFormatError.Invalid, $"{path} is not an object");
        string digest = OciJson.String(e, "digest") ?? "";
        if (!Util.Digest.IsValid(digest)) throw new OciFormatException(OciFormatError.Invalid, $"{path} has an invalid or unsupported digest '{digest}'");
        if (!e.TryGetProperty("size", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out long size) || size < 0)
            throw new OciFormatException(OciFormatError.Invalid, $"{path} has no valid size");
        Platform? platform = e.TryGetProperty("platform", out var pe) && pe.ValueKind == JsonValueKind.Object ? Platform.Read(pe, path + ".platform") : null;
        List<string>? urls = e.TryGetProperty("urls", out var u) && u.ValueKind == JsonValueKind.Array
            ? u.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : null;
        return new Descriptor(OciJson.String(e, "mediaType") ?? "", digest, size)
        {
            Platform = platform,
            Urls = urls,
            Annotations = OciJson.Annotations(e, path),
            ArtifactType = OciJson.String(e, "artifactType"),
        };
    }

    /// <summary>
    /// Write the descriptor as a JSON object in the order of the spec's examples and of docker and containerd:
    /// mediaType, size, digest, then urls, annotations, platform, artifactType when set.
    /// </summary>
    public void Write(Utf8JsonWriter w, string? propertyName = null)
    {
        if (propertyName is null) w.WriteStartObject(); else w.WriteStartObject(propertyName);
        w.WriteString("mediaType", MediaType);
        w.WriteNumber("size", Size);
        w.WriteString("digest", Digest);
        if (Urls is not null) { w.WriteStartArray("urls"); foreach (var x in Urls) w.WriteStringValue(x); w.WriteEndArray(); }
        OciJson.WriteAnnotations(w, Annotations);
        if (Platform is not null) { w.WritePropertyName("platform"); Platform.Write(w); }
        if (ArtifactType is not null) w.WriteString("artifactType", ArtifactType);
        w.WriteEndObject();
    }
}
