using System.Globalization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>The cgroup directories of one container (persisted in its state).</summary>
internal sealed class CgroupSet
{
    public bool V2 { get; set; }
    /// <summary>hierarchy key (controllers, e.g. "cpu,cpuacct", "memory", "name=systemd", "unified" or "" for v2) -> directory.</summary>
    public Dictionary<string, string> Dirs { get; set; } = new();
    /// <summary>Directories this runtime created (parents first); removed deepest first on delete.</summary>
    public List<string> Created { get; set; } = new();
}

/// <summary>cgroup v1 (and hybrid) and v2 support: create, limit, join, freeze, list, remove.</summary>
internal static class Cgroups
{
    private const long CGROUP2_SUPER_MAGIC = 0x63677270;

    public static bool IsV2 => Native.StatfsType("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC;

    /// <summary>Mounted hierarchies: key -> mount point. v1 keys are the super options' controllers; hybrid adds "unified".</summary>
    public static Dictionary<string, string> Hierarchies()
    {
        var result = new Dictionary<string, string>();
        if (IsV2) { result[""] = "/sys/fs/cgroup"; return result; }
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            if (sep < 0) continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (right.Length < 3) continue;
            string mp = Unescape(left[4]);
            if (right[0] == "cgroup")
            {
                var opts = right[2].Split(',').Where(o => o is not ("rw" or "ro") && !o.StartsWith("release_agent", StringComparison.Ordinal)
                    && o is not ("clone_children" or "noprefix" or "xattr" or "nsdelegate" or "cpuset_v2_mode" or "favordynmods")).ToList();
                string key = string.Join(',', opts);
                if (key.Length > 0 && !result.ContainsKey(key)) result[key] = mp;
            }
            else if (right[0] == "cgroup2" && mp.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal) && !result.ContainsKey("unified"))
                result["unified"] = mp;
        }
        return result;
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
        if (p.Contains("..")) throw new RuntimeError($"linux.cgroupsPath: '{p}' must not contain '..'");
        if (p.Contains(':') && !p.StartsWith('/'))
            throw new RuntimeError($"linux.cgroupsPath: '{p}' looks like a systemd slice path; only cgroupfs paths are supported");
        if (p.StartsWith('/')) return p;
        return own.TrimEnd('/') + "/" + p;
    }

    /// <summary>Create the directories (nothing is written yet). On failure, what was made is removed.</summary>
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
                foreach (var comp in sub.Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    string parent = cur;
                    cur = cur + "/" + comp;
                    if (Directory.Exists(cur)) continue;
                    try { Directory.CreateDirectory(cur); }
                    catch (Exception e) { throw new RuntimeError($"cannot create cgroup '{cur}': {e.Message}"); }
                    set.Created.Add(cur);
                    if (key.Split(',').Contains("cpuset")) InheritCpuset(parent, cur);
                    if (set.V2) EnableControllers(parent);
                }
                set.Dirs[key] = dir;
            }
        }
        catch
        {
            Remove(set);
            throw;
        }
        return set;
    }

    private static string FindOwn(Dictionary<string, string> own, string key)
    {
        foreach (var (k, v) in own) if (k.Split(',').Intersect(key.Split(',')).Any()) return v;
        return "/";
    }

    private static void InheritCpuset(string parent, string dir)
    {
        foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, f)).Trim().Length == 0)
                    Native.WriteFile(Path.Combine(dir, f), File.ReadAllText(Path.Combine(parent, f)).Trim());
            }
            catch (IOException) { }
        }
    }

    private static void EnableControllers(string parent)
    {
        try
        {
            foreach (var c in File.ReadAllText(Path.Combine(parent, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Native.WriteFile(Path.Combine(parent, "cgroup.subtree_control"), "+" + c);
        }
        catch (IOException) { }
    }

    private static string? Dir(CgroupSet set, string controller)
    {
        foreach (var (k, v) in set.Dirs)
            if (k.Split(',').Contains(controller)) return v;
        if (set.V2 && set.Dirs.TryGetValue("", out var d)) return d;
        return null;
    }

    private static void Write(string dir, string file, string value, string field)
    {
        int e = Native.WriteFile(Path.Combine(dir, file), value);
        if (e != 0) throw new RuntimeError($"{field}: cannot write '{value}' to {file}: {Native.Strerror(e)}", e);
    }

    private static bool Has(string dir, string file) => File.Exists(Path.Combine(dir, file));

    /// <summary>Parse a hugepage size ("2MB", "1GB", "64KB") to kB and check the kernel supports it.</summary>
    public static long HugepageKb(string size, string field)
    {
        long kb = -1;
        if (size.Length > 2 && long.TryParse(size[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            kb = size[^2..] switch { "KB" => n, "MB" => n * 1024, "GB" => n * 1024 * 1024, _ => -1 };
        }
        if (kb <= 0) throw new RuntimeError($"{field}: invalid hugepage size '{size}' (expected a size like 2MB or 1GB)");
        if (!Directory.Exists($"/sys/kernel/mm/hugepages/hugepages-{kb}kB"))
            throw new RuntimeError($"{field}: hugepage size '{size}' is not supported by this kernel");
        return kb;
    }

    /// <summary>Apply linux.resources, in config order for devices.</summary>
    public static void Apply(CgroupSet set, SpecResources? r, List<SpecDevice>? devices = null)
    {
        if (r is null) return;
        if (set.V2) { ApplyV2(set, r); return; }
        if (r.Unified is { Count: > 0 })
        {
            string? u = set.Dirs.GetValueOrDefault("unified");
            if (u is null) throw new RuntimeError("linux.resources.unified: cgroup v2 is not available on this host");
            foreach (var (k, v) in r.Unified) Write(u, k, v, $"linux.resources.unified[{k}]");
        }
        if (r.Devices is { Count: > 0 } && Dir(set, "devices") is string dev)
        {
            int i = 0;
            foreach (var d in r.Devices)
            {
                string rule = DeviceRule(d, $"linux.resources.devices[{i++}]");
                Write(dev, d.Allow ? "devices.allow" : "devices.deny", rule, "linux.resources.devices");
            }
            // like runc: the devices every container gets, and linux.devices, stay usable whatever the rules say
            foreach (var rule in DefaultAllowedDevices) Write(dev, "devices.allow", rule, "linux.resources.devices");
            foreach (var d in devices ?? new())
                if (d.Type is "c" or "b") Write(dev, "devices.allow", $"{d.Type} {d.Major}:{d.Minor} rwm", "linux.devices");
        }
        if (r.Memory is { } m && Dir(set, "memory") is string mem)
        {
            if (m.Limit is long lim)
            {
                int e = Native.WriteFile(Path.Combine(mem, "memory.limit_in_bytes"), lim.ToString(CultureInfo.InvariantCulture));
                if (e == Native.EINVAL && m.Swap is long sw0 && Has(mem, "memory.memsw.limit_in_bytes"))
                {
                    Write(mem, "memory.memsw.limit_in_bytes", sw0.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.swap");
                    e = Native.WriteFile(Path.Combine(mem, "memory.limit_in_bytes"), lim.ToString(CultureInfo.InvariantCulture));
                }
                if (e != 0) throw new RuntimeError($"linux.resources.memory.limit: cannot write memory.limit_in_bytes: {Native.Strerror(e)}", e);
            }
            if (m.Swap is long sw && Has(mem, "memory.memsw.limit_in_bytes"))
                Write(mem, "memory.memsw.limit_in_bytes", sw.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.swap");
            if (m.Reservation is long res) Write(mem, "memory.soft_limit_in_bytes", res.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.reservation");
            if (m.Kernel is long k && Has(mem, "memory.kmem.limit_in_bytes")) Write(mem, "memory.kmem.limit_in_bytes", k.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.kernel");
            if (m.KernelTcp is long kt) Write(mem, "memory.kmem.tcp.limit_in_bytes", kt.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.kernelTCP");
            if (m.Swappiness is ulong swp && swp <= 100) Write(mem, "memory.swappiness", swp.ToString(CultureInfo.InvariantCulture), "linux.resources.memory.swappiness");
            if (m.DisableOomKiller == true) Write(mem, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller");
        }
        if (r.Cpu is { } c)
        {
            if (Dir(set, "cpu") is string cpu)
            {
                if (c.Shares is ulong sh) Write(cpu, "cpu.shares", sh.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.shares");
                if (c.Period is ulong per) Write(cpu, "cpu.cfs_period_us", per.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.period");
                if (c.Quota is long q) Write(cpu, "cpu.cfs_quota_us", q.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.quota");
                if (c.Burst is ulong b) Write(cpu, "cpu.cfs_burst_us", b.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.burst");
                if (c.RealtimePeriod is ulong rp) Write(cpu, "cpu.rt_period_us", rp.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.realtimePeriod");
                if (c.RealtimeRuntime is long rr) Write(cpu, "cpu.rt_runtime_us", rr.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.realtimeRuntime");
                if (c.Idle is long idle) Write(cpu, "cpu.idle", idle.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.idle");
            }
            if (Dir(set, "cpuset") is string cs)
            {
                if (!string.IsNullOrEmpty(c.Cpus)) Write(cs, "cpuset.cpus", c.Cpus!, "linux.resources.cpu.cpus");
                if (!string.IsNullOrEmpty(c.Mems)) Write(cs, "cpuset.mems", c.Mems!, "linux.resources.cpu.mems");
            }
        }
        if (r.Pids is { } p && Dir(set, "pids") is string pids)
            Write(pids, "pids.max", p.Limit > 0 ? p.Limit.ToString(CultureInfo.InvariantCulture) : "max", "linux.resources.pids.limit");
        if (r.BlockIO is { } bio && Dir(set, "blkio") is string blk)
        {
            string weightFile = Has(blk, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
            if (bio.Weight is ushort w) Write(blk, weightFile, w.ToString(CultureInfo.InvariantCulture), "linux.resources.blockIO.weight");
            if (bio.LeafWeight is ushort lw) Write(blk, "blkio.leaf_weight", lw.ToString(CultureInfo.InvariantCulture), "linux.resources.blockIO.leafWeight");
            foreach (var wd in bio.WeightDevice ?? new())
            {
                if (wd.Weight is ushort x) Write(blk, Has(blk, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device", $"{wd.Major}:{wd.Minor} {x}", "linux.resources.blockIO.weightDevice");
                if (wd.LeafWeight is ushort y) Write(blk, "blkio.leaf_weight_device", $"{wd.Major}:{wd.Minor} {y}", "linux.resources.blockIO.weightDevice");
            }
            void Throttle(List<SpecThrottleDevice>? l, string file, string field)
            {
                foreach (var t in l ?? new()) Write(blk, file, $"{t.Major}:{t.Minor} {t.Rate}", field);
            }
            Throttle(bio.ThrottleReadBpsDevice, "blkio.throttle.read_bps_device", "linux.resources.blockIO.throttleReadBpsDevice");
            Throttle(bio.ThrottleWriteBpsDevice, "blkio.throttle.write_bps_device", "linux.resources.blockIO.throttleWriteBpsDevice");
            Throttle(bio.ThrottleReadIopsDevice, "blkio.throttle.read_iops_device", "linux.resources.blockIO.throttleReadIOPSDevice");
            Throttle(bio.ThrottleWriteIopsDevice, "blkio.throttle.write_iops_device", "linux.resources.blockIO.throttleWriteIOPSDevice");
        }
        foreach (var h in r.HugepageLimits ?? new())
        {
            HugepageKb(h.PageSize, "linux.resources.hugepageLimits.pageSize");
            if (Dir(set, "hugetlb") is string ht && !ht.Equals(set.Dirs.GetValueOrDefault("unified")))
                Write(ht, $"hugetlb.{h.PageSize}.limit_in_bytes", h.Limit.ToString(CultureInfo.InvariantCulture), "linux.resources.hugepageLimits");
            else if (set.Dirs.GetValueOrDefault("unified") is string u && Has(u, $"hugetlb.{h.PageSize}.max"))
                Write(u, $"hugetlb.{h.PageSize}.max", h.Limit.ToString(CultureInfo.InvariantCulture), "linux.resources.hugepageLimits");
            else throw new RuntimeError("linux.resources.hugepageLimits: the hugetlb cgroup controller is not available");
        }
        if (r.Network is { } net)
        {
            if (net.ClassId is uint cid)
            {
                string d = Dir(set, "net_cls") ?? throw new RuntimeError("linux.resources.network.classID: the net_cls controller is not mounted");
                Write(d, "net_cls.classid", cid.ToString(CultureInfo.InvariantCulture), "linux.resources.network.classID");
            }
            if (net.Priorities is { Count: > 0 })
            {
                string d = Dir(set, "net_prio") ?? throw new RuntimeError("linux.resources.network.priorities: the net_prio controller is not mounted");
                foreach (var pr in net.Priorities) Write(d, "net_prio.ifpriomap", $"{pr.Name} {pr.Priority}", "linux.resources.network.priorities");
            }
        }
        if (r.Rdma is { Count: > 0 }) throw new RuntimeError("linux.resources.rdma: the rdma controller is not supported");
    }

    private static readonly string[] DefaultAllowedDevices =
    {
        "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm",
        "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
    };

    public static string DeviceRule(SpecDeviceCgroup d, string field)
    {
        string type = string.IsNullOrEmpty(d.Type) ? "a" : d.Type!;
        if (type is not ("a" or "c" or "b")) throw new RuntimeError($"{field}.type: invalid device type '{type}'");
        string access = string.IsNullOrEmpty(d.Access) ? "rwm" : d.Access!;
        if (access.Any(ch => ch is not ('r' or 'w' or 'm'))) throw new RuntimeError($"{field}.access: invalid access '{access}'");
        string maj = d.Major is long ma && ma >= 0 ? ma.ToString(CultureInfo.InvariantCulture) : "*";
        string min = d.Minor is long mi && mi >= 0 ? mi.ToString(CultureInfo.InvariantCulture) : "*";
        return $"{type} {maj}:{min} {access}";
    }

    private static void ApplyV2(CgroupSet set, SpecResources r)
    {
        string d = set.Dirs[""];
        static string Max(long v) => v < 0 ? "max" : v.ToString(CultureInfo.InvariantCulture);
        if (r.Memory is { } m)
        {
            if (m.Limit is long lim) Write(d, "memory.max", Max(lim), "linux.resources.memory.limit");
            if (m.Swap is long sw) Write(d, "memory.swap.max", sw < 0 ? "max" : Max(Math.Max(0, sw - (m.Limit ?? 0))), "linux.resources.memory.swap");
            if (m.Reservation is long res) Write(d, "memory.low", Max(res), "linux.resources.memory.reservation");
            if (m.DisableOomKiller == true) throw new RuntimeError("linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is ulong sh && sh > 0) Write(d, "cpu.weight", (1 + ((Math.Clamp(sh, 2, 262144) - 2) * 9999) / 262142).ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.shares");
            if (c.Quota is not null || c.Period is not null)
                Write(d, "cpu.max", $"{(c.Quota is long q && q > 0 ? q.ToString(CultureInfo.InvariantCulture) : "max")} {c.Period ?? 100000}", "linux.resources.cpu.quota");
            if (c.Idle is long idle) Write(d, "cpu.idle", idle.ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.idle");
            if (!string.IsNullOrEmpty(c.Cpus)) Write(d, "cpuset.cpus", c.Cpus!, "linux.resources.cpu.cpus");
            if (!string.IsNullOrEmpty(c.Mems)) Write(d, "cpuset.mems", c.Mems!, "linux.resources.cpu.mems");
        }
        if (r.Pids is { } p) Write(d, "pids.max", p.Limit > 0 ? p.Limit.ToString(CultureInfo.InvariantCulture) : "max", "linux.resources.pids.limit");
        if (r.BlockIO is { } bio)
        {
            if (bio.Weight is ushort w) Write(d, "io.weight", (1 + (Math.Clamp((int)w, 10, 1000) - 10) * 9999 / 990).ToString(CultureInfo.InvariantCulture), "linux.resources.blockIO.weight");
            void T(List<SpecThrottleDevice>? l, string key, string field) { foreach (var t in l ?? new()) Write(d, "io.max", $"{t.Major}:{t.Minor} {key}={t.Rate}", field); }
            T(bio.ThrottleReadBpsDevice, "rbps", "linux.resources.blockIO.throttleReadBpsDevice");
            T(bio.ThrottleWriteBpsDevice, "wbps", "linux.resources.blockIO.throttleWriteBpsDevice");
            T(bio.ThrottleReadIopsDevice, "riops", "linux.resources.blockIO.throttleReadIOPSDevice");
            T(bio.ThrottleWriteIopsDevice, "wiops", "linux.resources.blockIO.throttleWriteIOPSDevice");
        }
        foreach (var h in r.HugepageLimits ?? new())
        {
            HugepageKb(h.PageSize, "linux.resources.hugepageLimits.pageSize");
            Write(d, $"hugetlb.{h.PageSize}.max", h.Limit.ToString(CultureInfo.InvariantCulture), "linux.resources.hugepageLimits");
        }
        foreach (var (k, v) in r.Unified ?? new()) Write(d, k, v, $"linux.resources.unified[{k}]");
        // device rules on v2 need an eBPF program (BPF_CGROUP_DEVICE); not implemented: see docs
        if (r.Network is { ClassId: not null } || r.Network?.Priorities is { Count: > 0 })
            throw new RuntimeError("linux.resources.network: net_cls/net_prio do not exist on cgroup v2");
    }

    /// <summary>
    /// The files a single-threaded process writes "0" into to join the set itself: v1 "tasks" (no global lock),
    /// "cgroup.procs" on v2 and the hybrid unified hierarchy.
    /// </summary>
    public static string JoinFiles(CgroupSet set) =>
        string.Join('\n', set.Dirs.Select(kv => Path.Combine(kv.Value, set.V2 || kv.Key == "unified" ? "cgroup.procs" : "tasks")));

    /// <summary>Move a process into every directory of the set.</summary>
    public static void Join(CgroupSet set, int pid)
    {
        foreach (var (key, dir) in set.Dirs)
        {
            int e = Native.WriteFile(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            if (e != 0) throw new RuntimeError($"cannot join cgroup '{dir}': {Native.Strerror(e)}", e);
        }
    }

    /// <summary>Pids in the container's cgroup (empty when none or unknown).</summary>
    public static List<int> Pids(CgroupSet set)
    {
        string? d = Dir(set, "pids") ?? Dir(set, "freezer") ?? Dir(set, "memory") ?? set.Dirs.Values.FirstOrDefault();
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

    public static bool Freeze(CgroupSet set, bool freeze)
    {
        if (set.V2)
        {
            string d = set.Dirs[""];
            Write(d, "cgroup.freeze", freeze ? "1" : "0", "freeze");
            for (int i = 0; i < 1000; i++)
            {
                if (File.ReadAllText(Path.Combine(d, "cgroup.events")).Contains(freeze ? "frozen 1" : "frozen 0")) return true;
                Thread.Sleep(2);
            }
            return false;
        }
        string f = Dir(set, "freezer") ?? throw new RuntimeError("the freezer cgroup controller is not mounted");
        for (int i = 0; i < 1000; i++)
        {
            Write(f, "freezer.state", freeze ? "FROZEN" : "THAWED", "freeze");
            string s = File.ReadAllText(Path.Combine(f, "freezer.state")).Trim();
            if (s == (freeze ? "FROZEN" : "THAWED")) return true;
            Thread.Sleep(2);
        }
        return false;
    }

    public static bool IsFrozen(CgroupSet set)
    {
        try
        {
            if (set.V2) return set.Dirs.TryGetValue("", out var d) && File.ReadAllText(Path.Combine(d, "cgroup.events")).Contains("frozen 1");
            string? f = Dir(set, "freezer");
            return f is not null && File.ReadAllText(Path.Combine(f, "freezer.state")).Trim() == "FROZEN";
        }
        catch (IOException) { return false; }
    }

    /// <summary>Remove the directories this runtime created, deepest first; retries while the kernel still drains them.</summary>
    public static bool Remove(CgroupSet set)
    {
        bool ok = true;
        foreach (var dir in set.Created.OrderByDescending(d => d.Length))
        {
            bool gone = false;
            // a shared parent we created may hold other containers now: one attempt, no wait
            bool leaf = set.Dirs.ContainsValue(dir);
            for (int i = 0; i < (leaf ? 200 : 1) && !gone; i++)
            {
                try { Directory.Delete(dir); gone = true; }
                catch (DirectoryNotFoundException) { gone = true; }
                catch (IOException) { if (leaf) Thread.Sleep(2); }
                catch (UnauthorizedAccessException) { if (leaf) Thread.Sleep(2); }
            }
            if (leaf) ok &= gone;
        }
        return ok;
    }
}
