using System.Globalization;
using System.Text;
using PsContainers.FileSystem;

namespace PsContainers.Core.Containers.Inspect;

/// <summary>The processes of running containers (Get-ContainerProcess, docker top). Made by <see cref="Engine"/>.</summary>
public sealed class ContainerProcesses
{
    private readonly Engine _engine;

    internal ContainerProcesses(Engine engine) { _engine = engine; }

    private static readonly long ClockTicks = 100;

    /// <summary>
    /// docker top: the processes of a running container. The pids come from the OCI runtime's "ps" (the container's
    /// cgroup); each one's state, parent, CPU time (clock ticks of 1/100 s), resident memory (bytes), start time (local)
    /// and command line are read from /proc (proc(5): stat, status, cmdline), its pid inside the container from the
    /// status NSpid line, and its user name from the container's /etc/passwd (the uid when not found). A process that
    /// exits while it is read is left out. Errors (<see cref="PscException"/>): ContainerNotFound, InvalidState when the
    /// container is not running (or paused).
    /// </summary>
    public List<ContainerProcess> List(Container c)
    {
        var store = _engine.ContainerStore;
        var cur = store.Load(c.Id) ?? throw ContainerManager.NotFound(c.Name);
        ContainerStateMachine.Require(cur, ContainerOperation.ReadProcesses);
        var pids = _engine.Containers.RuntimeFor(cur).Ps(cur.Id);
        var sys = _engine.Syscalls;
        var boot = BootTime(sys);
        var users = ReadPasswd(store.RootfsOf(c.Id));
        var list = new List<ContainerProcess>();
        foreach (int pid in pids)
        {
            try
            {
                // a file that cannot be read (null): the process exited meanwhile
                if (sys.ReadProcFile(pid, "stat") is not { } stat || sys.ReadProcFile(pid, "status") is not { } status
                    || sys.ReadProcFile(pid, "cmdline") is not { } cmdline) continue;
                int close = stat.LastIndexOf(')');
                string[] f = stat[(close + 2)..].Split(' ');
                int uid = int.Parse(Field(status, "Uid:").Split('\t', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
                string nspid = Field(status, "NSpid:");
                var ns = nspid.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                string cmd = cmdline.Replace('\0', ' ').Trim();
                if (cmd.Length == 0) cmd = "[" + stat[(stat.IndexOf('(') + 1)..close] + "]";
                long utime = long.Parse(f[11], CultureInfo.InvariantCulture), stime = long.Parse(f[12], CultureInfo.InvariantCulture);
                long start = long.Parse(f[19], CultureInfo.InvariantCulture);
                long rss = long.Parse(f[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
                list.Add(new ContainerProcess
                {
                    ContainerName = cur.Name,
                    Pid = pid,
                    ParentPid = int.Parse(f[1], CultureInfo.InvariantCulture),
                    ContainerPid = ns.Length > 1 ? int.Parse(ns[^1], CultureInfo.InvariantCulture) : null,
                    User = users.TryGetValue(uid, out var u) ? u : uid.ToString(CultureInfo.InvariantCulture),
                    State = f[0],
                    CpuTime = TimeSpan.FromSeconds((utime + stime) / (double)ClockTicks),
                    MemoryBytes = rss,
                    StartTime = boot.AddSeconds(start / (double)ClockTicks).ToLocalTime(),
                    Command = cmd,
                });
            }
            catch (FormatException) { }
        }
        return list;
    }

    private static string Field(string status, string key)
    {
        foreach (var line in status.Split('\n')) if (line.StartsWith(key, StringComparison.Ordinal)) return line[key.Length..].Trim();
        return "";
    }

    /// <summary>The host's boot time (the btime line of /proc/stat, seconds since the epoch), UTC; now when it cannot be read.</summary>
    private static DateTime BootTime(Util.ISyscalls sys)
    {
        foreach (var line in (sys.ReadHostProcFile("stat") ?? "").Split('\n'))
            if (line.StartsWith("btime ", StringComparison.Ordinal))
                return DateTimeOffset.FromUnixTimeSeconds(long.Parse(line[6..].Trim(), CultureInfo.InvariantCulture)).UtcDateTime;
        return DateTime.UtcNow;
    }

    /// <summary>
    /// uid to name from the container's /etc/passwd, resolved inside <paramref name="rootfs"/> with
    /// <see cref="RootedPath"/> (a link to the host's /etc never leaves the root) and read only when it is a regular
    /// file (a FIFO or device planted there is never opened for reading). Empty when it cannot be read.
    /// </summary>
    private static Dictionary<int, string> ReadPasswd(string rootfs)
    {
        var d = new Dictionary<int, string>();
        try
        {
            using var rp = RootedPath.Open(rootfs);
            using var fd = rp.Open("/etc/passwd", OpenFlags.ReadOnly | OpenFlags.NonBlock | OpenFlags.NoCtty);
            if (!Fs.Stat(fd).IsRegular) return d;
            using var reader = new StreamReader(fd.ToStream(FileAccess.Read), new UTF8Encoding(false));
            while (reader.ReadLine() is string line)
            {
                var p = line.Split(':');
                if (p.Length > 2 && int.TryParse(p[2], out int uid)) d.TryAdd(uid, p[0]);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return d;
    }
}
