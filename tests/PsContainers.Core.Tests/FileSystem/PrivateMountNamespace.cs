using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>
/// Runs a test body inside a private mount namespace of its own thread: unshare(CLONE_NEWNS) on a dedicated thread
/// (mount namespaces belong to the task; CLONE_NEWNS implies unsharing CLONE_FS), every mount made private, every
/// mount made read-only (mount_setattr AT_RECURSIVE), a scratch /proc holding only this thread's own entry as /proc/self (the
/// real one would lead back to the machine's writable mounts through /proc/&lt;pid&gt;/root), then scratch tmpfs mounted over /run, /dev (only null, zero, full, random, urandom: device nodes stay writable on a read-only mount) and /tmp. Nothing the body does to /, /etc, /run or /tmp is visible on the host. The body runs synchronously on
/// that same thread; its exception is rethrown to the caller.
/// </summary>
internal static partial class PrivateMountNamespace
{
    private const int CLONE_NEWNS = 0x00020000;
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_REMOUNT = 32, MS_MOVE = 8192, MS_BIND = 4096, MS_REC = 16384, MS_PRIVATE = 1 << 18;
    private const int AT_FDCWD = -100, AT_RECURSIVE = 0x8000;
    private const ulong MOUNT_ATTR_RDONLY = 1;

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long syscall(long nr, nint a1, nint a2, nint a3, nint a4, nint a5);

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr { public ulong attr_set, attr_clr, propagation, userns_fd; }

    /// <summary>The scratch directory for the test's own tree (a tmpfs of its own at /tmp/t, dev nodes allowed).</summary>
    public const string Scratch = "/tmp/t";

    public static void Mount(string? source, string target, string? fstype, ulong flags, string? data = null)
    {
        if (mount(source, target, fstype, flags, data) != 0)
            throw new InvalidOperationException($"mount {source} {target}: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void Unmount(string target)
    {
        if (umount2(target, 0) != 0) throw new InvalidOperationException($"umount {target}: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void Run(Action body) => Run<int>(() => { body(); return 0; });

    /// <summary>
    /// Load every assembly the engine references before /tmp and /run are covered: the test binaries may live under
    /// /tmp (a CI clone there), and an assembly the loader first needs inside the namespace would not be found, a
    /// failure the runtime then caches for the whole test process.
    /// </summary>
    private static void PreloadAssemblies()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.Assembly>();
        pending.Push(typeof(PrivateMountNamespace).Assembly);
        while (pending.Count > 0)
        {
            var a = pending.Pop();
            foreach (var r in a.GetReferencedAssemblies())
            {
                if (r.Name is null || !seen.Add(r.Name)) continue;
                try { pending.Push(System.Reflection.Assembly.Load(r)); } catch (IOException) { }
            }
        }
    }

    public static T Run<T>(Func<T> body)
    {
        PreloadAssemblies();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                Enter();
                result = body();
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }, 16 * 1024 * 1024) { Name = "psc-test-mntns", IsBackground = true };
        t.Start();
        t.Join();
        failure?.Throw();
        return result;
    }

    private static unsafe void Enter()
    {
        if (unshare(CLONE_NEWNS) != 0) throw new InvalidOperationException($"unshare(CLONE_NEWNS): errno {Marshal.GetLastPInvokeError()}");
        Mount(null, "/", null, MS_REC | MS_PRIVATE);
        var attr = new MountAttr { attr_set = MOUNT_ATTR_RDONLY };
        byte* root = stackalloc byte[] { (byte)'/', 0 };
        // every mount read-only, recursively; without mount_setattr (Linux < 5.12) the test cannot be made safe
        long r = syscall(442 /* mount_setattr */, AT_FDCWD, (nint)root, AT_RECURSIVE, (nint)(&attr), sizeof(MountAttr));
        if (r != 0) throw new InvalidOperationException($"mount_setattr(/, MOUNT_ATTR_RDONLY, AT_RECURSIVE): errno {Marshal.GetLastPInvokeError()}");
        // This thread shares the process's PID namespace, so /proc lists every process of the machine, and
        // /proc/<pid>/root of another process (or /proc/self/root of this process, whose main thread is outside)
        // leads back to the machine's writable mounts. A scratch /proc takes its place, holding only this thread's
        // own /proc/<pid>/task/<tid> as /proc/self: its root, cwd and mountinfo are this namespace's (fd/ is the
        // process's descriptor table, which the engine's fallback paths use as /proc/self/fd/N).
        Mount("tmpfs", "/run", "tmpfs", MS_NOSUID, "mode=0755,size=64m");
        string own = $"/proc/{Environment.ProcessId}/task/{gettid()}";
        Directory.CreateDirectory("/run/.psc-proc-self");
        Mount(own, "/run/.psc-proc-self", null, MS_BIND);
        Mount("tmpfs", "/proc", "tmpfs", MS_NOSUID, "mode=0555,size=1m");
        Directory.CreateDirectory("/proc/self");
        Directory.CreateDirectory("/proc/thread-self");
        Mount("/run/.psc-proc-self", "/proc/self", null, MS_MOVE);
        Mount("/proc/self", "/proc/thread-self", null, MS_BIND);
        Directory.Delete("/run/.psc-proc-self");
        // A read-only mount does not stop writes to the device nodes on it (the kernel checks the mount only for
        // regular files, directories and links): /dev/vda, /dev/loop*, /dev/kmsg would stay writable through a
        // hostile link. /dev becomes a scratch tmpfs holding only harmless character devices.
        Mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=0755,size=1m");
        foreach (var (n, major, minor) in new[] { ("null", 1u, 3u), ("zero", 1u, 5u), ("full", 1u, 7u), ("random", 1u, 8u), ("urandom", 1u, 9u) })
            if (mknod("/dev/" + n, 0x2000 /* S_IFCHR */ | 0x1b6, ((ulong)major << 8) | minor) != 0)
                throw new InvalidOperationException($"mknod /dev/{n}: errno {Marshal.GetLastPInvokeError()}");
        Directory.CreateDirectory("/dev/shm");
        File.CreateSymbolicLink("/dev/fd", "/proc/self/fd");
        Mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID, "mode=1777,size=64m");
        Directory.CreateDirectory(Scratch);
        Mount("tmpfs", Scratch, "tmpfs", 0, "mode=0755,size=512m");
    }
}
