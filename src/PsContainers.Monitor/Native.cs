using System.Runtime.InteropServices;
using System.Text;

namespace PsContainers.Monitor;

/// <summary>The few libc calls the monitor needs (direct imports keep the AOT image small).</summary>
internal static unsafe partial class Native
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400,
        O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000;
    public const int EINTR = 4, EAGAIN = 11, ECHILD = 10;
    public const int POLLIN = 1, POLLHUP = 0x10, POLLERR = 8;
    public const int WNOHANG = 1;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int MNT_DETACH = 2;
    public const int SIGKILL = 9, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17;
    public const int POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int LOCK_EX = 2;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int fd; public short events; public short revents; }

    [LibraryImport("libc", SetLastError = true)] public static partial int setsid();
    [LibraryImport("libc", SetLastError = true)] public static partial int getpid();
    [LibraryImport("libc", SetLastError = true)] public static partial int prctl(int option, nint a2, nint a3, nint a4, nint a5);
    [LibraryImport("libc", SetLastError = true)] public static partial int pipe2(int* fds, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] public static partial int dup2(int oldfd, int newfd);
    [LibraryImport("libc", SetLastError = true)] public static partial nint read(int fd, byte* buf, nint count);
    [LibraryImport("libc", SetLastError = true)] public static partial nint write(int fd, byte* buf, nint count);
    [LibraryImport("libc", SetLastError = true)] public static partial int open(byte* path, int flags, int mode);
    [LibraryImport("libc", SetLastError = true)] public static partial int fsync(int fd);
    [LibraryImport("libc", SetLastError = true)] public static partial int poll(PollFd* fds, nuint n, int timeout);
    [LibraryImport("libc", SetLastError = true)] public static partial int waitpid(int pid, int* status, int options);
    [LibraryImport("libc", SetLastError = true)] public static partial int kill(int pid, int sig);
    [LibraryImport("libc", SetLastError = true)] public static partial int umount2(byte* target, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int flock(int fd, int op);
    [LibraryImport("libc", SetLastError = true)] public static partial nint syscall(nint nr, nint a1, nint a2);
    [LibraryImport("libc", SetLastError = true)] public static partial int sigemptyset(byte* set);
    [LibraryImport("libc", SetLastError = true)] public static partial int sigaddset(byte* set, int sig);
    [LibraryImport("libc")] public static partial int posix_spawn_file_actions_init(byte* fa);
    [LibraryImport("libc")] public static partial int posix_spawn_file_actions_adddup2(byte* fa, int fd, int newfd);
    [LibraryImport("libc")] public static partial int posix_spawn_file_actions_destroy(byte* fa);
    [LibraryImport("libc")] public static partial int posix_spawnattr_init(byte* attr);
    [LibraryImport("libc")] public static partial int posix_spawnattr_setflags(byte* attr, short flags);
    [LibraryImport("libc")] public static partial int posix_spawnattr_setsigdefault(byte* attr, byte* set);
    [LibraryImport("libc")] public static partial int posix_spawnattr_setsigmask(byte* attr, byte* set);
    [LibraryImport("libc")] public static partial int posix_spawnattr_destroy(byte* attr);
    [LibraryImport("libc")] public static partial int posix_spawn(int* pid, byte* path, byte* fileActions, byte* attr, byte** argv, byte** envp);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static int PidfdOpen(int pid) => (int)syscall(434, pid, 0);

    public static byte[] Z(string s) => Encoding.UTF8.GetBytes(s + "\0");

    public static int Open(string path, int flags, int mode = 0x1a4)
    {
        fixed (byte* p = Z(path)) return open(p, flags | O_CLOEXEC, mode);
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                nint n = write(fd, p + off, data.Length - off);
                if (n < 0) { if (Errno == EINTR) continue; return; }
                off += (int)n;
            }
        }
    }

    public static int Umount(string path)
    {
        fixed (byte* p = Z(path)) return umount2(p, MNT_DETACH);
    }

    /// <summary>
    /// posix_spawn a program with the given stdio descriptors (-1 = /dev/null), default signal dispositions
    /// and an empty signal mask (the .NET runtime ignores SIGPIPE; children must not inherit that).
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> args, int stdin, int stdout, int stderr)
    {
        int devnull = Open("/dev/null", O_RDWR);
        byte* fa = stackalloc byte[256];
        byte* attr = stackalloc byte[512];
        byte* set = stackalloc byte[128];
        posix_spawn_file_actions_init(fa);
        posix_spawn_file_actions_adddup2(fa, stdin >= 0 ? stdin : devnull, 0);
        posix_spawn_file_actions_adddup2(fa, stdout >= 0 ? stdout : devnull, 1);
        posix_spawn_file_actions_adddup2(fa, stderr >= 0 ? stderr : devnull, 2);
        posix_spawnattr_init(attr);
        sigemptyset(set);
        posix_spawnattr_setsigmask(attr, set);
        sigaddset(set, SIGPIPE);
        posix_spawnattr_setsigdefault(attr, set);
        posix_spawnattr_setflags(attr, (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));

        var handles = new List<GCHandle>();
        byte** argv = stackalloc byte*[args.Count + 1];
        for (int i = 0; i < args.Count; i++)
        {
            var h = GCHandle.Alloc(Z(args[i]), GCHandleType.Pinned);
            handles.Add(h);
            argv[i] = (byte*)h.AddrOfPinnedObject();
        }
        argv[args.Count] = null;
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            env.Add($"{e.Key}={e.Value}");
        byte** envp = stackalloc byte*[env.Count + 1];
        for (int i = 0; i < env.Count; i++)
        {
            var h = GCHandle.Alloc(Z(env[i]), GCHandleType.Pinned);
            handles.Add(h);
            envp[i] = (byte*)h.AddrOfPinnedObject();
        }
        envp[env.Count] = null;
        int pid = 0;
        int rc;
        fixed (byte* p = Z(path)) rc = posix_spawn(&pid, p, fa, attr, argv, envp);
        foreach (var h in handles) h.Free();
        posix_spawn_file_actions_destroy(fa);
        posix_spawnattr_destroy(attr);
        close(devnull);
        return rc == 0 ? pid : -rc;
    }

    /// <summary>Blocking waitpid for one child; returns a shell-style exit code (128+signal when killed).</summary>
    public static int Wait(int pid)
    {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0)
        {
            if (Errno != EINTR) return -1;
        }
        return Decode(status);
    }

    public static int Decode(int status)
    {
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }
}
