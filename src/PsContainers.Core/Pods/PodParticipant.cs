using System.Globalization;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Pods;

/// <summary>
/// Pod membership in the container lifecycle. Before each start of a member (a container whose
/// <see cref="Container.Pod"/> is set, other than the infra container) the pod's infra container is started when it is
/// not running (podman starts it too), then the member's spec joins the infra process's IPC and UTS namespaces by path
/// (<c>/proc/&lt;infra pid&gt;/ns/ipc</c>, <c>…/uts</c>; runtime-spec linux.namespaces with a path) when the pod shares them.
/// The network namespace is joined by the network participant, which comes after this one (the member's network mode
/// is <c>container:&lt;infra id&gt;</c>, set at create by <see cref="PodManager.PrepareMember"/>). Nothing is held, so
/// nothing is released.
/// </summary>
public sealed class PodParticipant(Engine engine) : IContainerParticipant
{
    public string Name => "pod";

    /// <summary>Nothing: a member's options are made a member's before the network is decided (<see cref="PodManager.PrepareMember"/>).</summary>
    public void Create(Container container, ContainerCreateOptions options, ResolvedImage image) { }

    /// <summary>Starts the infra container when needed, then joins its IPC and UTS namespaces as the pod shares them.</summary>
    /// <exception cref="PscException">PodNotFound (the pod was removed), PodInfraNotRunning (its infra container is gone or does not stay up), the infra container's start error.</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        if (container.Pod is not { } podId) return;
        var pods = engine.Pods;
        var pod = pods.Store.Load(podId) ?? throw PscException.NotFound(ErrorIds.PodNotFound, $"The pod of container '{container.Name}' no longer exists.", container.Name);
        if (container.Id == pod.InfraContainerId) return;
        var infra = engine.ContainerStore.Load(pod.InfraContainerId) ?? throw PodManager.InfraGone(pod);
        if (!infra.State.Running)
        {
            using var launch = engine.Containers.Start(infra);
            infra = engine.ContainerStore.Load(infra.Id) ?? throw PodManager.InfraGone(pod);
        }
        if (infra.State.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || infra.State.Pid <= 0)
            throw PscException.InvalidOperation(ErrorIds.PodInfraNotRunning, $"The infra container of pod '{pod.Name}' is not running: '{container.Name}' cannot join it.", container.Name);
        string pid = infra.State.Pid.ToString(CultureInfo.InvariantCulture);
        foreach (var (shared, type) in new[] { (PodNamespace.Ipc, "ipc"), (PodNamespace.Uts, "uts") })
        {
            if (!pod.SharedNamespaces.Contains(shared) || spec.Linux?.Namespaces is not { } nss) continue;
            string path = $"/proc/{pid}/ns/{type}";
            var ns = nss.FirstOrDefault(n => n.Type == type);
            if (ns is null) nss.Add(new SpecNamespace { Type = type, Path = path });
            else ns.Path = path;
        }
        // the pid read above must still be the infra process: otherwise the paths could name another process's namespaces
        if (engine.ContainerStore.Load(infra.Id) is not { } again || again.State.Pid != infra.State.Pid || !again.State.Running)
            throw PscException.InvalidOperation(ErrorIds.PodInfraNotRunning, $"The infra container of pod '{pod.Name}' stopped while '{container.Name}' was starting.", container.Name);
    }

    public void Released(Container container) { }

    public void Removed(Container container, bool removeVolumes) { }
}
