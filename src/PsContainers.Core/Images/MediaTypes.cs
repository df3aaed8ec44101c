namespace PsContainers.Core.Images;

/// <summary>The OCI and Docker media types the store understands.</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    public static bool IsImageManifest(string? t) => t is OciManifest or DockerManifest;
    public static bool IsIndex(string? t) => t is OciIndex or DockerManifestList;
    public static bool IsConfig(string? t) => t is OciConfig or DockerConfig;

    public static bool IsLayer(string? t) => t is not null && (t is OciLayer or OciLayerGzip or OciLayerZstd or DockerLayer or DockerLayerGzip or DockerForeignLayerGzip
        || t.StartsWith("application/vnd.oci.image.layer.nondistributable.v1.tar", StringComparison.Ordinal));

    public static string LayerFor(LayerCompression c, bool docker) => (c, docker) switch
    {
        (LayerCompression.Gzip, true) => DockerLayerGzip,
        (_, true) => DockerLayer,
        (LayerCompression.Gzip, false) => OciLayerGzip,
        (LayerCompression.Zstd, false) => OciLayerZstd,
        _ => OciLayer,
    };
}
