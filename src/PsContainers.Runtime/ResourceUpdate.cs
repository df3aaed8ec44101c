using System.Globalization;
using System.Text.Json;
using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>
/// <c>pscrun update</c>, runc's command: change the resource limits of a created, running or paused container by
/// writing its cgroups (<see cref="ICgroupManager.Apply"/>, v1 or v2). The limits come from <c>--resources FILE</c>
/// (the OCI LinuxResources JSON, config-linux.md "Control groups"; "-" reads stdin) and/or the single flags, which
/// win: <c>--memory</c>, <c>--memory-swap</c>, <c>--memory-reservation</c> (bytes, -1 = unlimited), <c>--cpu-shares</c>,
/// <c>--cpu-period</c>, <c>--cpu-quota</c> (microseconds, -1 = unlimited), <c>--cpuset-cpus</c>, <c>--cpuset-mems</c>,
/// <c>--pids-limit</c> (0 or -1 = unlimited). Only what is given changes; devices are never touched.
/// </summary>
internal static class ResourceUpdate
{
    /// <summary>The value options of <c>update</c>, for the command-line parser.</summary>
    public static readonly string[] Options =
    [
        "resources|r", "memory|m", "memory-swap", "memory-reservation", "cpu-shares", "cpu-period", "cpu-quota",
        "cpuset-cpus", "cpuset-mems", "pids-limit",
    ];

    /// <summary>Build the resources from the file and flags (<paramref name="get"/> reads one option) and write them.</summary>
    /// <exception cref="RuntimeError">The container is stopped or missing, a value does not parse, or the kernel refuses a limit.</exception>
    public static void Run(Runtime rt, string id, Func<string, string?> get)
    {
        var r = Build(get);
        var st = rt.Load(id);
        var status = rt.Status(st);
        if (status is not (RuntimeStatus.Created or RuntimeStatus.Running or RuntimeStatus.Paused))
            throw new RuntimeError($"cannot update container '{id}': it is {status.Text()}");
        try { CgroupManager.For(st.Cgroups).Apply(r); }
        catch (CgroupException e) { throw new RuntimeError($"cannot update container '{id}': {e.Message}"); }
    }

    /// <summary>The LinuxResources given by <c>--resources</c> and the flags.</summary>
    internal static SpecResources Build(Func<string, string?> get)
    {
        SpecResources r = new();
        if (get("resources") is string file)
        {
            string json = file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file);
            try { r = JsonSerializer.Deserialize(json, SpecJsonContext.Default.SpecResources) ?? new(); }
            catch (JsonException e) { throw new RuntimeError($"--resources {file}: not LinuxResources JSON: {e.Message}"); }
        }
        if (Long(get, "memory") is long mem) (r.Memory ??= new()).Limit = mem;
        if (Long(get, "memory-swap") is long swap) (r.Memory ??= new()).Swap = swap;
        if (Long(get, "memory-reservation") is long res) (r.Memory ??= new()).Reservation = res;
        if (Long(get, "cpu-shares") is long shares) (r.Cpu ??= new()).Shares = checked((ulong)shares);
        if (Long(get, "cpu-period") is long period) (r.Cpu ??= new()).Period = checked((ulong)period);
        if (Long(get, "cpu-quota") is long quota) (r.Cpu ??= new()).Quota = quota;
        if (get("cpuset-cpus") is string cpus) (r.Cpu ??= new()).Cpus = cpus;
        if (get("cpuset-mems") is string mems) (r.Cpu ??= new()).Mems = mems;
        if (Long(get, "pids-limit") is long pids) r.Pids = new SpecPids { Limit = pids <= 0 ? -1 : pids };
        return r;
    }

    private static long? Long(Func<string, string?> get, string name)
    {
        if (get(name) is not string text) return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v : throw new RuntimeError($"--{name}: '{text}' is not an integer");
    }
}
