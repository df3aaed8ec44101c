using System.Text.Json;

namespace PsContainers.Core.Oci;

/// <summary>
/// A manifest-like document with its exact bytes: an <see cref="ImageManifest"/> or an <see cref="ImageIndex"/>
/// (OCI image-spec manifest.md and image-index.md, and their Docker schema 2 counterparts). The bytes are kept as
/// read, because the digest of a manifest is the digest of those bytes.
/// </summary>
public abstract class ManifestDocument
{
    /// <summary>
    /// The largest manifest or index read, in bytes: 4 MiB, the limit the distribution spec lets registries enforce
    /// (and that docker and containerd apply when fetching).
    /// </summary>
    public const int MaxSize = 4 * 1024 * 1024;

    private protected ManifestDocument(string mediaType, byte[] bytes, JsonElement root)
    {
        MediaType = mediaType;
        Bytes = bytes;
        Digest = Util.Digest.Of(bytes);
        ArtifactType = OciJson.String(root, "artifactType");
        Annotations = OciJson.Annotations(root, "the document");
        if (root.TryGetProperty("subject", out var s) && s.ValueKind != JsonValueKind.Null) Subject = Descriptor.Read(s, "subject");
    }

    private protected ManifestDocument(string mediaType, string? artifactType, Descriptor? subject, IReadOnlyDictionary<string, string>? annotations, Func<ManifestDocument, byte[]> write)
    {
        MediaType = mediaType;
        ArtifactType = artifactType;
        Subject = subject;
        Annotations = annotations;
        Bytes = write(this);
        Digest = Util.Digest.Of(Bytes);
    }

    /// <summary>The document's media type: its <c>mediaType</c> member, else the type it was served as, else inferred from its shape.</summary>
    public string MediaType { get; }

    /// <summary>The exact bytes (read, or written by the constructor that builds a new document).</summary>
    public byte[] Bytes { get; }

    /// <summary>sha256 digest of <see cref="Bytes"/> ("sha256:&lt;hex&gt;").</summary>
    public string Digest { get; }

    /// <summary>Whether this is an <see cref="ImageIndex"/>.</summary>
    public bool IsIndex => this is ImageIndex;

    /// <summary>The <c>artifactType</c> member (manifest.md, image-index.md), or null.</summary>
    public string? ArtifactType { get; }

    /// <summary>The <c>subject</c> descriptor (the manifest this one refers to), or null.</summary>
    public Descriptor? Subject { get; }

    /// <summary>The document's own <c>annotations</c>, or null.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; }

    /// <summary>
    /// Read a manifest or an index. In this order: more than <see cref="MaxSize"/> bytes → TooLarge; a schema 1
    /// Content-Type → Schema1; not a JSON object → NotJson; <c>schemaVersion</c> 1 → Schema1; a body <c>mediaType</c>
    /// that differs from the Content-Type (ignoring parameters, case, and the generic application/json and
    /// application/octet-stream) → MediaTypeMismatch. The type is then the body's mediaType, else the Content-Type,
    /// else inferred (a <c>manifests</c> member makes an OCI index, a <c>config</c> member an OCI manifest, as the
    /// spec allows an absent mediaType). <c>schemaVersion</c> must be 2 (Invalid); a type that is neither a manifest nor
    /// an index → UnsupportedMediaType. Descriptors are checked with <see cref="Descriptor.Read"/>.
    /// </summary>
    /// <param name="bytes">The document; kept by reference as <see cref="Bytes"/>.</param>
    /// <param name="contentType">The HTTP Content-Type it was served with, or the descriptor's media type it was referenced with; null when unknown.</param>
    /// <exception cref="OciFormatException">As listed.</exception>
    public static ManifestDocument Parse(byte[] bytes, string? contentType = null)
    {
        if (bytes.Length > MaxSize)
            throw new OciFormatException(OciFormatError.TooLarge, $"the document is {bytes.Length} bytes; manifests over 4 MiB are refused");
        string? ct = MediaTypes.Strip(contentType);
        if (MediaTypes.IsSchema1(ct)) throw Schema1();
        using var doc = OciJson.ParseObject(bytes, "the document");
        var root = doc.RootElement;
        int schema = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out int v) ? v : 0;
        if (schema == 1) throw Schema1();
        string? bodyType = OciJson.String(root, "mediaType");
        bool generic = ct is "application/json" or "application/octet-stream";
        if (bodyType is not null && ct is not null && !generic && !string.Equals(bodyType, ct, StringComparison.OrdinalIgnoreCase))
            throw new OciFormatException(OciFormatError.MediaTypeMismatch, $"it was served as '{ct}' but declares mediaType '{bodyType}'");
        string type = bodyType ?? (generic ? null : ct)
            ?? (root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex
              : root.TryGetProperty("config", out _) ? MediaTypes.OciManifest
              : throw new OciFormatException(OciFormatError.Invalid, "it has neither a mediaType, manifests nor config"));
        if (schema != 2) throw new OciFormatException(OciFormatError.Invalid, $"schemaVersion {schema} is not supported");
        if (MediaTypes.IsIndex(type)) return new ImageIndex(type, bytes, root);
        if (MediaTypes.IsManifest(type)) return new ImageManifest(type, bytes, root);
        throw new OciFormatException(OciFormatError.UnsupportedMediaType, $"it has the unsupported media type '{type}'");
    }

    private static OciFormatException Schema1() =>
        new(OciFormatError.Schema1, "it uses the Docker image manifest schema 1, which was deprecated in 2019 and is not supported");

    private protected static byte[] Write(ManifestDocument d, Action<Utf8JsonWriter> members) => OciJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 2);
        w.WriteString("mediaType", d.MediaType);
        if (d.ArtifactType is not null) w.WriteString("artifactType", d.ArtifactType);
        members(w);
        d.Subject?.Write(w, "subject");
        OciJson.WriteAnnotations(w, d.Annotations);
        w.WriteEndObject();
    });
}
