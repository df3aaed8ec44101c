using PsContainers.Core.Containers;

namespace PsContainers.Core.Pods;

/// <summary>One container of a pod, as podman pod inspect lists them: id, name, status; the infra container marked.</summary>
public sealed class PodMember
{
    /// <summary>The container's full id (64 hex characters).</summary>
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public ContainerStatus Status { get; init; }
    /// <summary>Whether this is the pod's infra (pause) container.</summary>
    public bool Infra { get; init; }
    public override string ToString() => Name;
}
