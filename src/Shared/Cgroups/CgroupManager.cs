using System.Globalization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Cgroups;

/// <summary>
/// What the v1 and v2 managers share (joining, listing pids, removing what pscrun made), the factories that pick one,
/// and the checks of linux.resources values that need no cgroup (spec validation runs them before anything is made).
/// </summary>
internal abstract class CgroupManager : ICgroupManager
{
    protected CgroupManager(CgroupSet set) { Set = set; }

    /// <inheritdoc/>
    public CgroupSet Set { get; }

    /// <inheritdoc/>
    public abstract int Version { get; }

    /// <summary>A manager for <paramref name="set"/>: <see cref="CgroupV2Manager"/> when it is a v2 set, else <see cref="CgroupV1Manager"/>.</summary>
    public static ICgroupManager For(CgroupSet set) => set.V2 ? new CgroupV2Manager(set) : new CgroupV1Manager(set);

    /// <summary>
    /// The cgroups of a running process, from /proc/PID/cgroup (proc(5)) under the cgroup mount
    /// <paramref name="cgroupRoot"/>; null when the process has neither a v1 memory/cpuacct hierarchy nor a v2 group
    /// (it exited, or no cgroup file system is mounted). See <see cref="FromProcCgroup"/>.
    /// </summary>
    public static ICgroupManager? ForProcess(int pid, string cgroupRoot = CgroupHierarchy.DefaultRoot)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup"); }
        catch (IOException) { return null; }
        return FromProcCgroup(text, cgroupRoot);
    }

    /// <summary>
    /// A manager for the groups named in the text of a /proc/PID/cgroup file ("ID:CONTROLLERS:PATH" lines).
    /// v1 lines map to <paramref name="cgroupRoot"/>/CONTROLLERS/PATH (or ROOT/CONTROLLER/PATH per controller when the
    /// comounted directory is missing); the "0::PATH" line is used only on a unified host (ROOT/cgroup.controllers
    /// exists) whose group directory exists. v1 wins when it has memory or cpuacct (a hybrid host), as docker does.
    /// </summary>
    public static ICgroupManager? FromProcCgroup(string procCgroup, string cgroupRoot = CgroupHierarchy.DefaultRoot)
    {
        var v1 = new CgroupSet();
        string? unified = null;
        foreach (var line in procCgroup.Split('\n'))
        {
            var p = line.Split(':', 3);
            if (p.Length < 3) continue;
            if (p[1].Length == 0)
            {
                string v2 = cgroupRoot + p[2];
                if (File.Exists(Path.Combine(v2, "cgroup.controllers")) && File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"))) unified = v2;
                continue;
            }
            string mountDir = Path.Combine(cgroupRoot, p[1]);
            if (Directory.Exists(mountDir)) v1.Dirs[p[1]] = mountDir + p[2];
            else foreach (var ctl in p[1].Split(',')) v1.Dirs[ctl] = Path.Combine(cgroupRoot, ctl) + p[2];
        }
        var one = new CgroupV1Manager(v1);
        if (one.Dir("memory") is not null || one.Dir("cpuacct") is not null) return one;
        if (unified is not null) return new CgroupV2Manager(new CgroupSet { V2 = true, Dirs = { [""] = unified } });
        return null;
    }

    /// <inheritdoc/>
    public abstract void Apply(SpecResources? resources, IReadOnlyList<SpecDevice>? devices = null);

    /// <inheritdoc/>
    public string JoinFiles() =>
        string.Join('\n', Set.Dirs.Select(kv => Path.Combine(kv.Value, Set.V2 || kv.Key == "unified" ? "cgroup.procs" : "tasks")));

    /// <inheritdoc/>
    public void Join(int pid)
    {
        foreach (var dir in Set.Dirs.Values)
        {
            int e = CgroupFile.TryWrite(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            if (e != 0) throw new CgroupException($"cannot join cgroup '{dir}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e)}", e);
        }
    }

    /// <summary>The directory of <paramref name="controller"/> ("memory", "pids", ...), or null when it is not in the set.</summary>
    public abstract string? Dir(string controller);

    /// <inheritdoc/>
    public List<int> Pids()
    {
        string? d = Dir("pids") ?? Dir("freezer") ?? Dir("memory") ?? Set.Dirs.Values.FirstOrDefault();
        var l = new List<int>();
        if (d is null) return l;
        try
        {
            foreach (var line in File.ReadAllLines(Path.Combine(d, "cgroup.procs")))
                if (int.TryParse(line, out int p)) l.Add(p);
        }
        catch (IOException) { }
        return l;
    }

    /// <inheritdoc/>
    public abstract bool Freeze(bool freeze);

    /// <inheritdoc/>
    public abstract bool IsFrozen();

    /// <inheritdoc/>
    public bool Remove()
    {
        bool ok = true;
        var joined = Set.Joined.ToHashSet();
        // runc's Destroy (cgroups.RemovePaths) removes the container's groups whoever made them: a joined group goes
        // too once it is empty; one that still holds processes (not the container's: those are gone by now) stays
        foreach (var dir in Set.Created.Concat(joined).OrderByDescending(d => d.Length))
        {
            bool gone = false;
            // a shared parent we created may hold other containers now: one attempt, no wait; a leaf we made is
            // retried while the kernel drains it, a joined one briefly unless it still holds processes
            bool leaf = Set.Dirs.ContainsValue(dir);
            int attempts = !leaf ? 1 : joined.Contains(dir) ? (HoldsProcesses(dir) ? 1 : 20) : 200;
            for (int i = 0; i < attempts && !gone; i++)
            {
                try { Directory.Delete(dir); gone = true; }
                catch (DirectoryNotFoundException) { gone = true; }
                catch (IOException) { if (attempts > 1) Thread.Sleep(2); }
                catch (UnauthorizedAccessException) { if (attempts > 1) Thread.Sleep(2); }
            }
            if (leaf && !joined.Contains(dir)) ok &= gone;
        }
        return ok;
    }

    /// <summary>Whether the group directory <paramref name="dir"/> lists a process in cgroup.procs.</summary>
    private static bool HoldsProcesses(string dir)
    {
        try { return File.ReadLines(Path.Combine(dir, "cgroup.procs")).Any(l => l.Length > 0); }
        catch (IOException) { return false; }
    }

    /// <inheritdoc/>
    public abstract CgroupStats ReadStats();

    /// <summary>A limit as cgroup v2 writes it: "max" for a negative value.</summary>
    protected static string Max(long v) => v < 0 ? "max" : v.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A hugepage size of linux.resources.hugepageLimits ("2MB", "1GB", "64KB") in kB; throws
    /// <see cref="CgroupException"/> when it is malformed or this kernel has no such size (/sys/kernel/mm/hugepages).
    /// </summary>
    public static long HugepageKb(string size, string field)
    {
        long kb = -1;
        if (size.Length > 2 && long.TryParse(size[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            kb = size[^2..] switch { "KB" => n, "MB" => n * 1024, "GB" => n * 1024 * 1024, _ => -1 };
        if (kb <= 0) throw new CgroupException($"{field}: invalid hugepage size '{size}' (expected a size like 2MB or 1GB)");
        if (!Directory.Exists($"/sys/kernel/mm/hugepages/hugepages-{kb}kB"))
            throw new CgroupException($"{field}: hugepage size '{size}' is not supported by this kernel");
        return kb;
    }

    /// <summary>The devices every container may use whatever its rules say (runc's default allow list).</summary>
    private static readonly string[] DefaultAllowedDevices =
    {
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm",
        "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
    };

    /// <summary>
    /// The device rules of a container in the order they apply (v1 writes them to devices.allow/deny in this order,
    /// v2 folds them into one <see cref="DeviceRuleSet"/>): linux.resources.devices in config order, then, as runc does,
    /// the devices every container gets and the nodes of linux.devices (rwm), which stay usable whatever the rules say.
    /// Each with the OCI field to name in an error. Throws <see cref="CgroupException"/> on a bad type or access.
    /// </summary>
    public static List<(bool Allow, string Rule, string Field)> DeviceRules(IReadOnlyList<SpecDeviceCgroup> rules, IReadOnlyList<SpecDevice>? devices)
    {
        var list = new List<(bool, string, string)>();
        for (int i = 0; i < rules.Count; i++) list.Add((rules[i].Allow, DeviceRule(rules[i], $"linux.resources.devices[{i}]"), "linux.resources.devices"));
        foreach (var rule in DefaultAllowedDevices) list.Add((true, rule, "linux.resources.devices"));
        // like runc: linux.devices nodes stay usable whatever the rules say, except that a node linux.resources.devices
        // names itself keeps the access given there (docker run --device /dev/x:/dev/x:r: runc 1.1 leaves "c M:N r",
        // and v1 would merge an added rwm into it)
        foreach (var d in devices ?? [])
            if (d.Type is "c" or "b" && !rules.Any(x => x.Allow && x.Type == d.Type && x.Major == d.Major && x.Minor == d.Minor))
                list.Add((true, $"{d.Type} {d.Major}:{d.Minor} rwm", "linux.devices"));
        return list;
    }

    /// <summary>
    /// A linux.resources.devices entry as a v1 devices.allow/deny rule "TYPE MAJOR:MINOR ACCESS" (type a when empty,
    /// "*" for a missing or negative number, access rwm when empty). Throws <see cref="CgroupException"/> on a bad type or access.
    /// </summary>
    public static string DeviceRule(SpecDeviceCgroup d, string field)
    {
        string type = string.IsNullOrEmpty(d.Type) ? "a" : d.Type!;
        if (type is not ("a" or "c" or "b")) throw new CgroupException($"{field}.type: invalid device type '{type}'");
        string access = string.IsNullOrEmpty(d.Access) ? "rwm" : d.Access!;
        if (access.Any(ch => ch is not ('r' or 'w' or 'm'))) throw new CgroupException($"{field}.access: invalid access '{access}'");
        string maj = d.Major is long ma && ma >= 0 ? ma.ToString(CultureInfo.InvariantCulture) : "*";
        string min = d.Minor is long mi && mi >= 0 ? mi.ToString(CultureInfo.InvariantCulture) : "*";
        return $"{type} {maj}:{min} {access}";
    }
}
