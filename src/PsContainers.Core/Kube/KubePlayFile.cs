namespace PsContainers.Core.Kube;

/// <summary>A file of a ConfigMap or Secret volume: its path relative to <see cref="KubePlayPod.FilesDirectory"/>, its bytes and its permission bits.</summary>
public sealed class KubePlayFile
{
    /// <summary>"&lt;volume&gt;/&lt;key or item path&gt;": relative, '/'-separated, no "." or ".." component (checked by the planner).</summary>
    public string RelativePath { get; init; } = "";
    public byte[] Content { get; init; } = [];
    /// <summary>The permission bits (the volume's defaultMode or the item's mode; Kubernetes' default 0644).</summary>
    public int Mode { get; init; } = 0b110_100_100;
}
