using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Pods;

/// <summary>
/// The pod lifecycle (podman pod create/start/stop/restart/rm) over <see cref="PodStore"/> and the container manager.
/// A pod is held by its infra container: a container of the empty infra root file system (<see cref="PodStore.InfraRootfs"/>)
/// whose process is pscinit's pause mode (-Init with the command <c>--pause</c>); it owns the pod's network namespace,
/// networks and published ports. Members join its namespaces: the network one through the engine's
/// <c>container:&lt;id&gt;</c> network mode (<see cref="NetworkMode.Container"/>), IPC and UTS through pins of the infra process's namespaces at each start
/// (<see cref="PodParticipant"/>); with IPC shared, /dev/shm too (<see cref="PodShm"/>). Events: pod create, start,
/// stop, pause, unpause, remove (podman's names), with the pod's name.
/// </summary>
public sealed class PodManager
{
    private readonly Engine _engine;

    /// <summary>Made by <see cref="Engine"/>.</summary>
    internal PodManager(Engine engine)
    {
        _engine = engine;
        Store = new PodStore(engine.Paths);
        Shm = new PodShm(engine.Syscalls, Store);
    }

    /// <summary>The pod records.</summary>
    public PodStore Store { get; }

    /// <summary>The /dev/shm tmpfs of pods that share IPC.</summary>
    public PodShm Shm { get; }

    /// <summary>The namespaces a pod shares when none are named: net, ipc, uts (podman's and Kubernetes' default).</summary>
    public static readonly IReadOnlyList<PodNamespace> DefaultShare = [PodNamespace.Net, PodNamespace.Ipc, PodNamespace.Uts];

    /// <summary>The name of a pod's infra container: the pod's short id and "-infra" (podman's naming).</summary>
    public static string InfraName(string podId) => podId[..12] + "-infra";

    /// <summary>
    /// Create a pod and its infra container (created, not started, as podman pod create). Bad options fail before
    /// anything is written; when the infra container cannot be created, nothing of the pod is left.
    /// </summary>
    /// <returns>The pod with its one container (the infra container).</returns>
    /// <exception cref="PscException">
    /// InvalidPodName; InvalidPodShare (ports or networks while net is not shared, a /dev/shm size while ipc is not); PodNameInUse; the infra container's
    /// create errors (NetworkNotFound, InvalidPortSpec…).
    /// </exception>
    public ContainerPod Create(PodCreateOptions o, CancellationToken ct = default)
    {
        if (o.Name is not null && !ContainerStore.IsValidName(o.Name))
            throw PscException.InvalidArgument(ErrorIds.InvalidPodName, ContainerStore.InvalidNameMessage(o.Name, "pod"), o.Name);
        var share = (o.Share is { Count: > 0 } s ? s : DefaultShare).Distinct().Order().ToList();
        bool net = share.Contains(PodNamespace.Net);
        if (!net && (o.Publish.Count > 0 || o.Networks.Count > 0))
            throw PscException.InvalidArgument(ErrorIds.InvalidPodShare, "Ports and networks belong to a pod's network namespace, which this pod does not share (add net to the shared namespaces).", string.Join(",", share));
        if (o.ShmSize is > 0 && !share.Contains(PodNamespace.Ipc))
            throw PscException.InvalidArgument(ErrorIds.InvalidPodShare, "A /dev/shm size belongs to a pod's IPC namespace, which this pod does not share (add ipc to the shared namespaces).", string.Join(",", share));
        if (net && NetworkChoice.Decide(o.Networks).Mode == NetworkMode.Container)
            throw PscException.InvalidArgument(ErrorIds.InvalidPodShare, "A pod cannot use another container's network namespace: its infra container owns the pod's.", string.Join(",", o.Networks));

        string id = ContainerStore.NewId();
        using var l = Store.Lock(ct);
        string name = o.Name ?? NewName();
        if (Store.Find(name) is { } taken && taken.Name == name)
            throw PscException.Exists(ErrorIds.PodNameInUse, $"The pod name '{name}' is already in use by pod {taken.ShortId}.", name);
        Directory.CreateDirectory(Store.InfraRootfs);
        var infraOptions = new ContainerCreateOptions
        {
            Image = Store.InfraRootfs,
            Name = InfraName(id),
            Command = ["--pause"],
            Init = true,
            Hostname = o.Hostname ?? name,
            Publish = net ? o.Publish.ToList() : [],
            Networks = net ? o.Networks.ToList() : ["none"],
            ShmSize = o.ShmSize is > 0 ? o.ShmSize : null,
        };
        var infra = _engine.Containers.Create(infraOptions, ct);
        var pod = new ContainerPod
        {
            Id = id, Name = name, Created = DateTime.UtcNow, Labels = new(o.Labels), Hostname = infra.Config.Hostname ?? name,
            InfraContainerId = infra.Id, SharedNamespaces = share, PortMappings = infra.HostConfig.PortMappings.ToList(),
            ShmSize = infra.HostConfig.ShmSize, ExitPolicy = o.ExitPolicy,
        };
        try
        {
            infra.Pod = id;
            _engine.ContainerStore.SaveDefinition(infra);
            Store.Publish(pod);
        }
        catch
        {
            try { _engine.Containers.Remove(infra, force: true); } catch (Exception) { /* the create error is what matters */ }
            Store.Delete(pod);
            throw;
        }
        Emit(pod, "create");
        return WithMembers(pod);
    }

