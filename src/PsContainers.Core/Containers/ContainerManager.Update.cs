using PsContainers.Contract;
using PsContainers.Core.Runtime;
using PsContainers.Core.Util;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// docker update: store new limits and restart policy in the container's record (typed, in HostConfig), so every
    /// later start uses them; for a live container (running, paused) write the limits now through the OCI runtime's
    /// <c>update --resources</c> (runc's command; pscrun implements it on v1 and v2 cgroups), and hand a new restart
    /// policy to its monitor (the <see cref="ContainerMarkers.RestartPolicyFile"/> marker it reads when a run ends).
    /// The record is written only after the runtime accepted the limits, so a refused update changes nothing.
    /// </summary>
    /// <exception cref="PscException">
    /// InvalidMemory (below 6 MiB, or a swap limit below the memory limit), InvalidCpus, InvalidCpuShares, InvalidCpuset
    /// (<see cref="ResourceLimits.Validate(int)"/>), InvalidRestartPolicy
    /// ConflictingOptions (a restart policy on a container removed when it exits), ContainerRemoving, RuntimeUpdateFailed (the kernel or runtime refused the limits).
    /// </exception>
    /// <returns>The container as it is afterwards (the argument is not changed).</returns>
    public Container Update(Container c, ContainerUpdate u, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        ContainerStateMachine.Require(cur.State.Status, ContainerOperation.Update, cur.Name);
        var h = cur.HostConfig;
        if (u.RestartPolicy is { Restarts: true } && h.AutoRemove)
            throw new InvalidArgumentException(ErrorIds.ConflictingOptions, "A container removed when it exits cannot have a restart policy.", cur.Name) { Remedy = Remedy.RemoveOrRestart };
        var limits = h.Resources.Updated(u.Resources);
        // validated and converted to linux.resources as a start would; only the limits go to the runtime (as runc
        // update: the device rules the container started with stay as they are)
        var resources = limits.ToOci();
        bool live = cur.State.Status is ContainerStatus.Running or ContainerStatus.Paused;
        if (live && u.HasResources) RuntimeFor(cur).Update(cur.Id, resources);
        h.Resources = limits;
        if (u.RestartPolicy is { } policy)
        {
            h.RestartPolicy = policy;
            AtomicFile.WriteAllText(Path.Combine(Store.DirOf(cur.Id), ContainerMarkers.RestartPolicyFile), policy.ToString());
        }
        Store.SaveDefinition(cur);
        EmitEvent(cur, "update");
        return Store.Load(c.Id) ?? cur;
    }
}
