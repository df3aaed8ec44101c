using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Cgroups;

/// <summary>
/// The host's cgroup mounts and making a container's directories in them (pscrun create). Only cgroupfs paths are
/// supported (no systemd driver): linux.cgroupsPath is relative to pscrun's own group, or absolute from each
/// hierarchy's root, as runc's cgroupfs driver treats it (config-linux.md "Cgroups path").
/// </summary>
internal static unsafe class CgroupHierarchy
{
    /// <summary>Where the cgroup file systems are mounted.</summary>
    public const string DefaultRoot = "/sys/fs/cgroup";

    private const long CGROUP2_SUPER_MAGIC = 0x63677270;

    /// <summary>True when /sys/fs/cgroup is a cgroup2 mount (statfs(2) f_type), i.e. a unified host.</summary>
    public static bool IsV2
    {
        get
        {
            byte* buf = stackalloc byte[128]; // struct statfs (120 bytes on x86_64): f_type first
            fixed (byte* p = "/sys/fs/cgroup\0"u8) return Libc.statfs(p, buf) == 0 && *(long*)buf == CGROUP2_SUPER_MAGIC;
        }
    }

    /// <summary>
    /// Mounted hierarchies, key -> mount point, from /proc/self/mountinfo. v1 keys are the mount's controller options
    /// ("cpu,cpuacct", "name=systemd"); a hybrid host adds "unified"; a v2 host has the one key "".
    /// </summary>
    public static Dictionary<string, string> Hierarchies()
    {
        if (IsV2) return new Dictionary<string, string> { [""] = DefaultRoot };
        return Hierarchies(File.ReadAllText("/proc/self/mountinfo"));
    }

    /// <summary>
    /// The hierarchies named by the text of a mountinfo file (proc(5) /proc/PID/mountinfo) for a host that is not
    /// unified: each v1 <c>cgroup</c> mount by its controller options (the first mount of a set wins), and a
    /// <c>cgroup2</c> mount under /sys/fs/cgroup as "unified" (a hybrid host).
    /// </summary>
    public static Dictionary<string, string> Hierarchies(string mountinfo)
    {
        var result = new Dictionary<string, string>();
        foreach (var (fsType, mp, options) in CgroupMounts(mountinfo))
        {
            if (fsType == "cgroup")
            {
                var opts = options.Split(',').Where(o => o is not ("rw" or "ro") && !o.StartsWith("release_agent", StringComparison.Ordinal)
                    && o is not ("clone_children" or "noprefix" or "xattr" or "nsdelegate" or "cpuset_v2_mode" or "favordynmods")).ToList();
                string key = string.Join(',', opts);
                if (key.Length > 0 && !result.ContainsKey(key)) result[key] = mp;
            }
            else if (mp.StartsWith(DefaultRoot, StringComparison.Ordinal) && !result.ContainsKey("unified"))
                result["unified"] = mp;
        }
        return result;
    }

    /// <summary>
    /// How the host's cgroups are mounted, read from the text of a mountinfo file (proc(5)), the way systemd tells
    /// them apart (src/basic/cgroup-util.c cg_all_unified/cg_hybrid_unified): a <c>cgroup2</c> file system on
    /// /sys/fs/cgroup itself (the last mount there wins) is <see cref="CgroupMode.Unified"/>; v1 <c>cgroup</c> mounts
    /// under it with a <c>cgroup2</c> mount beside them (/sys/fs/cgroup/unified) are <see cref="CgroupMode.Hybrid"/>,
    /// without one <see cref="CgroupMode.Legacy"/>; no cgroup mount at all is <see cref="CgroupMode.None"/>.
    /// Decided by what is mounted, never by the distribution.
    /// </summary>
    public static CgroupMode ModeOf(string mountinfo)
    {
        string? atRoot = null;
        bool v1 = false, v2Beside = false;
        foreach (var (fsType, mp, _) in Mounts(mountinfo))
        {
            if (mp == DefaultRoot) atRoot = fsType;
            if (fsType == "cgroup" && mp.StartsWith(DefaultRoot + "/", StringComparison.Ordinal)) v1 = true;
            if (fsType == "cgroup2" && mp.StartsWith(DefaultRoot + "/", StringComparison.Ordinal)) v2Beside = true;
        }
        if (atRoot == "cgroup2") return CgroupMode.Unified;
        if (v1) return v2Beside ? CgroupMode.Hybrid : CgroupMode.Legacy;
        return CgroupMode.None;
    }

    /// <summary>This host's <see cref="ModeOf"/> from /proc/self/mountinfo (<see cref="CgroupMode.None"/> when it cannot be read).</summary>
    public static CgroupMode Mode()
    {
        try { return ModeOf(File.ReadAllText("/proc/self/mountinfo")); }
        catch (IOException) { return CgroupMode.None; }
    }

    /// <summary>The cgroup and cgroup2 mounts of a mountinfo text, in its order.</summary>
    private static IEnumerable<(string FsType, string MountPoint, string SuperOptions)> CgroupMounts(string mountinfo) =>
        Mounts(mountinfo).Where(m => m.FsType is "cgroup" or "cgroup2");

