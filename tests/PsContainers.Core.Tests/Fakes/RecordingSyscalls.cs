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
