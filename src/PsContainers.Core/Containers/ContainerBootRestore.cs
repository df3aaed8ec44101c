using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// The boot step of a daemonless engine: after the host rebooted, start again the containers docker's daemon would
/// start when it comes up. Docker's rule (docs "Start containers automatically"): a container with restart policy
/// <c>always</c> is started, one with <c>unless-stopped</c> only when the user did not stop it (Stop-Container,
/// <see cref="ContainerMarkers.UserStop"/>); <c>no</c> and <c>on-failure</c> stay as they are.
/// <para>
/// A reboot leaves records that say "running" with no monitor behind them, runtime state under &lt;root&gt;/runtime,
/// network leases and mount points. Those are repaired by <see cref="ContainerManager.Reconcile"/> (the orphan repair
/// every command uses), never by logic of its own: <see cref="Plan"/> reconciles each container first.
/// </para>
/// </summary>
public sealed class ContainerBootRestore(ContainerManager manager)
{
    private readonly ContainerManager _manager = manager;

    /// <summary>
    /// Whether a container with <paramref name="policy"/> comes back at boot: always → yes; unless-stopped → when
    /// <paramref name="userStopped"/> is false; no and on-failure → never (docker restarts on-failure containers only
    /// after their own failures, not at daemon start for a container that was running).
    /// </summary>
    public static bool StartsAtBoot(RestartPolicy policy, bool userStopped) => policy.Name switch
    {
        RestartPolicyName.Always => true,
        RestartPolicyName.UnlessStopped => !userStopped,
        _ => false,
    };

    /// <summary>The user stopped <paramref name="c"/> (its <see cref="ContainerMarkers.UserStop"/> marker exists).</summary>
    public bool UserStopped(Container c) => File.Exists(Path.Combine(_manager.Store.DirOf(c.Id), ContainerMarkers.UserStop));

    /// <summary>
    /// Reconcile each of <paramref name="containers"/> (a record left "running" by a reboot is repaired: what is left
    /// is killed, the runtime state deleted, the rootfs unmounted, the network released, and it is recorded exited),
    /// then return, in the given order, those that are not running and start at boot (<see cref="StartsAtBoot"/>).
    /// A container removed meanwhile is skipped.
    /// </summary>
    public IReadOnlyList<Container> Plan(IEnumerable<Container> containers)
    {
        var list = new List<Container>();
        foreach (var c in containers)
        {
            var cur = _manager.Store.Load(c.Id);
            if (cur is null) continue;
            cur = _manager.Reconcile(cur);
            if (cur.State.Running) continue;
            if (StartsAtBoot(cur.HostConfig.RestartPolicy, UserStopped(cur))) list.Add(cur);
        }
        return StartOrder(list);
    }

    /// <summary>
    /// <paramref name="containers"/> in an order they can start in: a container that shares another's network
    /// namespace (-Network container:x) comes after x when x is in the list too (x must run first, as docker's daemon
    /// starts such dependencies first); otherwise the given order is kept. A cycle (not creatable, but a record may be
    /// edited) keeps the given order for what is in it.
    /// </summary>
    public static IReadOnlyList<Container> StartOrder(IReadOnlyList<Container> containers)
    {
        var pending = containers.ToList();
        var ids = pending.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var result = new List<Container>(pending.Count);
        while (pending.Count > 0)
        {
            var started = result.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            int i = pending.FindIndex(c => c.HostConfig.NetworkModeKind != NetworkMode.Container
                || c.HostConfig.NetworkContainerId is not { } t || !ids.Contains(t) || started.Contains(t) || t == c.Id);
            if (i < 0) i = 0; // a cycle: keep the given order
            result.Add(pending[i]);
            pending.RemoveAt(i);
        }
        return result;
    }

    /// <summary>Every container of the store, planned (<see cref="Plan"/>).</summary>
    public IReadOnlyList<Container> PlanAll() => Plan(_manager.Store.LoadAll());
}
