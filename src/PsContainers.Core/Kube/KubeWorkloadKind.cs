namespace PsContainers.Core.Kube;

/// <summary>The object a workload becomes (ConvertTo-ContainerKubeYaml -Kind).</summary>
public enum KubeWorkloadKind
{
    /// <summary>A bare Pod (v1): restartPolicy follows the container's restart policy.</summary>
    Pod,
    /// <summary>A Deployment (apps/v1) of the pod, with the replicas of a compose service; restartPolicy is Always.</summary>
    Deployment,
}
