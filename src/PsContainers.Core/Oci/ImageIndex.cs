using System.Text.Json;

namespace PsContainers.Core.Oci;

/// <summary>
/// An image index (OCI image-spec image-index.md, or a Docker manifest list): descriptors of manifests, usually one per
/// platform, possibly of nested indexes.
/// </summary>
public sealed class ImageIndex : ManifestDocument
{
    internal ImageIndex(string mediaType, byte[] bytes, JsonElement root) : base(mediaType, bytes, root)
    {
        if (!root.TryGetProperty("manifests", out var ms) || ms.ValueKind != JsonValueKind.Array)
            throw new OciFormatException(OciFormatError.Invalid, "an index without manifests");
        Manifests = ms.EnumerateArray().Select((e, i) => Descriptor.Read(e, $"manifests[{i}]")).ToList();
    }

    /// <summary>
    /// Build a new index and write its bytes: compact JSON with schemaVersion, mediaType, artifactType, manifests,
    /// subject, annotations in that order.
    /// </summary>
    /// <param name="mediaType"><see cref="MediaTypes.OciIndex"/> or <see cref="MediaTypes.DockerManifestList"/>.</param>
    /// <exception cref="ArgumentException">Another media type, or a descriptor with a bad digest or a negative size.</exception>
    public ImageIndex(string mediaType, IReadOnlyList<Descriptor> manifests,
        IReadOnlyDictionary<string, string>? annotations = null, string? artifactType = null, Descriptor? subject = null)
        : base(Check(mediaType, manifests), artifactType, subject, annotations, d => Write(d, w =>
        {
            w.WriteStartArray("manifests");
            foreach (var m in manifests) m.Write(w);
            w.WriteEndArray();
        }))
    {
        Manifests = manifests;
    }

    private static string Check(string mediaType, IReadOnlyList<Descriptor> manifests)
    {
        if (!MediaTypes.IsIndex(mediaType)) throw new ArgumentException($"'{mediaType}' is not an image index media type.", nameof(mediaType));
        try { for (int i = 0; i < manifests.Count; i++) manifests[i].Validate($"manifests[{i}]"); }
        catch (OciFormatException e) { throw new ArgumentException(e.Message, e); }
        return mediaType;
    }

    /// <summary>The entries, in document order (image-index.md <c>manifests</c>).</summary>
    public IReadOnlyList<Descriptor> Manifests { get; }

    /// <summary>Read an image index.</summary>
    /// <exception cref="OciFormatException">As <see cref="ManifestDocument.Parse"/>, and UnsupportedMediaType when the document is a manifest.</exception>
    public static new ImageIndex Parse(byte[] bytes, string? contentType = null) =>
        ManifestDocument.Parse(bytes, contentType) as ImageIndex
        ?? throw new OciFormatException(OciFormatError.UnsupportedMediaType, "it is an image manifest, not an image index");

    /// <summary>
    /// The entry to run on <paramref name="wanted"/>: the first image manifest entry (or untyped entry) whose platform
    /// <see cref="Platform.Matches"/> it — image-index.md lets the first match win. A request for arm without a variant
    /// then falls back to the first arm/v7 entry. Null when no entry matches.
    /// </summary>
    public Descriptor? FindPlatform(Platform wanted)
    {
        var candidates = Candidates();
        var hit = candidates.FirstOrDefault(m => m.Platform is not null && wanted.Matches(m.Platform));
        if (hit is null && wanted.Variant is null && wanted.Architecture == "arm")
            hit = candidates.FirstOrDefault(m => m.Platform is not null && wanted.Matches(m.Platform) && m.Platform.Variant == "v7");
        return hit;
    }

    /// <summary>The distinct platforms of the image manifest entries, in document order, without "unknown" ones (attestations).</summary>
    public IReadOnlyList<Platform> AvailablePlatforms() =>
        Candidates().Where(m => m.Platform is not null && m.Platform.Os != "unknown").Select(m => m.Platform!).Distinct().ToList();

    private List<Descriptor> Candidates() => Manifests.Where(m => MediaTypes.IsManifest(m.MediaType) || m.MediaType.Length == 0).ToList();
}
