using System.Globalization;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Cgroups;

/// <summary>
/// cgroup v2 (unified) hosts: one directory, key "" (Documentation/admin-guide/cgroup-v2.rst). linux.resources map to
/// the v2 files the way runc's fs2 manager converts them (config-linux.md; runc libcontainer/cgroups/fs2): shares to
/// cpu.weight, quota/period to cpu.max, blkio weight to io.weight, throttles to io.max, swap to memory.swap.max as
/// swap minus the memory limit, device rules to a BPF_PROG_TYPE_CGROUP_DEVICE program (<see cref="DeviceFilter"/>);
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

    /// <summary>
    /// memory.swap.max for linux.resources.memory swap and limit, runc's ConvertMemorySwapToCgroupV2Value: the spec's
    /// swap is memory+swap (v1's memsw), v2 limits the swap alone, so swap - limit (0 when they are equal: no swap);
    /// -1 is "max"; 0 is unset, as in runc; an unlimited memory with no swap set is "max" for both. Null when nothing is to be written. Throws
    /// <see cref="CgroupException"/> for a swap without a memory limit or below it, as runc refuses them.
    /// </summary>
    public static string? SwapMax(long? swap, long? limit)
    {
        if (swap is null or 0) return limit == -1 ? "max" : null;
        if (swap == -1) return "max";
        if (limit is null or 0 or -1) throw new CgroupException("linux.resources.memory.swap: a swap limit needs a memory limit");
        if (swap < limit) throw new CgroupException($"linux.resources.memory.swap: memory+swap ({swap}) is below the memory limit ({limit})");
        return S(swap.Value - limit.Value);
    }

    /// <inheritdoc/>
    public override void Apply(SpecResources? r, IReadOnlyList<SpecDevice>? devices = null)
    {
        if (r is null) return;
        string d = Group;
        if (r.Memory is { } m)
        {
            if (m.Limit is long lim) CgroupFile.Write(d, "memory.max", Max(lim), "linux.resources.memory.limit");
            if (SwapMax(m.Swap, m.Limit) is string swap)
            {
                // no memory.swap.max: swap accounting is off; only "unlimited" and "none" may then be dropped, as runc does
                int e = CgroupFile.TryWrite(Path.Combine(d, "memory.swap.max"), swap);
                if (e != 0 && !(e == 2 /*ENOENT*/ && swap is "max" or "0"))
                    throw new CgroupException($"linux.resources.memory.swap: cannot write '{swap}' to memory.swap.max: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e)}", e);
            }
            if (m.Reservation is long res) CgroupFile.Write(d, "memory.low", Max(res), "linux.resources.memory.reservation");
            if (m.DisableOomKiller == true) throw new CgroupException("linux.resources.memory.disableOOMKiller: not supported on cgroup v2");
        }
        if (r.Cpu is { } c)
        {
            if (c.Shares is ulong sh && sh > 0) CgroupFile.Write(d, "cpu.weight", CpuWeight(sh).ToString(CultureInfo.InvariantCulture), "linux.resources.cpu.shares");
            if (c.Quota is not null || c.Period is not null)
                CgroupFile.Write(d, "cpu.max", $"{(c.Quota is long q && q > 0 ? S(q) : "max")} {c.Period ?? 100000}", "linux.resources.cpu.quota");
            if (c.Burst is ulong burst) CgroupFile.Write(d, "cpu.max.burst", S(burst), "linux.resources.cpu.burst");
            if (c.Idle is long idle) CgroupFile.Write(d, "cpu.idle", S(idle), "linux.resources.cpu.idle");
            if (c.RealtimePeriod is > 0 || c.RealtimeRuntime is > 0)
                throw new CgroupException("linux.resources.cpu.realtimePeriod/realtimeRuntime: cgroup v2 has no real-time CPU controller");
            if (!string.IsNullOrEmpty(c.Cpus)) CgroupFile.Write(d, "cpuset.cpus", c.Cpus!, "linux.resources.cpu.cpus");
            if (!string.IsNullOrEmpty(c.Mems)) CgroupFile.Write(d, "cpuset.mems", c.Mems!, "linux.resources.cpu.mems");
        }
        if (r.Pids is { } p) CgroupFile.Write(d, "pids.max", p.Limit > 0 ? S(p.Limit) : "max", "linux.resources.pids.limit");
        if (r.BlockIO is { } bio)
        {
            if (bio.Weight is ushort w) CgroupFile.Write(d, "io.weight", IoWeight(w).ToString(CultureInfo.InvariantCulture), "linux.resources.blockIO.weight");
            foreach (var wd in bio.WeightDevice ?? [])
                if (wd.Weight is ushort dw) CgroupFile.Write(d, "io.weight", $"{wd.Major}:{wd.Minor} {IoWeight(dw).ToString(CultureInfo.InvariantCulture)}", "linux.resources.blockIO.weightDevice");
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
        foreach (var (dev, limits) in r.Rdma ?? [])
        {
            // rdma.max "DEVICE hca_handle=N hca_object=N" (cgroup-v2.rst "RDMA"); an absent limit stays as it is
            string line = dev;
            foreach (var (key, name) in new[] { ("hcaHandles", "hca_handle"), ("hcaObjects", "hca_object") })
                if (limits.ValueKind == System.Text.Json.JsonValueKind.Object && limits.TryGetProperty(key, out var n) && n.TryGetUInt32(out uint u))
                    line += $" {name}={u.ToString(CultureInfo.InvariantCulture)}";
            CgroupFile.Write(d, "rdma.max", line, $"linux.resources.rdma[{dev}]");
        }
        foreach (var (k, v) in r.Unified ?? []) CgroupFile.Write(d, k, v, $"linux.resources.unified[{k}]");
        if (r.Devices is { Count: > 0 })
        {
            // v2 has no devices.allow: the same rules, folded as v1 applies them, become an eBPF program on the group
            var set = new DeviceRuleSet();
            foreach (var (allow, rule, _) in DeviceRules(r.Devices, devices)) set.Apply(allow, rule);
            DeviceFilter.Attach(d, DeviceFilter.Build(set));
        }
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
        // usage without the inactive page cache, as docker and podman report it on v2 (memory.current - memory.stat's
        // inactive_file; v1 subtracts total_inactive_file the same way)
        long mem = CgroupFile.ReadLong(Path.Combine(u, "memory.current")) - (CgroupFile.ReadKeyed(Path.Combine(u, "memory.stat"), "inactive_file") ?? 0);
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
