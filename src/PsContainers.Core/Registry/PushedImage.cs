namespace PsContainers.Core.Registry;

/// <summary>What Publish-ContainerImage returns: where the image went and its manifest digest.</summary>
public sealed class PushedImage
{
    /// <summary>Full reference pushed, e.g. 127.0.0.1:5000/team/app:1.0.</summary>
    public string Name { get; set; } = "";
    public string Registry { get; set; } = "";
    public string Repository { get; set; } = "";
    public string? Tag { get; set; }
    /// <summary>Manifest digest (sha256:…): pull by Name@Digest to get exactly this image.</summary>
    public string Digest { get; set; } = "";
    /// <summary>The local image id (config digest).</summary>
    public string ImageId { get; set; } = "";
    /// <summary>Total size of the config and layer blobs.</summary>
    public long Size { get; set; }
    public int BlobsUploaded { get; set; }
    public int BlobsMounted { get; set; }
    public int BlobsSkipped { get; set; }
    public long BytesUploaded { get; set; }
    public TimeSpan Duration { get; set; }
    public override string ToString() => Name + "@" + Digest;
}
