namespace PsContainers.Core.Pods;

/// <summary>
/// What happens to a pod when its last member exits (podman pod create --exit-policy): its infra container keeps
/// running (<see cref="Continue"/>, New-ContainerPod's default, podman's), or it is stopped so the pod shows Exited and
/// releases its ports (<see cref="Stop"/>, what Import-ContainerKube gives its pods, as podman kube play does).
/// </summary>
public enum PodExitPolicy
{
    /// <summary>The pod keeps running on its infra container after the last member exited (status Degraded).</summary>
    Continue,
    /// <summary>The infra container is stopped once every member has exited (status Exited).</summary>
    Stop,
}
