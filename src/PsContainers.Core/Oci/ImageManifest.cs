using System.Text.Json;

namespace PsContainers.Core.Oci;

/// <summary>
/// An image manifest (OCI image-spec manifest.md, or Docker image manifest v2 schema 2): the config descriptor and the
/// layer descriptors, base layer first.
/// </summary>
public sealed class ImageManifest : ManifestDocument
{
    internal ImageManifest(string mediaType, byte[] bytes, JsonElement root) : base(mediaType, bytes, root)
    {
        if (!root.TryGetProperty("config", out var c)) throw new OciFormatException(OciFormatError.Invalid, "no config descriptor");
        Config = Descriptor.Read(c, "config");
        if (!root.TryGetProperty("layers", out var ls) || ls.ValueKind != JsonValueKind.Array)
            throw new OciFormatException(OciFormatError.Invalid, "no layers array");
        Layers = ls.EnumerateArray().Select((e, i) => Descriptor.Read(e, $"layers[{i}]")).ToList();
    }

    /// <summary>
    /// Build a new manifest and write its bytes: compact JSON with schemaVersion, mediaType, artifactType, config,
    /// layers, subject, annotations in that order (docker's and containerd's order), descriptors as
    /// <see cref="Descriptor.Write"/> writes them.
    /// </summary>
    /// <param name="mediaType"><see cref="MediaTypes.OciManifest"/> or <see cref="MediaTypes.DockerManifest"/>.</param>
    /// <exception cref="ArgumentException">Another media type, or a descriptor with a bad digest or a negative size.</exception>
    public ImageManifest(string mediaType, Descriptor config, IReadOnlyList<Descriptor> layers,
        IReadOnlyDictionary<string, string>? annotations = null, string? artifactType = null, Descriptor? subject = null)
        : base(Check(mediaType, config, layers), artifactType, subject, annotations, d => Write(d, w =>
        {
            config.Write(w, "config");
            w.WriteStartArray("layers");
            foreach (var l in layers) l.Write(w);
            w.WriteEndArray();
        }))
    {
        Config = config;
        Layers = layers;
    }

    private static string Check(string mediaType, Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        if (!MediaTypes.IsManifest(mediaType)) throw new ArgumentException($"'{mediaType}' is not an image manifest media type.", nameof(mediaType));
        try
        {
            config.Validate("config");
            for (int i = 0; i < layers.Count; i++) layers[i].Validate($"layers[{i}]");
        }
        catch (OciFormatException e) { throw new ArgumentException(e.Message, e); }
        return mediaType;
    }

    /// <summary>The image configuration's descriptor (manifest.md <c>config</c>).</summary>
    public Descriptor Config { get; }

    /// <summary>The layers, base layer first (manifest.md <c>layers</c>); may be empty.</summary>
    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>Read an image manifest.</summary>
    /// <exception cref="OciFormatException">As <see cref="ManifestDocument.Parse"/>, and UnsupportedMediaType when the document is an index.</exception>
    public static new ImageManifest Parse(byte[] bytes, string? contentType = null) =>
        ManifestDocument.Parse(bytes, contentType) as ImageManifest
        ?? throw new OciFormatException(OciFormatError.UnsupportedMediaType, "it is an image index, not an image manifest");
}
