using System.Diagnostics;
using System.Globalization;
using PsContainers.Cgroups;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// A cgroup made before the container, as a pod, a systemd unit or an administrator makes one: the path
/// <c>/psc-join-PID-NAME/pod</c> in every v1 hierarchy pscrun joins on this host (v1 and hybrid hosts; runc makes its
/// hybrid "unified" group itself), or in the one v2 hierarchy, optionally holding a process of its own (a host
/// <c>sleep</c>), the way a pod's group holds its infra process. Dispose kills that process and removes what is left.
/// </summary>
public sealed class ExistingCgroup : IDisposable
{
    private readonly List<string> _made = new();
    private readonly Process? _holder;

    /// <summary>linux.cgroupsPath of the group (absolute, from each hierarchy's root).</summary>
    public string CgroupsPath { get; }

    /// <summary>The group's directory per hierarchy key (v1 controller sets, or "" on v2).</summary>
    public Dictionary<string, string> Dirs { get; } = new();

    /// <summary>The pid of the process made to live in the group, 0 without one.</summary>
    public int HolderPid => _holder?.Id ?? 0;

    public ExistingCgroup(string name, bool withProcess)
    {
        string top = $"/psc-join-{Environment.ProcessId}-{name}";
        CgroupsPath = top + "/pod";
        bool v2 = CgroupHierarchy.IsV2;
        foreach (var (key, mp) in CgroupHierarchy.Hierarchies())
        {
            if (key == "unified")
            {
                // runc joins a hybrid host's unified hierarchy too and makes the path there itself (its parent stays)
                _made.Add(mp + top);
                _made.Add(mp + CgroupsPath);
                continue;
            }
            foreach (var rel in new[] { top, CgroupsPath })
            {
                string dir = mp + rel;
                Directory.CreateDirectory(dir);
                _made.Add(dir);
                if (key.Split(',').Contains("cpuset"))
                    foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
                        File.WriteAllText(Path.Combine(dir, f), File.ReadAllText(Path.Combine(Path.GetDirectoryName(dir)!, f)).Trim());
            }
            // v2: the parent hands its controllers down, as a pod's group would have them
            if (v2) foreach (var c in File.ReadAllText(Path.Combine(mp + top, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    File.WriteAllText(Path.Combine(mp + top, "cgroup.subtree_control"), "+" + c);
            Dirs[key] = mp + CgroupsPath;
        }
        if (!withProcess) return;
        _holder = Process.Start(new ProcessStartInfo("/bin/sleep", "600") { UseShellExecute = false })!;
        foreach (var dir in Dirs.Values) File.WriteAllText(Path.Combine(dir, "cgroup.procs"), _holder.Id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The group's directory in the hierarchy holding <paramref name="controller"/> (v2: the one directory).</summary>
    public string Dir(string controller) =>
        Dirs.TryGetValue("", out var d) ? d : Dirs.First(kv => kv.Key.Split(',').Contains(controller)).Value;

    /// <summary>The pids of the group's cgroup.procs in the <paramref name="controller"/> hierarchy (empty when the group is gone).</summary>
    public List<int> Procs(string controller = "pids")
    {
        try { return File.ReadAllLines(Path.Combine(Dir(controller), "cgroup.procs")).Select(int.Parse).ToList(); }
        catch (IOException) { return new(); }
    }

    /// <summary>Whether the group's directory exists in every hierarchy / in none.</summary>
    public bool ExistsEverywhere => Dirs.Values.All(Directory.Exists);
    public bool GoneEverywhere => !Dirs.Values.Any(Directory.Exists);

    /// <summary>Whether the holder process is still alive (not a zombie).</summary>
    public bool HolderAlive => _holder is not null && Bundles.ProcessAlive(_holder.Id);

    /// <summary>Freeze (v1 freezer.state FROZEN, v2 cgroup.freeze 1) or thaw the group, and wait until the kernel says so.</summary>
    public void Freeze(bool freeze)
    {
        if (Dirs.TryGetValue("", out var d))
        {
            File.WriteAllText(Path.Combine(d, "cgroup.freeze"), freeze ? "1" : "0");
            Bundles.WaitFor(() => File.ReadAllText(Path.Combine(d, "cgroup.events")).Contains(freeze ? "frozen 1" : "frozen 0"));
        }
        else
        {
            string f = Path.Combine(Dir("freezer"), "freezer.state");
            File.WriteAllText(f, freeze ? "FROZEN" : "THAWED");
            Bundles.WaitFor(() => File.ReadAllText(f).Trim() == (freeze ? "FROZEN" : "THAWED"));
        }
    }

    public void Dispose()
    {
        try { if (Dirs.Values.All(Directory.Exists)) Freeze(false); } catch (Exception e) when (e is IOException or TimeoutException) { }
        if (_holder is not null)
        {
            try { _holder.Kill(); _holder.WaitForExit(5000); } catch (InvalidOperationException) { }
            _holder.Dispose();
        }
        foreach (var dir in _made.OrderByDescending(d => d.Length))
            for (int i = 0; i < 100 && Directory.Exists(dir); i++)
                try { Directory.Delete(dir); }
                catch (DirectoryNotFoundException) { }
                catch (IOException) { Thread.Sleep(5); }
    }
}
