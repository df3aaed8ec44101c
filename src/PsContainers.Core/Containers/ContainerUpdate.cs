using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// What <c>Update-Container</c> (docker update) changes; null leaves a value as it is.
/// </summary>
public sealed record ContainerUpdate
{
    /// <summary>
    /// The limits to change, in docker's units (<see cref="ResourceLimits"/>); a null field leaves that limit as it is
    /// (<see cref="ResourceLimits.Updated"/>). None by default.
    /// </summary>
    public ResourceLimits Resources { get; init; } = ResourceLimits.None;
    /// <summary>The restart policy (docker --restart), decided by the container's monitor when a run ends.</summary>
    public RestartPolicy? RestartPolicy { get; init; }

    /// <summary>Whether any cgroup limit is given (then a live container's runtime is asked to update).</summary>
    public bool HasResources => !Resources.IsEmpty;
}