    private string NewName()
    {
        for (int i = 0; ; i++)
        {
            string n = ContainerStore.RandomName() + (i > 10 ? "_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2)) : "");
            if (Store.Find(n) is null) return n;
        }
    }

    /// <summary>
    /// The pod's containers as they are now (pure reads, as Get-Container shows them: a member whose monitor is gone
    /// reads as exited and what it left is not touched), the infra container first, then by name, and the pod with
    /// <see cref="ContainerPod.Containers"/> filled from them. A pod of <see cref="PodExitPolicy.Stop"/> has its infra
    /// container stopped by the monitor of the member that ends last (<see cref="Contract.PodExitStop"/>), as podman's
    /// conmon exit command does, not by whoever looks at the pod.
    /// </summary>
    public IReadOnlyList<Container> ContainersOf(ContainerPod pod)
    {
        var list = Load(pod);
        pod.Containers = list.Select(c => new PodMember { Id = c.Id, Name = c.Name, Status = c.State.Status, Infra = c.Id == pod.InfraContainerId }).ToList();
        return list;
    }

    private List<Container> Load(ContainerPod pod) =>
        _engine.ContainerStore.LoadAll().Where(c => c.Pod == pod.Id)
            .OrderBy(c => c.Id == pod.InfraContainerId ? 0 : 1).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();

    /// <summary><paramref name="pod"/> with its <see cref="ContainerPod.Containers"/> read (<see cref="ContainersOf"/>).</summary>
    public ContainerPod WithMembers(ContainerPod pod)
    {
        ContainersOf(pod);
        return pod;
    }

    /// <summary>
    /// Start the pod (podman pod start): the infra container first, then every member that is not running, in name
    /// order. A member that fails to start does not stop the others; the first error is thrown after all were tried.
    /// </summary>
    /// <returns>The pod as it is afterwards.</returns>
    /// <exception cref="PscException">The infra container's start error (then no member is started), or a member's.</exception>
    public ContainerPod Start(ContainerPod pod, CancellationToken ct = default)
    {
        var containers = ContainersOf(pod);
        var infra = containers.FirstOrDefault(c => c.Id == pod.InfraContainerId) ?? throw InfraGone(pod);
        if (!infra.State.Running) { using var _ = _engine.Containers.Start(infra, ct: ct); }
        var first = Each(containers.Where(c => c.Id != pod.InfraContainerId && !c.State.Running), c => { using var _ = _engine.Containers.Start(c, ct: ct); });
        Emit(pod, "start");
        if (first is not null) throw first;
        return WithMembers(pod);
    }

    /// <summary>
    /// Stop the pod (podman pod stop): every member (its stop signal, then KILL after <paramref name="timeout"/> seconds
    /// or its own stop timeout), then the infra container, whose network attachments and ports are released then.
    /// </summary>
    /// <returns>The pod as it is afterwards.</returns>
    public ContainerPod Stop(ContainerPod pod, int? timeout = null, CancellationToken ct = default)
    {
        // a changing command: a member whose monitor died has what it left killed and unmounted here, as a stop of it
        // would (ContainerManager.Reconcile); the read above only reports it exited
        var containers = ContainersOf(pod).Select(_engine.Containers.Reconcile).ToList();
        Exception? first = null;
        // members first, at once (each stop waits for its own exit), then the infra container
        var members = containers.Where(c => c.Id != pod.InfraContainerId && ContainerStateMachine.CanStop(c.State.Status)).ToList();
        Parallel.ForEach(members, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = 8 }, c =>
        {
            try { _engine.Containers.Stop(c, timeout, null, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { Interlocked.CompareExchange(ref first, e, null); }
        });
        if (containers.FirstOrDefault(c => c.Id == pod.InfraContainerId) is { } infra && ContainerStateMachine.CanStop(infra.State.Status))
            _engine.Containers.Stop(infra, timeout, null, ct);
        Emit(pod, "stop");
        if (first is not null) throw first;
        return WithMembers(pod);
    }

    /// <summary>
    /// Pause the pod (podman pod pause): freeze every running container of it, the members first, then the infra
    /// container, each as Suspend-Container does (<see cref="ContainerManager.Pause"/>: the cgroup freezer). Containers
    /// that do not run are left as they are, as podman leaves them. A member that fails does not stop the others; the
    /// first error is thrown after all were tried. Event: pod pause.
    /// </summary>
    /// <returns>The pod as it is afterwards (Paused when every container was running).</returns>
    /// <exception cref="PscException">PodNotRunning (InvalidOperation): no container of the pod runs; nothing is changed. A container's pause error.</exception>
    public ContainerPod Pause(ContainerPod pod, CancellationToken ct = default) =>
        Apply(pod, c => ContainerStateMachine.CanPause(c.State.Status), infraFirst: false, c => _engine.Containers.Pause(c, ct), "pause",
            () => PscException.InvalidOperation(ErrorIds.PodNotRunning, $"Pod '{pod.Name}' is not running (status {pod.Status}): only a running pod can be paused; start it first.", pod.Name));

    /// <summary>
    /// Unpause the pod (podman pod unpause): thaw every paused container of it, the infra container first, then the
    /// members (<see cref="ContainerManager.Resume"/>). A failure does not stop the others; the first error is thrown
    /// after all were tried. Event: pod unpause.
    /// </summary>
    /// <returns>The pod as it is afterwards.</returns>
    /// <exception cref="PscException">PodNotPaused (InvalidOperation): no container of the pod is paused; nothing is changed. A container's unpause error.</exception>
    public ContainerPod Resume(ContainerPod pod, CancellationToken ct = default) =>
        Apply(pod, c => ContainerStateMachine.CanResume(c.State.Status), infraFirst: true, c => _engine.Containers.Resume(c, ct), "unpause",
            () => PscException.InvalidOperation(ErrorIds.PodNotPaused, $"Pod '{pod.Name}' is not paused (status {pod.Status}): only a paused pod can be unpaused.", pod.Name));

    /// <summary>
    /// Do <paramref name="act"/> to the pod's containers that <paramref name="applies"/> to (the infra container first or
    /// last), each tried even when one fails, then emit the pod event <paramref name="action"/>; none to act on throws
    /// <paramref name="none"/>'s error (read after the containers, so it can name the pod's status) and emits nothing.
    /// </summary>
    private ContainerPod Apply(ContainerPod pod, Func<Container, bool> applies, bool infraFirst, Action<Container> act, string action, Func<PscException> none)
    {
        var targets = ContainersOf(pod).Where(applies).OrderBy(c => (c.Id == pod.InfraContainerId) == infraFirst ? 0 : 1).ToList();
        if (targets.Count == 0) throw none();
        var first = Each(targets, act);
        Emit(pod, action);
        if (first is not null) throw first;
        return WithMembers(pod);
    }

    /// <summary>Do <paramref name="act"/> to each container in order; the first failure, after all were tried (cancellation ends at once).</summary>
    private static Exception? Each(IEnumerable<Container> containers, Action<Container> act)
    {
        Exception? first = null;
        foreach (var c in containers)
        {
            try { act(c); }
            catch (Exception e) when (e is not OperationCanceledException) { first ??= e; }
        }
        return first;
    }

    /// <summary>Stop (as <see cref="Stop"/>), then start (as <see cref="Start"/>): podman pod restart.</summary>
    /// <returns>The pod as it is afterwards.</returns>
    public ContainerPod Restart(ContainerPod pod, int? timeout = null, CancellationToken ct = default)
    {
        Stop(pod, timeout, ct);
        return Start(pod, ct);
    }

    /// <summary>
    /// Remove the pod, its members and its infra container (podman pod rm): without <paramref name="force"/> only when
    /// none of them runs (stopped members are removed with it, as podman does); with it, running ones are killed first
    /// (podman pod rm -f). The infra container's removal releases the pod's networks and ports; then the pod's /dev/shm
    /// tmpfs is unmounted and its directory removed (<see cref="PodShm.Release"/>).
    /// </summary>
    /// <exception cref="PscException">PodHasRunningContainers (InvalidOperation): a container runs and <paramref name="force"/> is not set; nothing is removed.</exception>
    public void Remove(ContainerPod pod, bool force = false, CancellationToken ct = default)
    {
        using var l = Store.Lock(ct);
        var current = Store.Load(pod.Id) ?? throw NotFound(pod.Name);
        var containers = ContainersOf(current);
        var running = containers.Where(c => c.State.Running).Select(c => c.Name).ToList();
        if (running.Count > 0 && !force)
            throw new PscException(ErrorIds.PodHasRunningContainers, PscErrorCategory.InvalidOperation,
                $"Pod '{current.Name}' has running containers ({string.Join(", ", running)}); stop the pod first, or force the removal.", current.Name) { Remedy = Remedy.StopOrForce };
        current.Removing = true;
        Store.Save(current);
        // members at once, then the infra container (its namespace is the one they joined)
        var members = containers.Where(c => c.Id != current.InfraContainerId).ToList();
        Exception? first = null;
        Parallel.ForEach(members, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = 8 }, c =>
        {
            try { _engine.Containers.Remove(c, force: true, ct: ct); }
            catch (Exception e) when (e is not OperationCanceledException) { Interlocked.CompareExchange(ref first, e, null); }
        });
        if (first is not null) throw first;
        if (containers.FirstOrDefault(c => c.Id == current.InfraContainerId) is { } infra)
            _engine.Containers.Remove(infra, force: true, ct: ct);
        Shm.Release(current.Id);
        Store.Delete(current);
        Emit(current, "remove");
    }

    /// <summary>
    /// Create time of a member (<see cref="ContainerCreateOptions.Pod"/>): finds the pod and makes a member's copy of
    /// the options (<paramref name="o"/> itself is not changed), as podman does: with net shared the container joins the infra container's network namespace
    /// (<c>container:&lt;infra id&gt;</c>), so the network settings are the pod's and cannot be given; with only uts shared
    /// it takes the pod's hostname; with ipc shared its /dev/shm is the pod's (<see cref="PodShm"/>), so a size is the pod's.
    /// </summary>
    /// <returns>The pod, and the member's options: <paramref name="o"/> <c>with</c> the pod's network and hostname.</returns>
    /// <exception cref="PscException">PodNotFound; PodMemberConflict (a network setting, a hostname or a /dev/shm size given for a shared namespace).</exception>
    internal (ContainerPod Pod, ContainerCreateOptions Options) PrepareMember(ContainerCreateOptions o)
    {
        var pod = Store.Find(o.Pod!) ?? throw NotFound(o.Pod!);
        if (pod.Removing) throw NotFound(o.Pod!);
        bool net = pod.SharedNamespaces.Contains(PodNamespace.Net), uts = pod.SharedNamespaces.Contains(PodNamespace.Uts);
        if (net)
        {
            var given = new List<string>();
            if (o.Publish.Count > 0 || o.PublishAll) given.Add("published ports");
            if (o.Networks.Count > 0) given.Add("networks");
            if (o.IPAddress is not null) given.Add("an IP address");
            if (o.Aliases.Count > 0 || o.Endpoints.Count > 0) given.Add("network aliases");
            if (o.Dns.Count + o.DnsSearch.Count + o.DnsOptions.Count > 0) given.Add("DNS settings");
            if (o.AddHosts.Count > 0) given.Add("extra hosts");
            if (given.Count > 0)
                throw PscException.InvalidArgument(ErrorIds.PodMemberConflict,
                    $"A container of pod '{pod.Name}' uses the pod's network namespace: {string.Join(", ", given)} must be set on the pod when it is created.", pod.Name);
            o = o with { Networks = [NetworkChoice.ContainerPrefix + pod.InfraContainerId] };
        }
        if ((net || uts) && o.Hostname is not null)
            throw PscException.InvalidArgument(ErrorIds.PodMemberConflict, $"A container of pod '{pod.Name}' shares the pod's hostname ('{pod.Hostname}'): set it on the pod when it is created.", pod.Name);
        if (uts && !net) o = o with { Hostname = pod.Hostname };
        if (pod.SharedNamespaces.Contains(PodNamespace.Ipc) && o.ShmSize is > 0)
            throw PscException.InvalidArgument(ErrorIds.PodMemberConflict, $"A container of pod '{pod.Name}' shares the pod's /dev/shm: set its size on the pod when it is created.", pod.Name);
        return (pod, o);
    }

    /// <summary>
    /// Remove-Container of an infra container: refused while its pod exists (podman: the pod is removed instead).
    /// </summary>
    /// <exception cref="PscException">PodInfraContainer.</exception>
    internal void CheckRemovable(Container c)
    {
        if (InfraOf(c) is { } pod)
            throw PscException.InvalidOperation(ErrorIds.PodInfraContainer,
                $"Container '{c.Name}' is the infra container of pod '{pod.Name}' and goes with the pod: remove the pod.", c.Name);
    }

    /// <summary>The pod whose infra container <paramref name="c"/> is, while that pod exists and is not being removed; else null (a prune leaves such a container alone).</summary>
    public ContainerPod? InfraOf(Container c) =>
        c.Pod is { } podId && Store.Load(podId) is { Removing: false } pod && pod.InfraContainerId == c.Id ? pod : null;

    private static PscException NotFound(string name) => PscException.NotFound(ErrorIds.PodNotFound, $"No pod '{name}'.", name);

    internal static PscException InfraGone(ContainerPod pod) => PscException.InvalidOperation(ErrorIds.PodInfraNotRunning,
        $"The infra container of pod '{pod.Name}' is gone: the pod can no longer run containers; remove it.", pod.Name);

    private void Emit(ContainerPod pod, string action) => _engine.Events.Emit(EventType.Pod, action, pod.Id, ("name", pod.Name));
}
