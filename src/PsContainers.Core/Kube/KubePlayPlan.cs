namespace PsContainers.Core.Kube;

/// <summary>
/// What Import-ContainerKube does for one manifest file (podman kube play), planned by <see cref="KubePlanner"/>
/// without touching the engine: the named volumes of its PersistentVolumeClaims, one <see cref="KubePlayPod"/> per pod
/// (a Pod, each replica of a Deployment, a Job's pod), the images they need, and a warning for each kind or field
/// that is not carried out. Remove-ContainerKube plans the same file again and removes what it names.
/// </summary>
public sealed class KubePlayPlan
{
    /// <summary>The named volumes of the file's PersistentVolumeClaims (claim name = volume name), in document order.</summary>
    public IReadOnlyList<KubePlayVolume> Volumes { get; init; } = [];
    /// <summary>The pods, in document order (a Deployment's replicas in index order).</summary>
    public IReadOnlyList<KubePlayPod> Pods { get; init; } = [];
    /// <summary>Every image the containers use, once each, in first-use order.</summary>
    public IReadOnlyList<string> Images { get; init; } = [];
    /// <summary>The images whose containers ask for imagePullPolicy: Always (pulled even when present).</summary>
    public IReadOnlySet<string> AlwaysPull { get; init; } = new HashSet<string>();
    /// <summary>One message per unsupported kind or field (by name and document), never repeated.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