    /// <summary>Every mount of a mountinfo text: file system type, mount point (unescaped) and super options.</summary>
    private static IEnumerable<(string FsType, string MountPoint, string SuperOptions)> Mounts(string mountinfo)
    {
        foreach (var line in mountinfo.Split('\n'))
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (right.Length < 3 || left.Length < 5) continue;
            yield return (right[0], Unescape(left[4]), right[2]);
        }
    }

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    /// <summary>This process's cgroup path per hierarchy key.</summary>
    private static Dictionary<string, string> OwnPaths()
    {
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadLines("/proc/self/cgroup"))
        {
            var p = line.Split(':', 3);
            if (p.Length < 3) continue;
            if (p[1].Length == 0) { d[""] = p[2]; d["unified"] = p[2]; }
            else d[p[1]] = p[2];
        }
        return d;
    }

    private static string Subpath(string? cgroupsPath, string id, string own)
    {
        string p = string.IsNullOrEmpty(cgroupsPath) ? id : cgroupsPath!;
        if (p.Contains("..")) throw new CgroupException($"linux.cgroupsPath: '{p}' must not contain '..'");
        if (p.Contains(':') && !p.StartsWith('/'))
            throw new CgroupException($"linux.cgroupsPath: '{p}' looks like a systemd slice path; only cgroupfs paths are supported");
        if (p.StartsWith('/')) return p;
        return own.TrimEnd('/') + "/" + p;
    }

    /// <summary>
    /// Create a container's directories (nothing is written into them yet) in every hierarchy: linux.cgroupsPath, or
    /// the container id under pscrun's own group. A group that exists already (a pod's, a systemd unit's, one made by
    /// hand) is joined as runc does, even when it holds processes (runc 1.1 warns, see
    /// <see cref="ICgroupManager.Pids"/>); it is not in <see cref="CgroupSet.Created"/>. A joined group that is frozen
    /// is refused ("container's cgroup unexpectedly frozen", runc's libcontainer.Create), since the container could
    /// never start in it. On v2 every ancestor of the group gets its parent's controllers in cgroup.subtree_control,
    /// existing ones included (runc's fs2 CreateCgroupPath), so a joined group's limits can be written. On failure
    /// what was made is removed and <see cref="CgroupException"/> is thrown.
    /// </summary>
    public static CgroupSet Create(string? cgroupsPath, string id, SpecResources? resources = null)
    {
        var set = new CgroupSet { V2 = IsV2 };
        var own = OwnPaths();
        var hierarchies = Hierarchies();
        // Hybrid hosts: the v2 hierarchy next to v1 holds no controller we use, unless the config asks for its files
        // or for hugetlb that has no v1 hierarchy. Joining it costs an RCU grace period (a v2 cgroup.procs write takes
        // the global threadgroup lock), i.e. 10-20 ms per container on a busy host, so it is joined only when needed.
        bool needUnified = resources?.Unified is { Count: > 0 } ||
            (resources?.HugepageLimits is { Count: > 0 } && !hierarchies.Keys.Any(k => k.Split(',').Contains("hugetlb")));
        try
        {
            foreach (var (key, mp) in hierarchies)
            {
                if (key == "unified" && !needUnified) continue;
                string ownPath = own.TryGetValue(key, out var op) ? op : FindOwn(own, key);
                string sub = Subpath(cgroupsPath, id, ownPath);
                string dir = mp + sub;
                // create each missing component so it can be removed again
                string cur = mp;
                bool existed = true;
                foreach (var comp in sub.Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    string parent = cur;
                    cur = cur + "/" + comp;
                    if (set.V2) EnableControllers(parent);
                    existed = Directory.Exists(cur);
                    if (existed) continue;
                    try { Directory.CreateDirectory(cur); }
                    catch (Exception e) { throw new CgroupException($"cannot create cgroup '{cur}': {e.Message}"); }
                    set.Created.Add(cur);
                    if (key.Split(',').Contains("cpuset")) InheritCpuset(parent, cur);
                }
                if (existed && CgroupManager.For(new CgroupSet { V2 = set.V2, Dirs = { [key] = dir } }).IsFrozen())
                    throw new CgroupException($"container's cgroup unexpectedly frozen: '{dir}'");
                set.Dirs[key] = dir;
            }
        }
        catch
        {
            // undo only what this call made: groups that existed are left as they were
            var made = new CgroupSet { V2 = set.V2, Created = set.Created };
            foreach (var (k, d) in set.Dirs) if (set.Created.Contains(d)) made.Dirs[k] = d;
            CgroupManager.For(made).Remove();
            throw;
        }
        return set;
    }

    private static string FindOwn(Dictionary<string, string> own, string key)
    {
        foreach (var (k, v) in own) if (k.Split(',').Intersect(key.Split(',')).Any()) return v;
        return "/";
    }

    /// <summary>A new v1 cpuset group starts with empty cpus/mems (no task may join it): copy the parent's.</summary>
    private static void InheritCpuset(string parent, string dir)
    {
        foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, f)).Trim().Length == 0)
                    CgroupFile.TryWrite(Path.Combine(dir, f), File.ReadAllText(Path.Combine(parent, f)).Trim());
            }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// v2: enable every controller of <paramref name="parent"/> for its children (cgroup.subtree_control), one by one,
    /// those not enabled yet only. A refusal (a parent that holds processes itself, a controller its own parent does
    /// not delegate) is left for the limit that needs the controller to report, as runc does.
    /// </summary>
    private static void EnableControllers(string parent)
    {
        try
        {
            var on = File.ReadAllText(Path.Combine(parent, "cgroup.subtree_control")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var c in File.ReadAllText(Path.Combine(parent, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!on.Contains(c)) CgroupFile.TryWrite(Path.Combine(parent, "cgroup.subtree_control"), "+" + c);
        }
        catch (IOException) { }
    }
}
