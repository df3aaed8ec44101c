namespace PsContainers.Cgroups;

/// <summary>
/// The cgroup directories of one container. pscrun persists it in its state.json ("cgroups": v2, dirs, created);
/// the engine builds one from /proc/PID/cgroup to read statistics (<see cref="CgroupManager.ForProcess"/>).
/// </summary>
internal sealed class CgroupSet
{
    /// <summary>True on a unified (cgroup v2 only) host: <see cref="Dirs"/> then holds the one key "".</summary>
    public bool V2 { get; set; }

    /// <summary>
    /// Hierarchy key -> absolute directory. v1 keys are a hierarchy's controllers as mounted ("cpu,cpuacct", "memory",
    /// "name=systemd"); a hybrid host's v2 hierarchy is "unified"; a v2 host's only key is "".
    /// </summary>
    public Dictionary<string, string> Dirs { get; set; } = new();

    /// <summary>Directories pscrun created (parents first); <see cref="ICgroupManager.Remove"/> removes them deepest first.</summary>
    public List<string> Created { get; set; } = new();

    /// <summary>
    /// The container's own directories (<see cref="Dirs"/>) that existed before pscrun created it: groups it joined
    /// (a pod's, a systemd unit's), which may hold processes that are not the container's.
    /// </summary>
    public IEnumerable<string> Joined => Dirs.Values.Where(d => !Created.Contains(d));
}
