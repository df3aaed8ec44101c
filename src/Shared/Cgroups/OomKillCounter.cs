using System.Globalization;

namespace PsContainers.Cgroups;

/// <summary>
/// The kernel's count of processes the OOM killer killed in one container's memory cgroup: the "oom_kill N" line of
/// memory.oom_control on cgroup v1 (kernel 4.13 and later) or of memory.events on cgroup v2 (cgroup-v2.rst
/// "memory.events"). pscmon takes it when the container starts and compares after the container's init exited but
/// before "&lt;runtime&gt; delete" removes the group: a higher count is docker's State.OOMKilled and its "oom" event.
/// Self-contained (no runtime-spec types) so the monitor links only this file; the group is found from
/// /proc/PID/cgroup as <see cref="CgroupManager.FromProcCgroup"/> finds it (v1 memory first, as on a hybrid host).
/// </summary>
internal sealed class OomKillCounter
{
    private readonly string _file;
    private readonly long _baseline;

    private OomKillCounter(string file, long baseline) { _file = file; _baseline = baseline; }

    /// <summary>The counter file this instance reads (memory.oom_control or memory.events).</summary>
    public string File => _file;

    /// <summary>
    /// The counter of <paramref name="pid"/>'s memory cgroup under the cgroup mount <paramref name="cgroupRoot"/>, with
    /// its value now as the baseline; null when the process is gone or its group has no readable oom_kill counter
    /// (an older kernel, no memory controller).
    /// </summary>
    public static OomKillCounter? ForProcess(int pid, string cgroupRoot = "/sys/fs/cgroup")
    {
        string text;
        try { text = System.IO.File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        string? file = CounterFile(text, cgroupRoot);
        return file is not null && Read(file) is long now ? new OomKillCounter(file, now) : null;
    }

    /// <summary>
    /// The counter file for a /proc/PID/cgroup text ("ID:CONTROLLERS:PATH" lines): ROOT/CONTROLLERS/PATH/memory.oom_control
    /// for the v1 line that lists "memory", else ROOT/PATH/memory.events for "0::PATH" on a unified host; null when neither.
    /// </summary>
    public static string? CounterFile(string procCgroup, string cgroupRoot)
    {
        string? unified = null;
        foreach (var line in procCgroup.Split('\n'))
        {
            var p = line.Split(':', 3);
            if (p.Length < 3) continue;
            if (p[1].Length == 0) { unified = cgroupRoot + p[2].TrimEnd('/') + "/memory.events"; continue; }
            if (Array.IndexOf(p[1].Split(','), "memory") >= 0)
                return Path.Combine(cgroupRoot, p[1]) + p[2].TrimEnd('/') + "/memory.oom_control";
        }
        return unified is not null && System.IO.File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers")) ? unified : null;
    }

    /// <summary>Whether the count grew since the baseline (false when the file can no longer be read).</summary>
    public bool Killed() => Read(_file) is long now && now > _baseline;

    /// <summary>The "oom_kill" value of a memory.oom_control or memory.events text; null when the line is absent.</summary>
    public static long? Parse(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (f.Length == 2 && f[0] == "oom_kill" && long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return n;
        }
        return null;
    }

    private static long? Read(string file)
    {
        try { return Parse(System.IO.File.ReadAllText(file)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
