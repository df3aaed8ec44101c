using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Fakes;

/// <summary>
/// An <see cref="ISyscalls"/> for tests that must see which system calls the engine makes, in which order, without
/// making them (in the manner of youki's syscall/test.rs): mount, unmount and kill are recorded and answered from
/// the fake's own table of mount points and processes; everything else (locks, file metadata, spawning, the
/// network namespace calls) passes through to the real implementation, because those work without privileges on
/// the test's own files. Thread-safe: the engine may call from a worker thread.
/// </summary>
public sealed class RecordingSyscalls : ISyscalls
{
    private readonly ISyscalls _real = LinuxSyscalls.Instance;
    private readonly object _gate = new();
    private readonly List<string> _calls = new();
    private readonly HashSet<string> _mounted = new(StringComparer.Ordinal);

    /// <summary>The recorded calls, e.g. "mount overlay /r/rootfs overlay 0 lowerdir=...", "umount /r/rootfs", "kill 42 15".</summary>
    public IReadOnlyList<string> Calls { get { lock (_gate) return _calls.ToArray(); } }

    /// <summary>Answers mount(2) calls: 0 for success or an errno; may look at the data argument.</summary>
    public Func<string?, int> MountResult { get; set; } = _ => 0;

    /// <summary>The pids <see cref="ProcessExists"/> reports alive; <see cref="Kill"/> with KILL removes one.</summary>
    public HashSet<int> LiveProcesses { get; } = new();

    public int Mount(string? source, string target, string? fsType, ulong flags, string? data)
    {
        lock (_gate)
        {
            _calls.Add($"mount {source} {target} {fsType} {flags} {data}");
            int e = MountResult(data);
            if (e == 0) _mounted.Add(Path.GetFullPath(target));
            return e;
        }
    }

    public int Unmount(string target)
    {
        lock (_gate)
        {
            _calls.Add($"umount {target}");
            return _mounted.Remove(Path.GetFullPath(target)) ? 0 : 22 /* EINVAL: not a mount point */;
        }
    }

    public bool IsMountPoint(string path) { lock (_gate) return _mounted.Contains(Path.GetFullPath(path)); }

    public bool ProcessExists(int pid) { lock (_gate) return LiveProcesses.Contains(pid); }

    public int Kill(int pid, int signal)
    {
        lock (_gate)
        {
            _calls.Add($"kill {pid} {signal}");
            if (!LiveProcesses.Contains(pid)) return 3; // ESRCH
            if (signal == 9) LiveProcesses.Remove(pid);
            return 0;
        }
    }

    /// <summary>
    /// The /proc files of fake processes, by (pid, name) (e.g. (4242, "cgroup")): a pid that has an entry here is the
    /// fake's (its other files read as null, like a process that exited); any other pid is read from the real /proc.
    /// A value may be changed while the engine runs (e.g. a monitor turning into a zombie).
    /// </summary>
    private readonly Dictionary<(int Pid, string Name), string> _procFiles = new();
    private readonly Dictionary<string, string> _hostProcFiles = new(StringComparer.Ordinal);
    private readonly List<string> _procReads = new();

    /// <summary>Set (or with null remove) a fake process' /proc file; see <see cref="ReadProcFile"/>.</summary>
    public void SetProcFile(int pid, string name, string? text)
    {
        lock (_gate)
        {
            if (text is null) _procFiles.Remove((pid, name));
            else _procFiles[(pid, name)] = text;
        }
    }

    /// <summary>Set a host-wide /proc file (e.g. "meminfo"); a name never set is read from the real /proc.</summary>
    public void SetHostProcFile(string name, string text) { lock (_gate) _hostProcFiles[name] = text; }

    /// <summary>The /proc reads made (kept apart from <see cref="Calls"/>), e.g. "4242/cgroup", "stat".</summary>
    public IReadOnlyList<string> ProcReads { get { lock (_gate) return _procReads.ToArray(); } }

    /// <summary>A pid with a file set by <see cref="SetProcFile"/> is the fake's (its other files read as null, like a
    /// process that exited); any other pid is read from the real /proc.</summary>
    public string? ReadProcFile(int pid, string name)
    {
        lock (_gate)
        {
            _procReads.Add($"{pid}/{name}");
            if (_procFiles.Keys.Any(k => k.Pid == pid)) return _procFiles.GetValueOrDefault((pid, name));
        }
        return _real.ReadProcFile(pid, name);
    }

    public string? ReadHostProcFile(string name)
    {
        lock (_gate)
        {
            _procReads.Add(name);
            if (_hostProcFiles.TryGetValue(name, out var text)) return text;
        }
        return _real.ReadHostProcFile(name);
    }

    // ---- passed through: harmless on the test's own files and descriptors ----
    public int Lchown(string path, int uid, int gid) => _real.Lchown(path, uid, gid);
    public int Lsetxattr(string path, string name, byte[] value) => _real.Lsetxattr(path, name, value);
    public Dictionary<string, byte[]> Lgetxattrs(string path) => _real.Lgetxattrs(path);
    public int Chmod(string path, uint mode) => _real.Chmod(path, mode);
    public int Lstat(string path, out FileStatus status) => _real.Lstat(path, out status);
    public int Flock(int fd, int operation, out int errno) => _real.Flock(fd, operation, out errno);
    public int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string>? env, int stdin, int stdout, int stderr, bool newSession = false) =>
        _real.Spawn(path, args, env, stdin, stdout, stderr, newSession);
    public int WaitPid(int pid) => _real.WaitPid(pid);

    // ---- refused: a test of the container lifecycle must not enter or change network namespaces ----
    public int NetUnshare(int flags, out int errno) => throw new InvalidOperationException("RecordingSyscalls: NetUnshare");
    public int NetSetns(int fd, int nstype, out int errno) => throw new InvalidOperationException("RecordingSyscalls: NetSetns");
    public int NetMount(string? source, string target, string? fstype, ulong flags, string? data, out int errno) =>
        throw new InvalidOperationException("RecordingSyscalls: NetMount");
    public int NetUmount2(string target, int flags, out int errno) => throw new InvalidOperationException("RecordingSyscalls: NetUmount2");
    public int InterfaceUp(string name, out int errno) => throw new InvalidOperationException("RecordingSyscalls: InterfaceUp");
}
