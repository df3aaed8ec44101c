using PsContainers.Core.Networking;

namespace PsContainers.Core.Kube;

/// <summary>
/// One thing Import-ContainerKube made (podman kube play prints the same: each volume, then each pod with its
/// containers): a named volume for a PersistentVolumeClaim (<see cref="Kind"/> "Volume"), or a pod with its
/// containers (<see cref="Kind"/> "Pod"). The one output type of Import-ContainerKube; Get-ContainerPod and
/// Get-ContainerVolume take its <see cref="Name"/> for the full objects.
/// </summary>
public sealed class KubePlayResult
{
    /// <summary>The kind of a result for a pod.</summary>
    public const string PodKind = "Pod";
    /// <summary>The kind of a result for a PersistentVolumeClaim's named volume.</summary>
    public const string VolumeKind = "Volume";

    /// <summary>"Pod" or "Volume".</summary>
    public string Kind { get; init; } = "";
    /// <summary>The pod's name (&lt;deployment&gt;-pod-&lt;i&gt; for a Deployment's replica) or the volume's (the claim's) name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The pod's full id (64 hex characters); null for a volume.</summary>
    public string? Id { get; init; }
    /// <summary>The manifest object it was made for, "Kind/name": "Deployment/web", "PersistentVolumeClaim/data".</summary>
    public string Source { get; init; } = "";
    /// <summary>
    /// A pod's status right after the play (Running, or Created with -NoStart; <see cref="Pods.PodStatus"/> by name); for a
    /// volume "Created", or "Existing" when a volume of that name was there already and is used as it is (podman's reuse).
    /// </summary>
    public string Status { get; init; } = "";
    /// <summary>A pod's containers, by their names here (&lt;pod&gt;-&lt;container&gt;), in the manifest's order; empty for a volume.</summary>
    public string[] Containers { get; init; } = [];
    /// <summary>The named volumes (claims) the pod's containers mount, each once, by name; empty for a volume.</summary>
    public string[] Volumes { get; init; } = [];
    /// <summary>The pod's published ports in docker ps form ("0.0.0.0:8080->80/tcp"); empty for a volume.</summary>
    public string[] Ports { get; init; } = [];

    public override string ToString() => Name;
}
