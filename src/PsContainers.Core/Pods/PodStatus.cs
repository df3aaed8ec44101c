namespace PsContainers.Core.Pods;

/// <summary>
/// A pod's status, derived from the statuses of all its containers, the infra container included, as podman derives
/// it (libpod/define <c>CreatePodStatusResults</c>): never stored.
/// </summary>
public enum PodStatus
{
    /// <summary>No container has run yet (or the pod has no containers).</summary>
    Created,
    /// <summary>Every container runs.</summary>
    Running,
    /// <summary>Some containers run and others do not (podman's Degraded).</summary>
    Degraded,
    /// <summary>Every container is paused.</summary>
    Paused,
    /// <summary>Every container has exited.</summary>
    Exited,
    /// <summary>Some containers have exited, none runs, others were never started.</summary>
    Stopped,
}
