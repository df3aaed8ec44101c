using System.Runtime.InteropServices;
using System.Text;

namespace PsContainers.Runtime;

/// <summary>The libc calls pscrun makes. Every wrapper captures errno right after the call.</summary>
internal static unsafe partial class Native
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200,
        O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16, MS_REMOUNT = 32,
        MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192,
        MS_REC = 16384, MS_SILENT = 32768, MS_POSIXACL = 1 << 16, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18,
        MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;
    public const int MNT_DETACH = 2;
    public const int ECONNRESET = 104, EINTR = 4, ENOENT = 2, EEXIST = 17, EBUSY = 16, ESRCH = 3, EAGAIN = 11, EINVAL = 22, EPERM = 1, ENOTDIR = 20, ENXIO = 6;
    public const int SIGKILL = 9, SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)] private static partial int mount(byte* src, byte* target, byte* fstype, ulong flags, byte* data);
    [LibraryImport("libc", SetLastError = true)] private static partial int umount2(byte* target, int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial long syscall(long nr, long a1, long a2, long a3, long a4, long a5);
    [LibraryImport("libc", SetLastError = true)] private static partial int chdir(byte* path);
    [LibraryImport("libc", SetLastError = true)] private static partial int fchdir(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int chroot(byte* path);
    [LibraryImport("libc", SetLastError = true)] private static partial byte* realpath(byte* path, byte* resolved);
    [LibraryImport("libc", SetLastError = true)] private static partial int sethostname(byte* name, nint len);
    [LibraryImport("libc", SetLastError = true)] private static partial int setdomainname(byte* name, nint len);
    [LibraryImport("libc", SetLastError = true)] private static partial int mknod(byte* path, uint mode, ulong dev);
    [LibraryImport("libc", SetLastError = true)] private static partial int lchown(byte* path, uint uid, uint gid);
    [LibraryImport("libc", SetLastError = true)] private static partial int symlink(byte* target, byte* path);
    [LibraryImport("libc", SetLastError = true)] private static partial int mkfifo(byte* path, uint mode);
    [LibraryImport("libc", SetLastError = true)] private static partial int open(byte* path, int flags, uint mode);
    [LibraryImport("libc", SetLastError = true)] public static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial nint read(int fd, byte* buf, nint n);
    [LibraryImport("libc", SetLastError = true)] private static partial nint write(int fd, byte* buf, nint n);
    [LibraryImport("libc", SetLastError = true)] private static partial int ioctl(int fd, ulong req, nint arg);
    [LibraryImport("libc", SetLastError = true)] private static partial int setsid();
    [LibraryImport("libc", SetLastError = true)] private static partial int setresuid(uint r, uint e, uint s);
    [LibraryImport("libc", SetLastError = true)] private static partial int setresgid(uint r, uint e, uint s);
    [LibraryImport("libc", SetLastError = true)] private static partial int setgroups(nint n, uint* list);
    [LibraryImport("libc", SetLastError = true)] private static partial int prctl(int op, ulong a2, ulong a3, ulong a4, ulong a5);
    [LibraryImport("libc", SetLastError = true)] private static partial int setrlimit(int res, ulong* lim);
    [LibraryImport("libc", SetLastError = true)] private static partial uint umask(uint mask);
    [LibraryImport("libc", SetLastError = true)] private static partial int execve(byte* path, byte** argv, byte** envp);
    [LibraryImport("libc", SetLastError = true)] private static partial int kill(int pid, int sig);
    [LibraryImport("libc", SetLastError = true)] private static partial int waitpid(int pid, int* status, int options);
    [LibraryImport("libc", SetLastError = true)] private static partial int socketpair(int domain, int type, int protocol, int* fds);
    [LibraryImport("libc", SetLastError = true)] private static partial int socket(int domain, int type, int protocol);
    [LibraryImport("libc", SetLastError = true)] private static partial int connect(int fd, byte* addr, int len);
    [LibraryImport("libc", SetLastError = true)] private static partial nint sendmsg(int fd, void* msg, int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int poll(void* fds, ulong n, int timeout);
    [LibraryImport("libc", SetLastError = true)] private static partial int pipe2(int* fds, int flags);
    [LibraryImport("libc", SetLastError = true)] private static partial int dup2(int a, int b);
    [LibraryImport("libc", SetLastError = true)] private static partial int fcntl(int fd, int cmd, long arg);
    [LibraryImport("libc", SetLastError = true)] private static partial int getpid();
    [LibraryImport("libc", SetLastError = true)] private static partial int statfs(byte* path, byte* buf);
    [LibraryImport("libc", SetLastError = true)] private static partial int unlockpt(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int ptsname_r(int fd, byte* buf, nint len);
    [LibraryImport("libc", SetLastError = true)] private static partial int posix_spawn(int* pid, byte* path, void* fa, void* attr, byte** argv, byte** envp);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(void* fa);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(void* fa);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(void* fa, int fd, int newfd);
    [LibraryImport("libc")] private static partial int posix_spawnattr_init(void* a);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setflags(void* a, short flags);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigdefault(void* a, void* set);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigmask(void* a, void* set);
    [LibraryImport("libc")] private static partial int sigfillset(void* set);
    [LibraryImport("libc")] private static partial int sigemptyset(void* set);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Strerror(int e) => Marshal.GetPInvokeErrorMessage(e);

    /// <summary>A NUL-terminated UTF-8 copy of s (null stays null).</summary>
    public static byte[]? Z(string? s) => s is null ? null : Encoding.UTF8.GetBytes(s + "\0");

    public static RuntimeError Fail(string what, int errno) => new($"{what}: {Strerror(errno)}", errno);

    public static int Mount(string? source, string target, string? fstype, ulong flags, string? data)
    {
        byte[]? a = Z(source), b = Z(target), c = Z(fstype), d = Z(data);
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (byte* pc = c) fixed (byte* pd = d)
            return mount(pa, pb, pc, flags, pd) == 0 ? 0 : Errno;
    }

    public static int Umount(string target, int flags)
    {
        fixed (byte* p = Z(target)) return umount2(p, flags) == 0 ? 0 : Errno;
    }

    public static int PivotRoot(string newRoot, string putOld)
    {
        fixed (byte* a = Z(newRoot)) fixed (byte* b = Z(putOld))
            return syscall(155, (long)a, (long)b, 0, 0, 0) == 0 ? 0 : Errno;
    }

    public static long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0)
    {
        long r = syscall(nr, a1, a2, a3, a4, a5);
        return r < 0 ? -Errno : r;
    }

    public static int Chdir(string path) { fixed (byte* p = Z(path)) return chdir(p) == 0 ? 0 : Errno; }
    public static int Fchdir(int fd) => fchdir(fd) == 0 ? 0 : Errno;
    public static int Chroot(string path) { fixed (byte* p = Z(path)) return chroot(p) == 0 ? 0 : Errno; }

    /// <summary>realpath(3): the path with every symlink resolved, or null.</summary>
    public static string? RealPath(string path)
    {
        byte* buf = stackalloc byte[4097];
        fixed (byte* p = Z(path)) return realpath(p, buf) is null ? null : Marshal.PtrToStringUTF8((nint)buf);
    }

    /// <summary>Device and inode of a file (stat(2), following symlinks); null when it cannot be stat'ed.</summary>
    public static (ulong Dev, ulong Ino)? FileId(string path)
    {
        byte* buf = stackalloc byte[144]; // struct stat on x86_64: st_dev at 0, st_ino at 8
        fixed (byte* p = Z(path)) return syscall(4 /*stat*/, (long)p, (long)buf, 0, 0, 0) == 0 ? (*(ulong*)buf, *(ulong*)(buf + 8)) : null;
    }
    public static int SetHostname(string name) { var b = Encoding.UTF8.GetBytes(name); fixed (byte* p = b) return sethostname(p, b.Length) == 0 ? 0 : Errno; }
    public static int SetDomainname(string name) { var b = Encoding.UTF8.GetBytes(name); fixed (byte* p = b) return setdomainname(p, b.Length) == 0 ? 0 : Errno; }
    public static int Mknod(string path, uint mode, ulong dev) { fixed (byte* p = Z(path)) return mknod(p, mode, dev) == 0 ? 0 : Errno; }
    public static int Lchown(string path, uint uid, uint gid) { fixed (byte* p = Z(path)) return lchown(p, uid, gid) == 0 ? 0 : Errno; }
    public static int Symlink(string target, string path) { fixed (byte* a = Z(target)) fixed (byte* b = Z(path)) return symlink(a, b) == 0 ? 0 : Errno; }
    public static int Mkfifo(string path, uint mode) { fixed (byte* p = Z(path)) return mkfifo(p, mode) == 0 ? 0 : Errno; }
    public static ulong Makedev(long major, long minor) =>
        ((ulong)(major & 0xfff) << 8) | ((ulong)(major & ~0xfffL) << 32) | ((ulong)minor & 0xff) | (((ulong)minor & ~0xffUL) << 12);

    /// <summary>open(2); returns the fd or -errno.</summary>
    public static int Open(string path, int flags, uint mode = 0)
    {
        fixed (byte* p = Z(path)) { int fd = open(p, flags, mode); return fd >= 0 ? fd : -Errno; }
    }

    public static int Read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf)
            while (true) { nint r = read(fd, p, buf.Length); if (r >= 0) return (int)r; int e = Errno; if (e != EINTR) return -e; }
    }

    public static int Fcntl(int fd, int cmd, long arg) { int r = fcntl(fd, cmd, arg); return r >= 0 ? r : -Errno; }

    public static int WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                nint w = write(fd, p + off, data.Length - off);
                if (w < 0) { int e = Errno; if (e == EINTR) continue; return e; }
                off += (int)w;
            }
        }
        return 0;
    }

    /// <summary>Write a value to a kernel file (cgroup, proc) in one write(2) call; returns 0 or errno.</summary>
    public static int WriteFile(string path, string value)
    {
        int fd = Open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) return -fd;
        var b = Encoding.UTF8.GetBytes(value);
        int r;
        fixed (byte* p = b) r = write(fd, p, b.Length) == b.Length ? 0 : Errno;
        close(fd);
        return r;
    }

    public static int Ioctl(int fd, ulong req, nint arg) => ioctl(fd, req, arg) == 0 ? 0 : Errno;
    public static int IoctlValue(int fd, ulong req) { int r = ioctl(fd, req, 0); return r >= 0 ? r : -Errno; }
    public static int Setsid() => setsid() >= 0 ? 0 : Errno;
    public static int SetResUid(uint u) => setresuid(u, u, u) == 0 ? 0 : Errno;
    public static int SetResGid(uint g) => setresgid(g, g, g) == 0 ? 0 : Errno;
    public static int SetGroups(uint[] gids) { fixed (uint* p = gids) return setgroups(gids.Length, p) == 0 ? 0 : Errno; }
    public static int Prctl(int op, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0) { int r = prctl(op, a2, a3, a4, a5); return r >= 0 ? r : -Errno; }
    public static int SetRlimit(int res, ulong soft, ulong hard) { ulong* l = stackalloc ulong[2]; l[0] = soft; l[1] = hard; return setrlimit(res, l) == 0 ? 0 : Errno; }
    public static uint Umask(uint m) => umask(m);
    public static int Kill(int pid, int sig) => kill(pid, sig) == 0 ? 0 : Errno;
    public static int Getpid() => getpid();
    public static int Dup2(int a, int b) => dup2(a, b) >= 0 ? 0 : Errno;
    public static int SetCloexec(int fd, bool on) => fcntl(fd, 2 /*F_SETFD*/, on ? 1 : 0) == 0 ? 0 : Errno;

    /// <summary>waitpid; returns pid (status decoded to an exit code: code or 128+signal), 0 with WNOHANG, or -errno.</summary>
    public static int WaitPid(int pid, out int exitCode, bool noHang = false)
    {
        int st;
        while (true)
        {
            int r = waitpid(pid, &st, noHang ? 1 : 0);
            if (r > 0) { exitCode = (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f); return r; }
            if (r == 0) { exitCode = 0; return 0; }
            int e = Errno;
            if (e == EINTR) continue;
            exitCode = -1;
            return -e;
        }
    }

    public static int SocketPair(out int a, out int b)
    {
        int* fds = stackalloc int[2];
        int r = socketpair(1 /*AF_UNIX*/, 1 /*SOCK_STREAM*/ | O_CLOEXEC, 0, fds);
        a = fds[0]; b = fds[1];
        return r == 0 ? 0 : Errno;
    }

    public static int Pipe(out int r, out int w)
    {
        int* fds = stackalloc int[2];
        int x = pipe2(fds, O_CLOEXEC);
        r = fds[0]; w = fds[1];
        return x == 0 ? 0 : Errno;
    }

    /// <summary>Connect a new AF_UNIX stream socket to path; returns fd or -errno.</summary>
    public static int ConnectUnix(string path)
    {
        int fd = socket(1, 1 | O_CLOEXEC, 0);
        if (fd < 0) return -Errno;
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        addr[0] = 1; // AF_UNIX
        var p = Encoding.UTF8.GetBytes(path);
        if (p.Length > 107) { close(fd); return -EINVAL; }
        p.CopyTo(new Span<byte>(addr + 2, 107));
        if (connect(fd, addr, 2 + p.Length + 1) < 0) { int e = Errno; close(fd); return -e; }
        return fd;
    }

    /// <summary>Send one descriptor over a unix socket (SCM_RIGHTS) with a short text payload.</summary>
    public static int SendFd(int sock, int fdToSend, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text.Length == 0 ? "\0" : text);
        byte* control = stackalloc byte[24];
        new Span<byte>(control, 24).Clear();
        *(ulong*)control = 20;          // cmsg_len = CMSG_LEN(sizeof(int))
        *(int*)(control + 8) = 1;       // SOL_SOCKET
        *(int*)(control + 12) = 1;      // SCM_RIGHTS
        *(int*)(control + 16) = fdToSend;
        fixed (byte* pp = payload)
        {
            long* iov = stackalloc long[2];
            iov[0] = (long)pp; iov[1] = payload.Length;
            byte* msg = stackalloc byte[56];
            new Span<byte>(msg, 56).Clear();
            *(long*)(msg + 16) = (long)iov;   // msg_iov
            *(long*)(msg + 24) = 1;           // msg_iovlen
            *(long*)(msg + 32) = (long)control;
            *(long*)(msg + 40) = 24;          // msg_controllen
            return sendmsg(sock, msg, 0) >= 0 ? 0 : Errno;
        }
    }

    /// <summary>Wait until fd is readable; returns 1 ready, 0 timeout, -errno.</summary>
    public static int PollIn(int fd, int timeoutMs)
    {
        long pfd = (uint)fd | (1L << 32); // struct pollfd { int fd; short events = POLLIN; short revents; }
        while (true)
        {
            int r = poll(&pfd, 1, timeoutMs);
            if (r >= 0) return r;
            int e = Errno;
            if (e != EINTR) return -e;
        }
    }

    public static long StatfsType(string path)
    {
        byte* buf = stackalloc byte[128];
        fixed (byte* p = Z(path)) return statfs(p, buf) == 0 ? *(long*)buf : -1;
    }

    public static ulong StatfsFlags(string path)
    {
        byte* buf = stackalloc byte[128];
        fixed (byte* p = Z(path)) return statfs(p, buf) == 0 ? *(ulong*)(buf + 80) : 0; // f_flags
    }

    public static int OpenPtyMaster(out string slaveName)
    {
        slaveName = "";
        int fd = Open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) return fd;
        if (unlockpt(fd) != 0) { int e = Errno; close(fd); return -e; }
        byte* buf = stackalloc byte[128];
        if (ptsname_r(fd, buf, 128) != 0) { int e = Errno; close(fd); return -e; }
        slaveName = Marshal.PtrToStringUTF8((nint)buf) ?? "";
        return fd;
    }

    private static byte** ToArgv(IReadOnlyList<string> list, List<GCHandle> pins)
    {
        byte** arr = (byte**)NativeMemory.AllocZeroed((nuint)(list.Count + 1), (nuint)sizeof(nint));
        for (int i = 0; i < list.Count; i++)
        {
            var h = GCHandle.Alloc(Encoding.UTF8.GetBytes(list[i] + "\0"), GCHandleType.Pinned);
            pins.Add(h);
            arr[i] = (byte*)h.AddrOfPinnedObject();
        }
        return arr;
    }

    /// <summary>execve; returns only on failure (errno).</summary>
    public static int Execve(string path, IReadOnlyList<string> args, IReadOnlyList<string> env)
    {
        var pins = new List<GCHandle>();
        byte** argv = ToArgv(args, pins), envp = ToArgv(env, pins);
        int e;
        fixed (byte* p = Z(path)) { execve(p, argv, envp); e = Errno; }
        foreach (var h in pins) h.Free();
        NativeMemory.Free(argv); NativeMemory.Free(envp);
        return e;
    }

    /// <summary>
    /// posix_spawn with fd mapping (target fd -> source fd; source -1 leaves the target as inherited).
    /// Signals are reset to default and unblocked in the child. Returns pid or -errno.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string> env, IReadOnlyList<(int Target, int Source)> fds)
    {
        var pins = new List<GCHandle>();
        byte** argv = ToArgv(args, pins), envp = ToArgv(env, pins);
        byte* fa = stackalloc byte[256];
        byte* attr = stackalloc byte[512];
        byte* set = stackalloc byte[128];
        try
        {
            posix_spawn_file_actions_init(fa);
            foreach (var (t, s) in fds) if (s >= 0) posix_spawn_file_actions_adddup2(fa, s, t);
            posix_spawnattr_init(attr);
            sigfillset(set);
            posix_spawnattr_setsigdefault(attr, set);
            sigemptyset(set);
            posix_spawnattr_setsigmask(attr, set);
            posix_spawnattr_setflags(attr, 0x04 | 0x08); // POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
            int pid;
            int r;
            fixed (byte* p = Z(path)) r = posix_spawn(&pid, p, fa, attr, argv, envp);
            posix_spawn_file_actions_destroy(fa);
            return r == 0 ? pid : -r;
        }
        finally
        {
            foreach (var h in pins) h.Free();
            NativeMemory.Free(argv); NativeMemory.Free(envp);
        }
    }
}

/// <summary>An error pscrun reports and exits on.</summary>
internal sealed class RuntimeError : Exception
{
    public int Errno { get; }
    public RuntimeError(string message, int errno = 0) : base(message) { Errno = errno; }
}
