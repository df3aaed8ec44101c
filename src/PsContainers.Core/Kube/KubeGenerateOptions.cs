namespace PsContainers.Core.Kube;

/// <summary>What <see cref="KubeManifestBuilder"/> writes besides the workloads.</summary>
public sealed class KubeGenerateOptions
{
    /// <summary>Pod or Deployment for each workload (Pod by default, as podman kube generate).</summary>
    public KubeWorkloadKind Kind { get; init; } = KubeWorkloadKind.Pod;
    /// <summary>Also write a Service (type NodePort) for each workload with published ports (podman kube generate --service).</summary>
    public bool Service { get; init; }
    /// <summary>The storage requested by each PersistentVolumeClaim, a Kubernetes quantity (volumes here have no size).</summary>
    public string ClaimSize { get; init; } = "1Gi";
}
