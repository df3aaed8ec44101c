using System.Globalization;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Pods;

/// <summary>
/// Pod membership in the container lifecycle. Before each start of a member (a container whose
/// <see cref="Container.Pod"/> is set, other than the infra container) the pod's infra container is started when it is
/// not running (podman starts it too), then the infra process's IPC and UTS namespaces, when the pod shares them, are
/// pinned under the member's id (bind mounts of <c>/proc/&lt;infra pid&gt;/ns/ipc</c> and <c>…/uts</c> in
/// <see cref="PinDirectory"/>, as <c>ip netns attach</c> pins a network namespace) and the member's spec joins the pins
/// by path (runtime-spec linux.namespaces with a path). A pin, unlike a /proc path, can never name the namespaces of a
/// process that reuses the infra's pid, also when the monitor restarts the member later from the same bundle. The
/// network namespace is joined by the network participant, which comes after this one (the member's network mode is
/// <c>container:&lt;infra id&gt;</c>, set at create by <see cref="PodManager.PrepareMember"/>). The pins are released at
/// the member's next start and when it is removed. With IPC shared, the infra container and every member get the pod's
/// /dev/shm tmpfs instead of a /dev/shm of their own (<see cref="PodShm"/>), so POSIX shared memory is shared too.
/// For a pod of <see cref="PodExitPolicy.Stop"/>, each start of a member marks it for the member's monitor
/// (<see cref="Contract.PodExitStop"/>), which stops the infra container when the member ends last.
/// </summary>
public sealed class PodParticipant(Engine engine) : IContainerParticipant
{
    /// <summary>
    /// Where the IPC and UTS pins of pod members are: &lt;container id&gt;-ipc, &lt;container id&gt;-uts, in the host-wide
    /// run directory's podns/ (fixed when the type is first used).
    /// </summary>
    public static string PinDirectory { get; } = Path.Combine(NetworkStore.RunDirectory, "podns");

    private static readonly (PodNamespace Shared, string Type)[] Pinned = [(PodNamespace.Ipc, "ipc"), (PodNamespace.Uts, "uts")];

    /// <summary>The pin of one namespace type ("ipc", "uts") of a member.</summary>
    public static string PinPath(string containerId, string type) => Path.Combine(PinDirectory, containerId + "-" + type);

    public string Name => "pod";

    /// <summary>Nothing: a member's options are made a member's before the network is decided (<see cref="PodManager.PrepareMember"/>).</summary>
    public void Create(Container container, ContainerCreateOptions options, ResolvedImage image) { }

    /// <summary>Starts the infra container when needed, then pins and joins its IPC and UTS namespaces as the pod shares them.</summary>
    /// <exception cref="PscException">PodNotFound (the pod was removed), PodInfraNotRunning (its infra container is gone or does not stay up), the infra container's start error, NetnsCreateFailed (a pin failed), PodShmFailed (the pod's /dev/shm could not be mounted).</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        if (container.Pod is not { } podId) return;
        var pod = engine.Pods.Store.Load(podId) ?? throw PscException.NotFound(ErrorIds.PodNotFound, $"The pod of container '{container.Name}' no longer exists.", container.Name);
        bool ipc = pod.SharedNamespaces.Contains(PodNamespace.Ipc);
        if (container.Id == pod.InfraContainerId)
        {
            if (ipc) engine.Pods.Shm.Share(pod, spec);
            return;
        }
        Unpin(container.Id); // what a previous run left
        var infra = engine.ContainerStore.Load(pod.InfraContainerId) ?? throw PodManager.InfraGone(pod);
        // the member's monitor stops the infra container when this member ends last (podman's exit policy stop)
        Contract.PodExitStop.Mark(engine.ContainerStore.DirOf(container.Id), pod.ExitPolicy == PodExitPolicy.Stop ? pod.InfraContainerId : null);
        if (!infra.State.Running)
        {
            using var launch = engine.Containers.Start(infra);
            infra = engine.ContainerStore.Load(infra.Id) ?? throw PodManager.InfraGone(pod);
        }
        if (infra.State.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || infra.State.Pid <= 0)
            throw PscException.InvalidOperation(ErrorIds.PodInfraNotRunning, $"The infra container of pod '{pod.Name}' is not running: '{container.Name}' cannot join it.", container.Name);
        string pid = infra.State.Pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var (shared, type) in Pinned)
            {
                if (!pod.SharedNamespaces.Contains(shared) || spec.Linux?.Namespaces is not { } nss) continue;
                string pin = PinPath(container.Id, type);
                NetworkNamespace.Pin($"/proc/{pid}/ns/{type}", pin);
                var ns = nss.FirstOrDefault(n => n.Type == type);
                if (ns is null) nss.Add(new SpecNamespace { Type = type, Path = pin });
                else ns.Path = pin;
            }
            // the pid read before the pins must still be the infra process: otherwise a pin could hold another process's namespace
            if (engine.ContainerStore.Load(infra.Id) is not { } again || again.State.Pid != infra.State.Pid || !again.State.Running)
                throw PscException.InvalidOperation(ErrorIds.PodInfraNotRunning, $"The infra container of pod '{pod.Name}' stopped while '{container.Name}' was starting.", container.Name);
            if (ipc) engine.Pods.Shm.Share(pod, spec);
        }
        catch
        {
            Unpin(container.Id);
            throw;
        }
    }

    /// <summary>Nothing at exit: the pins stay until the next start or the removal (the monitor may restart the member from the same bundle).</summary>
    public void Released(Container container) { }

    /// <summary>Releases the member's pins.</summary>
    public void Removed(Container container, bool removeVolumes) => Unpin(container.Id);

    private static void Unpin(string containerId)
    {
        foreach (var (_, type) in Pinned) NetworkNamespace.Delete(PinPath(containerId, type));
    }
}
