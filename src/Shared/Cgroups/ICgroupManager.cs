using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Cgroups;

/// <summary>
/// What pscrun and the engine do with one container's cgroups, independent of the cgroup version (the shape of
/// youki's libcgroups CgroupManager). <see cref="CgroupV1Manager"/> works on v1 and hybrid hosts,
/// <see cref="CgroupV2Manager"/> on unified hosts; <see cref="CgroupManager.For"/> picks one for a <see cref="CgroupSet"/>.
/// </summary>
internal interface ICgroupManager
{
    /// <summary>The directories this manager works on.</summary>
    CgroupSet Set { get; }

    /// <summary>1 or 2.</summary>
    int Version { get; }

    /// <summary>
    /// Write linux.resources (OCI runtime spec, config-linux.md "Control groups") into the group; device rules in
    /// config order, then the devices every container gets and <paramref name="devices"/> (linux.devices), as runc does.
    /// Throws <see cref="CgroupException"/> naming the field when a value cannot be written or the controller is missing.
    /// </summary>
    void Apply(SpecResources? resources, IReadOnlyList<SpecDevice>? devices = null);

    /// <summary>
    /// The files a single-threaded process writes "0" into to join the set itself, newline-separated: v1 "tasks"
    /// (no global lock), "cgroup.procs" on v2 and the hybrid unified hierarchy.
    /// </summary>
    string JoinFiles();

    /// <summary>Move <paramref name="pid"/> into every directory of the set (cgroup.procs). Throws <see cref="CgroupException"/>.</summary>
    void Join(int pid);

    /// <summary>The pids in the group (empty when none or it cannot be read).</summary>
    List<int> Pids();

    /// <summary>Freeze or thaw the group and wait (up to about 2 s) until the kernel reports it; false on timeout.</summary>
    bool Freeze(bool freeze);

    /// <summary>Whether the group is frozen (false when it cannot be read).</summary>
    bool IsFrozen();

    /// <summary>
    /// Remove the container's groups and the parents pscrun created, deepest first, retrying a leaf while the kernel
    /// drains it. A group the container joined (<see cref="CgroupSet.Joined"/>) is removed too when it is empty, as
    /// runc's Destroy does, and left in place while it holds processes (the kernel refuses rmdir). False when a leaf
    /// pscrun created stayed.
    /// </summary>
    bool Remove();

    /// <summary>The group's counters now (see <see cref="CgroupStats"/>); a missing file reads as 0 (a limit as -1).</summary>
    CgroupStats ReadStats();
}
