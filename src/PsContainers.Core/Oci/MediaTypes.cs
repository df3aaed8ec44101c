namespace PsContainers.Core.Oci;

/// <summary>The compression of a layer blob, as its media type says and its magic bytes show.</summary>
public enum LayerCompression { None, Gzip, Zstd }

/// <summary>
/// Every media type the engine reads or writes: the OCI image-spec ones (media-types.md) and their Docker image
/// manifest v2 schema 2 counterparts (distribution's manifest-v2-2.md), in one catalog, as containerd keeps them in
/// core/images/mediatypes.go. Comparisons are ordinal: media types are lower case on the wire.
/// </summary>
public static class MediaTypes
{
    /// <summary>OCI image manifest (manifest.md).</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    /// <summary>OCI image index (image-index.md).</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    /// <summary>OCI image configuration (config.md).</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    /// <summary>OCI layer, uncompressed tar (layer.md).</summary>
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    /// <summary>OCI layer, gzip-compressed tar.</summary>
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// <summary>OCI layer, zstd-compressed tar.</summary>
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    /// <summary>Prefix of the deprecated OCI non-distributable layer types (…nondistributable.v1.tar[+gzip|+zstd]).</summary>
    public const string OciLayerNondistributablePrefix = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    /// <summary>The empty descriptor's type (manifest.md "Guidance for an Empty Descriptor"): the two bytes <c>{}</c>.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    /// <summary>Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    /// <summary>Docker manifest list (the Docker image index).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    /// <summary>Docker image configuration.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    /// <summary>Docker layer, uncompressed tar.</summary>
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    /// <summary>Docker layer, gzip-compressed tar.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// <summary>Docker foreign layer (fetched from its <c>urls</c>), gzip-compressed tar.</summary>
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    /// <summary>Docker image manifest schema 1 (refused).</summary>
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    /// <summary>Docker image manifest schema 1, signed (refused).</summary>
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>The Accept header sent for manifests: every supported type, explicitly (no schema 1).</summary>
    public static IReadOnlyList<string> ManifestAccept { get; } = [OciIndex, OciManifest, DockerManifestList, DockerManifest];

    /// <summary>An image manifest: OCI or Docker schema 2.</summary>
    public static bool IsManifest(string? t) => t is OciManifest or DockerManifest;

    /// <summary>An image index: OCI index or Docker manifest list.</summary>
    public static bool IsIndex(string? t) => t is OciIndex or DockerManifestList;

    /// <summary>An image configuration: OCI or Docker.</summary>
    public static bool IsConfig(string? t) => t is OciConfig or DockerConfig;

    /// <summary>
    /// What a registry answers for schema 1: its two media types, and <c>text/plain</c>, which old registries send
    /// for schema 1 manifests.
    /// </summary>
    public static bool IsSchema1(string? t) => t is DockerSchema1 or DockerSchema1Signed or "text/plain";

    /// <summary>A layer type this engine can unpack: OCI (plain, gzip, zstd, non-distributable) or Docker (plain, gzip, foreign).</summary>
    public static bool IsLayer(string? t) => t is not null && (t is OciLayer or OciLayerGzip or OciLayerZstd or DockerLayer or DockerLayerGzip or DockerForeignLayerGzip
        || t.StartsWith(OciLayerNondistributablePrefix, StringComparison.Ordinal));

    /// <summary>
    /// The layer media type for a compression. <paramref name="docker"/> picks the Docker schema 2 family; Docker has no
    /// zstd type, so zstd layers get <see cref="OciLayerZstd"/> in either family (as moby and containerd write them).
    /// </summary>
    public static string LayerFor(LayerCompression compression, bool docker) => (compression, docker) switch
    {
        (LayerCompression.Zstd, _) => OciLayerZstd,
        (LayerCompression.Gzip, true) => DockerLayerGzip,
        (_, true) => DockerLayer,
        (LayerCompression.Gzip, false) => OciLayerGzip,
        _ => OciLayer,
    };

    /// <summary>
    /// A layer media type in the other family, the blob's bytes unchanged (what buildah and BuildKit do when they write
    /// an image in the other format): Docker tar ↔ OCI tar, Docker tar.gzip ↔ OCI tar+gzip, Docker foreign tar.gzip ↔
    /// OCI nondistributable tar+gzip. zstd stays OCI's tar+zstd in both (Docker has no zstd type), and a type already of
    /// the wanted family, or one without a counterpart (OCI nondistributable plain or zstd to Docker), is returned as it is.
    /// </summary>
    /// <param name="mediaType">A layer media type (<see cref="IsLayer"/>).</param>
    /// <param name="docker">True for the Docker schema 2 family, false for OCI.</param>
    public static string LayerInFamily(string mediaType, bool docker) => (mediaType, docker) switch
    {
        (OciLayer, true) => DockerLayer,
        (OciLayerGzip, true) => DockerLayerGzip,
        (OciLayerNondistributablePrefix + "+gzip", true) => DockerForeignLayerGzip,
        (DockerLayer, false) => OciLayer,
        (DockerLayerGzip, false) => OciLayerGzip,
        (DockerForeignLayerGzip, false) => OciLayerNondistributablePrefix + "+gzip",
        _ => mediaType,
    };

    /// <summary>A Content-Type without parameters, lower case: "application/json; charset=utf-8" → "application/json". Null stays null.</summary>
    public static string? Strip(string? contentType)
    {
        if (contentType is null) return null;
        int semi = contentType.IndexOf(';');
        return (semi >= 0 ? contentType[..semi] : contentType).Trim().ToLowerInvariant();
    }
}
