using System.Globalization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Cgroups;

/// <summary>
/// cgroup v1 (and hybrid) hosts: one directory per mounted hierarchy (Documentation/admin-guide/cgroup-v1). Limits go
/// to the controller's files the way runc's fs manager writes them; a hybrid host's "unified" directory takes
/// linux.resources.unified and the hugetlb limits v1 has no hierarchy for.
/// </summary>
internal sealed class CgroupV1Manager : CgroupManager
{
    public CgroupV1Manager(CgroupSet set) : base(set) { }

    /// <inheritdoc/>
    public override int Version => 1;

    /// <inheritdoc/>
    public override string? Dir(string controller)
    {
        foreach (var (k, v) in Set.Dirs)
            if (k.Split(',').Contains(controller)) return v;
        return null;
    }

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string S(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override void Apply(SpecResources? r, IReadOnlyList<SpecDevice>? devices = null)
    {
        if (r is null) return;
        if (r.Unified is { Count: > 0 })
        {
            string? u = Set.Dirs.GetValueOrDefault("unified");
            if (u is null) throw new CgroupException("linux.resources.unified: cgroup v2 is not available on this host");
            foreach (var (k, v) in r.Unified) CgroupFile.Write(u, k, v, $"linux.resources.unified[{k}]");
        }
        if (r.Devices is { Count: > 0 } && Dir("devices") is string dev)
            foreach (var (allow, rule, field) in DeviceRules(r.Devices, devices))
                CgroupFile.Write(dev, allow ? "devices.allow" : "devices.deny", rule, field);
        if (r.Memory is { } m && Dir("memory") is string mem) ApplyMemory(mem, m);
        if (r.Cpu is { } c)
        {
            if (Dir("cpu") is string cpu)
            {
                if (c.Shares is ulong sh) CgroupFile.Write(cpu, "cpu.shares", S(sh), "linux.resources.cpu.shares");
                if (c.Period is ulong per) CgroupFile.Write(cpu, "cpu.cfs_period_us", S(per), "linux.resources.cpu.period");
                if (c.Quota is long q) CgroupFile.Write(cpu, "cpu.cfs_quota_us", S(q), "linux.resources.cpu.quota");
                if (c.Burst is ulong b) CgroupFile.Write(cpu, "cpu.cfs_burst_us", S(b), "linux.resources.cpu.burst");
                if (c.RealtimePeriod is ulong rp) CgroupFile.Write(cpu, "cpu.rt_period_us", S(rp), "linux.resources.cpu.realtimePeriod");
                if (c.RealtimeRuntime is long rr) CgroupFile.Write(cpu, "cpu.rt_runtime_us", S(rr), "linux.resources.cpu.realtimeRuntime");
                if (c.Idle is long idle) CgroupFile.Write(cpu, "cpu.idle", S(idle), "linux.resources.cpu.idle");
            }
            if (Dir("cpuset") is string cs)
            {
                if (!string.IsNullOrEmpty(c.Cpus)) CgroupFile.Write(cs, "cpuset.cpus", c.Cpus!, "linux.resources.cpu.cpus");
                if (!string.IsNullOrEmpty(c.Mems)) CgroupFile.Write(cs, "cpuset.mems", c.Mems!, "linux.resources.cpu.mems");
            }
        }
        if (r.Pids is { } p && Dir("pids") is string pids)
            CgroupFile.Write(pids, "pids.max", p.Limit > 0 ? S(p.Limit) : "max", "linux.resources.pids.limit");
        if (r.BlockIO is { } bio && Dir("blkio") is string blk) ApplyBlockIO(blk, bio);
        foreach (var h in r.HugepageLimits ?? [])
        {
            HugepageKb(h.PageSize, "linux.resources.hugepageLimits.pageSize");
            if (Dir("hugetlb") is string ht && !ht.Equals(Set.Dirs.GetValueOrDefault("unified")))
                CgroupFile.Write(ht, $"hugetlb.{h.PageSize}.limit_in_bytes", S(h.Limit), "linux.resources.hugepageLimits");
            else if (Set.Dirs.GetValueOrDefault("unified") is string u && CgroupFile.Has(u, $"hugetlb.{h.PageSize}.max"))
                CgroupFile.Write(u, $"hugetlb.{h.PageSize}.max", S(h.Limit), "linux.resources.hugepageLimits");
            else throw new CgroupException("linux.resources.hugepageLimits: the hugetlb cgroup controller is not available");
        }
        if (r.Network is { } net)
        {
            if (net.ClassId is uint cid)
            {
                string d = Dir("net_cls") ?? throw new CgroupException("linux.resources.network.classID: the net_cls controller is not mounted");
                CgroupFile.Write(d, "net_cls.classid", cid.ToString(CultureInfo.InvariantCulture), "linux.resources.network.classID");
            }
            if (net.Priorities is { Count: > 0 })
            {
                string d = Dir("net_prio") ?? throw new CgroupException("linux.resources.network.priorities: the net_prio controller is not mounted");
                foreach (var pr in net.Priorities) CgroupFile.Write(d, "net_prio.ifpriomap", $"{pr.Name} {pr.Priority}", "linux.resources.network.priorities");
            }
        }
        if (r.Rdma is { Count: > 0 }) throw new CgroupException("linux.resources.rdma: the rdma controller is not supported");
    }

    private static void ApplyMemory(string mem, SpecMemory m)
    {
        if (m.Limit is long lim)
        {
            int e = CgroupFile.TryWrite(Path.Combine(mem, "memory.limit_in_bytes"), S(lim));
            // the kernel refuses a memory limit above the current memory+swap limit: raise that one first
            if (e == 22 /* EINVAL */ && m.Swap is long sw0 && CgroupFile.Has(mem, "memory.memsw.limit_in_bytes"))
            {
                CgroupFile.Write(mem, "memory.memsw.limit_in_bytes", S(sw0), "linux.resources.memory.swap");
                e = CgroupFile.TryWrite(Path.Combine(mem, "memory.limit_in_bytes"), S(lim));
            }
            if (e != 0)
                throw new CgroupException($"linux.resources.memory.limit: cannot write memory.limit_in_bytes: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e)}", e);
        }
        if (m.Swap is long sw && CgroupFile.Has(mem, "memory.memsw.limit_in_bytes"))
            CgroupFile.Write(mem, "memory.memsw.limit_in_bytes", S(sw), "linux.resources.memory.swap");
        if (m.Reservation is long res) CgroupFile.Write(mem, "memory.soft_limit_in_bytes", S(res), "linux.resources.memory.reservation");
        if (m.Kernel is long k && CgroupFile.Has(mem, "memory.kmem.limit_in_bytes")) CgroupFile.Write(mem, "memory.kmem.limit_in_bytes", S(k), "linux.resources.memory.kernel");
        if (m.KernelTcp is long kt) CgroupFile.Write(mem, "memory.kmem.tcp.limit_in_bytes", S(kt), "linux.resources.memory.kernelTCP");
        if (m.Swappiness is ulong swp && swp <= 100) CgroupFile.Write(mem, "memory.swappiness", S(swp), "linux.resources.memory.swappiness");
        if (m.DisableOomKiller == true) CgroupFile.Write(mem, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller");
    }

    private static void ApplyBlockIO(string blk, SpecBlockIO bio)
    {
        string weightFile = CgroupFile.Has(blk, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
        if (bio.Weight is ushort w) CgroupFile.Write(blk, weightFile, S(w), "linux.resources.blockIO.weight");
        if (bio.LeafWeight is ushort lw) CgroupFile.Write(blk, "blkio.leaf_weight", S(lw), "linux.resources.blockIO.leafWeight");
        foreach (var wd in bio.WeightDevice ?? [])
        {
            if (wd.Weight is ushort x) CgroupFile.Write(blk, CgroupFile.Has(blk, "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device", $"{wd.Major}:{wd.Minor} {x}", "linux.resources.blockIO.weightDevice");
            if (wd.LeafWeight is ushort y) CgroupFile.Write(blk, "blkio.leaf_weight_device", $"{wd.Major}:{wd.Minor} {y}", "linux.resources.blockIO.weightDevice");
        }
        void Throttle(List<SpecThrottleDevice>? l, string file, string field)
        {
            foreach (var t in l ?? []) CgroupFile.Write(blk, file, $"{t.Major}:{t.Minor} {t.Rate}", field);
        }
        Throttle(bio.ThrottleReadBpsDevice, "blkio.throttle.read_bps_device", "linux.resources.blockIO.throttleReadBpsDevice");
        Throttle(bio.ThrottleWriteBpsDevice, "blkio.throttle.write_bps_device", "linux.resources.blockIO.throttleWriteBpsDevice");
        Throttle(bio.ThrottleReadIopsDevice, "blkio.throttle.read_iops_device", "linux.resources.blockIO.throttleReadIOPSDevice");
        Throttle(bio.ThrottleWriteIopsDevice, "blkio.throttle.write_iops_device", "linux.resources.blockIO.throttleWriteIOPSDevice");
    }

    /// <inheritdoc/>
    public override bool Freeze(bool freeze)
    {
        string f = Dir("freezer") ?? throw new CgroupException("the freezer cgroup controller is not mounted");
        for (int i = 0; i < 1000; i++)
        {
            CgroupFile.Write(f, "freezer.state", freeze ? "FROZEN" : "THAWED", "freeze");
            string s = File.ReadAllText(Path.Combine(f, "freezer.state")).Trim();
            if (s == (freeze ? "FROZEN" : "THAWED")) return true;
            Thread.Sleep(2);
        }
        return false;
    }

    /// <inheritdoc/>
    public override bool IsFrozen()
    {
        try
        {
            string? f = Dir("freezer");
            return f is not null && File.ReadAllText(Path.Combine(f, "freezer.state")).Trim() == "FROZEN";
        }
        catch (IOException) { return false; }
    }

    /// <inheritdoc/>
    public override CgroupStats ReadStats()
    {
        string? memDir = Dir("memory");
        long cpu = Dir("cpuacct") is string ca ? CgroupFile.ReadLong(Path.Combine(ca, "cpuacct.usage")) : 0;
        long mem = 0, lim = -1;
        if (memDir is not null)
        {
            // docker subtracts the page cache's inactive files
            mem = CgroupFile.ReadLong(Path.Combine(memDir, "memory.usage_in_bytes")) - (CgroupFile.ReadKeyed(Path.Combine(memDir, "memory.stat"), "total_inactive_file") ?? 0);
            lim = CgroupFile.ReadLong(Path.Combine(memDir, "memory.limit_in_bytes"), -1);
            if (lim >= 0x7FFFFFFFFFFFF000) lim = -1; // "unlimited" is the page-rounded maximum
        }
        long pids = Dir("pids") is string pd ? CgroupFile.ReadLong(Path.Combine(pd, "pids.current")) : 0;
        long rd = 0, wr = 0;
        if (Dir("blkio") is string bd)
        {
            foreach (var f in new[] { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes" })
            {
                string p = Path.Combine(bd, f);
                if (!File.Exists(p)) continue;
                try
                {
                    foreach (var line in File.ReadLines(p))
                    {
                        var x = line.Split(' ');
                        if (x.Length != 3 || !long.TryParse(x[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)) continue;
                        if (x[1] == "Read") rd += n;
                        else if (x[1] == "Write") wr += n;
                    }
                }
                catch (IOException) { }
                break;
            }
        }
        return new CgroupStats(cpu, Math.Max(0, mem), lim, pids, rd, wr, 1);
    }
}
