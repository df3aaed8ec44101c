using System.Globalization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Cgroups;

/// <summary>
/// cgroup v2 (unified) hosts: one directory, key "" (Documentation/admin-guide/cgroup-v2.rst). linux.resources map to
/// the v2 files the way runc's fs2 manager converts them (config-linux.md; runc libcontainer/cgroups/fs2): shares to
/// cpu.weight, quota/period to cpu.max, blkio weight to io.weight, throttles to io.max, swap to memory.swap.max as
/// swap minus the memory limit. Device rules are not applied (v2 needs a BPF_CGROUP_DEVICE program);
/// net_cls/net_prio do not exist on v2 and are refused.
/// </summary>
internal sealed class CgroupV2Manager : CgroupManager
{
    public CgroupV2Manager(CgroupSet set) : base(set) { }

    /// <inheritdoc/>
    public override int Version => 2;

    private string Group => Set.Dirs[""];

    /// <inheritdoc/>
    public override string? Dir(string controller) => Set.Dirs.GetValueOrDefault("");

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string S(ulong v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>cpu.shares (2..262144) to cpu.weight (1..10000), runc's ConvertCPUSharesToCgroupV2Value.</summary>
    public static ulong CpuWeight(ulong shares) => 1 + ((Math.Clamp(shares, 2, 262144) - 2) * 9999) / 262142;

    /// <summary>blkio.weight (10..1000) to io.weight (1..10000), runc's ConvertBlkIOToIOWeightValue.</summary>
    public static int IoWeight(int weight) => 1 + (Math.Clamp(weight, 10, 1000) - 10) * 9999 / 990;

    /// <inheritdoc/>
    public override void Apply(SpecResources? r, IReadOnlyList<SpecDevice>? devices = null)
    {
        if (r is null) return;
        string d = Group;
        if (r.Memory is { } m)
        {
            if (m.Limit is long lim) CgroupFile.Write(d, "memory.max", Max(lim), "linux.resources.memory.limit");
            if (m.Swap is long sw) CgroupFile.Write(d, "memory.swap.max", sw < 0 ? "max" : Max(Math.Max(0, sw - (m.Limit ?? 0))), "linux.resources.memory.swap");
            if (m.Reservation is long res) CgroupFile.Write(d, "memory.low", Max(res), "linux.resources.memory.reservation");
            if (m.DisableOomKiller == true) throw new CgroupException("linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is ulong sh && sh > 0) CgroupFile.Write(d, "cpu.weight", CpuWeight(sh).ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.shares");
            if (c.Quota is not null || c.Period is not null)
                CgroupFile.Write(d, "cpu.max", $"{(c.Quota is long q && q > 0 ? S(q) : "max")} {c.Period ?? 100000}", "linux.resources.cpu.quota");
            if (c.Idle is long idle) CgroupFile.Write(d, "cpu.idle", S(idle), "linux.resources.cpu.idle");
            if (!string.IsNullOrEmpty(c.Cpus)) CgroupFile.Write(d, "cpuset.cpus", c.Cpus!, "linux.resources.cpu.cpus");
            if (!string.IsNullOrEmpty(c.Mems)) CgroupFile.Write(d, "cpuset.mems", c.Mems!, "linux.resources.cpu.mems");
        }
        if (r.Pids is { } p) CgroupFile.Write(d, "pids.max", p.Limit > 0 ? S(p.Limit) : "max", "linux.resources.pids.limit");
        if (r.BlockIO is { } bio)
        {
            if (bio.Weight is ushort w) CgroupFile.Write(d, "io.weight", IoWeight(w).ToString(CultureInfo.InvariantCulture), "linux.resources.blockIO.weight");
            void T(List<SpecThrottleDevice>? l, string key, string field) { foreach (var t in l ?? []) CgroupFile.Write(d, "io.max", $"{t.Major}:{t.Minor} {key}={t.Rate}", field); }
            T(bio.ThrottleReadBpsDevice, "rbps", "linux.resources.blockIO.throttleReadBpsDevice");
            T(bio.ThrottleWriteBpsDevice, "wbps", "linux.resources.blockIO.throttleWriteBpsDevice");
            T(bio.ThrottleReadIopsDevice, "riops", "linux.resources.blockIO.throttleReadIOPSDevice");
            T(bio.ThrottleWriteIopsDevice, "wiops", "linux.resources.blockIO.throttleWriteIOPSDevice");
        }
        foreach (var h in r.HugepageLimits ?? [])
        {
            HugepageKb(h.PageSize, "linux.resources.hugepageLimits.pageSize");
            CgroupFile.Write(d, $"hugetlb.{h.PageSize}.max", S(h.Limit), "linux.resources.hugepageLimits");
        }
        foreach (var (k, v) in r.Unified ?? []) CgroupFile.Write(d, k, v, $"linux.resources.unified[{k}]");
        // device rules on v2 need an eBPF program (BPF_CGROUP_DEVICE); not implemented: see docs
        if (r.Network is { ClassId: not null } || r.Network?.Priorities is { Count: > 0 })
            throw new CgroupException("linux.resources.network: net_cls/net_prio do not exist on cgroup v2");
    }

    /// <inheritdoc/>
    public override bool Freeze(bool freeze)
    {
        string d = Group;
        CgroupFile.Write(d, "cgroup.freeze", freeze ? "1" : "0", "freeze");
        for (int i = 0; i < 1000; i++)
        {
            if (File.ReadAllText(Path.Combine(d, "cgroup.events")).Contains(freeze ? "frozen 1" : "frozen 0")) return true;
            Thread.Sleep(2);
        }
        return false;
    }

    /// <inheritdoc/>
    public override bool IsFrozen()
    {
        try { return Set.Dirs.TryGetValue("", out var d) && File.ReadAllText(Path.Combine(d, "cgroup.events")).Contains("frozen 1"); }
        catch (IOException) { return false; }
    }

    /// <inheritdoc/>
    public override CgroupStats ReadStats()
    {
        string u = Group;
        long cpu = (CgroupFile.ReadKeyed(Path.Combine(u, "cpu.stat"), "usage_usec") ?? 0) * 1000;
        long mem = CgroupFile.ReadLong(Path.Combine(u, "memory.current"));
        long lim = CgroupFile.ReadLong(Path.Combine(u, "memory.max"), -1);
        long pids = CgroupFile.ReadLong(Path.Combine(u, "pids.current"));
        long rd = 0, wr = 0;
        try
        {
            // "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device
            foreach (var line in File.ReadLines(Path.Combine(u, "io.stat")))
                foreach (var kv in line.Split(' ').Skip(1))
                {
                    if (kv.StartsWith("rbytes=", StringComparison.Ordinal) && long.TryParse(kv.AsSpan(7), NumberStyles.Integer, CultureInfo.InvariantCulture, out long r)) rd += r;
                    if (kv.StartsWith("wbytes=", StringComparison.Ordinal) && long.TryParse(kv.AsSpan(7), NumberStyles.Integer, CultureInfo.InvariantCulture, out long w)) wr += w;
                }
        }
        catch (IOException) { }
        return new CgroupStats(cpu, Math.Max(0, mem), lim, pids, rd, wr, 2);
    }
}
