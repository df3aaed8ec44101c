using System.Globalization;

namespace PsContainers.Cgroups;

/// <summary>
/// The device allowlist a sequence of cgroup v1 device rules leaves, computed the way the v1 devices controller
/// applies devices.allow and devices.deny writes (Documentation/admin-guide/cgroup-v1/devices.rst; the kernel's
/// devcgroup_update_access), so that cgroup v2's eBPF program (<see cref="DeviceFilter"/>) enforces what v1 would, as
/// runc's devices emulator does: a type "a" rule resets the group (allow: everything allowed, deny: nothing) and drops
/// every exception; a rule whose verdict differs from the default adds its access to the exception of the same
/// type/major/minor; a rule with the default's verdict takes its access away from that exact exception only (no hole
/// is punched into a wildcard exception, as on v1). A new group denies everything.
/// </summary>
internal sealed class DeviceRuleSet
{
    /// <summary>BPF_DEVCG_ACC_* bits of struct bpf_cgroup_dev_ctx (linux/bpf.h).</summary>
    public const int AccessMknod = 1, AccessRead = 2, AccessWrite = 4, AccessAll = 7;

    /// <summary>One exception: type 'b' or 'c', major and minor (-1 for "*"), <see cref="Access"/> bits.</summary>
    public readonly record struct Exception(char Type, long Major, long Minor, int Access);

    private readonly List<Exception> _exceptions = new();

    /// <summary>The verdict for a device no exception matches (false: an allowlist, the usual container).</summary>
    public bool DefaultAllow { get; private set; }

    /// <summary>The exceptions (their verdict is the opposite of <see cref="DefaultAllow"/>), ordered by type, major, minor with "*" first, as runc orders them.</summary>
    public IReadOnlyList<Exception> Exceptions =>
        _exceptions.OrderBy(e => e.Type).ThenBy(e => e.Major).ThenBy(e => e.Minor).ToList();

    /// <summary>
    /// Apply one rule in v1 syntax, "TYPE MAJOR:MINOR ACCESS" (<see cref="CgroupManager.DeviceRule"/>'s form: type a, b or c,
    /// "*" or a number, a non-empty subset of rwm). Throws <see cref="CgroupException"/> when it is malformed.
    /// </summary>
    public void Apply(bool allow, string rule)
    {
        var p = rule.Split(' ');
        var mm = p.Length == 3 ? p[1].Split(':') : [];
        if (p.Length != 3 || p[0].Length != 1 || p[0][0] is not ('a' or 'b' or 'c') || mm.Length != 2)
            throw new CgroupException($"linux.resources.devices: malformed rule '{rule}'");
        int access = 0;
        foreach (char ch in p[2])
            access |= ch switch { 'm' => AccessMknod, 'r' => AccessRead, 'w' => AccessWrite, _ => throw new CgroupException($"linux.resources.devices: invalid access in '{rule}'") };
        if (access == 0) throw new CgroupException($"linux.resources.devices: no access in '{rule}'");
        char type = p[0][0];
        if (type == 'a')
        {
            DefaultAllow = allow;
            _exceptions.Clear();
            return;
        }
        long major = Number(mm[0], rule), minor = Number(mm[1], rule);
        int i = _exceptions.FindIndex(e => e.Type == type && e.Major == major && e.Minor == minor);
        if (allow != DefaultAllow)
        {
            if (i >= 0) _exceptions[i] = _exceptions[i] with { Access = _exceptions[i].Access | access };
            else _exceptions.Add(new Exception(type, major, minor, access));
        }
        else if (i >= 0)
        {
            int left = _exceptions[i].Access & ~access;
            if (left == 0) _exceptions.RemoveAt(i);
            else _exceptions[i] = _exceptions[i] with { Access = left };
        }
    }

    private static long Number(string s, string rule)
    {
        if (s == "*") return -1;
        if (uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint n)) return n;
        throw new CgroupException($"linux.resources.devices: invalid device number in '{rule}'");
    }
}
