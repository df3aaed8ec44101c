using System.Runtime.InteropServices;
using System.Text;
using PsContainers.FileSystem;
using static PsContainers.FileSystem.Libc;

namespace PsContainers.Runtime;

/// <summary>
/// pscrun's wrappers over the shared libc table (<see cref="Libc"/>, src/Shared/FileSystem: every P/Invoke of the three
/// programs is declared there once). Each wrapper reads errno right after the call and returns 0 or the errno (or -errno
/// where it returns a descriptor or pid).
/// </summary>
internal static unsafe class Native
{
    public const int ECONNRESET = 104, EINTR = 4, ENOENT = 2, EEXIST = 17, EBUSY = 16, ESRCH = 3, EAGAIN = 11, EINVAL = 22, EPERM = 1, ENOTDIR = 20, ENXIO = 6;

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Strerror(int e) => Marshal.GetPInvokeErrorMessage(e);

    public static RuntimeError Fail(string what, int errno) => new($"{what}: {Strerror(errno)}", errno);

    public static int Mount(string? source, string target, string? fstype, ulong flags, string? data)
    {
        byte[]? a = CString(source), b = CString(target), c = CString(fstype), d = CString(data);
        fixed (byte* pa = a) fixed (byte* pb = b) fixed (byte* pc = c) fixed (byte* pd = d)
            return mount(pa, pb, pc, flags, pd) == 0 ? 0 : Errno;
    }

    public static int Umount(string target, int flags)
    {
        fixed (byte* p = CString(target)) return umount2(p, flags) == 0 ? 0 : Errno;
    }

    public static int PivotRoot(string newRoot, string putOld)
    {
        fixed (byte* a = CString(newRoot)) fixed (byte* b = CString(putOld))
            return syscall(SYS_pivot_root, (nint)a, (nint)b, 0, 0, 0, 0) == 0 ? 0 : Errno;
    }

    public static long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0)
    {
        long r = syscall(nr, (nint)a1, (nint)a2, (nint)a3, (nint)a4, (nint)a5, 0);
        return r < 0 ? -Errno : r;
    }

    public static int Chdir(string path) { fixed (byte* p = CString(path)) return chdir(p) == 0 ? 0 : Errno; }
    public static int Fchdir(int fd) => fchdir(fd) == 0 ? 0 : Errno;
    public static int Chroot(string path) { fixed (byte* p = CString(path)) return chroot(p) == 0 ? 0 : Errno; }

    /// <summary>realpath(3): the path with every symlink resolved, or null.</summary>
    public static string? RealPath(string path)
    {
        byte* buf = stackalloc byte[4097];
        fixed (byte* p = CString(path)) return realpath(p, buf) is null ? null : Marshal.PtrToStringUTF8((nint)buf);
    }

    /// <summary>Device and inode of a file (stat(2), following symlinks); null when it cannot be stat'ed.</summary>
    public static (ulong Dev, ulong Ino)? FileId(string path)
    {
        byte* buf = stackalloc byte[144]; // struct stat on x86_64: st_dev at 0, st_ino at 8
        fixed (byte* p = CString(path)) return syscall(4 /*stat*/, (nint)p, (nint)buf, 0, 0, 0, 0) == 0 ? (*(ulong*)buf, *(ulong*)(buf + 8)) : null;
    }
    public static int SetHostname(string name) { var b = Encoding.UTF8.GetBytes(name); fixed (byte* p = b) return sethostname(p, b.Length) == 0 ? 0 : Errno; }
    public static int SetDomainname(string name) { var b = Encoding.UTF8.GetBytes(name); fixed (byte* p = b) return setdomainname(p, b.Length) == 0 ? 0 : Errno; }
    public static int Mknod(string path, uint mode, ulong dev) { fixed (byte* p = CString(path)) return mknod(p, mode, dev) == 0 ? 0 : Errno; }
    public static int Lchown(string path, uint uid, uint gid) { fixed (byte* p = CString(path)) return lchown(p, uid, gid) == 0 ? 0 : Errno; }
    public static int Symlink(string target, string path) { fixed (byte* a = CString(target)) fixed (byte* b = CString(path)) return symlink(a, b) == 0 ? 0 : Errno; }
    public static int Mkfifo(string path, uint mode) { fixed (byte* p = CString(path)) return mkfifo(p, mode) == 0 ? 0 : Errno; }
    public static ulong Makedev(long major, long minor) =>
        ((ulong)(major & 0xfff) << 8) | ((ulong)(major & ~0xfffL) << 32) | ((ulong)minor & 0xff) | (((ulong)minor & ~0xffUL) << 12);

    /// <summary>open(2); returns the fd or -errno.</summary>
    public static int Open(string path, int flags, uint mode = 0)
    {
        fixed (byte* p = CString(path)) { int fd = open(p, flags, mode); return fd >= 0 ? fd : -Errno; }
    }

    public static int Read(int fd, Span<byte> buf)
    {
        fixed (byte* p = buf)
            while (true) { nint r = read(fd, p, (nuint)buf.Length); if (r >= 0) return (int)r; int e = Errno; if (e != EINTR) return -e; }
    }

    public static int Fcntl(int fd, int cmd, long arg) { int r = fcntl(fd, cmd, (int)arg); return r >= 0 ? r : -Errno; }

    public static int WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                nint w = write(fd, p + off, (nuint)(data.Length - off));
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
        fixed (byte* p = b) r = write(fd, p, (nuint)b.Length) == b.Length ? 0 : Errno;
        close(fd);
        return r;
    }

    public static int Ioctl(int fd, ulong req, nint arg) => ioctl(fd, (nuint)req, (void*)arg) == 0 ? 0 : Errno;
    public static int IoctlValue(int fd, ulong req) { int r = ioctl(fd, (nuint)req, null); return r >= 0 ? r : -Errno; }
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
            return sendmsg(sock, (MsgHdr*)msg, 0) >= 0 ? 0 : Errno;
        }
    }

    /// <summary>Wait until fd is readable; returns 1 ready, 0 timeout, -errno.</summary>
    public static int PollIn(int fd, int timeoutMs)
    {
        long pfd = (uint)fd | (1L << 32); // struct pollfd { int fd; short events = POLLIN; short revents; }
        while (true)
        {
            int r = poll((PollFd*)&pfd, 1, timeoutMs);
            if (r >= 0) return r;
            int e = Errno;
            if (e != EINTR) return -e;
        }
    }

    public static ulong StatfsFlags(string path)
    {
        byte* buf = stackalloc byte[128];
        fixed (byte* p = CString(path)) return statfs(p, buf) == 0 ? *(ulong*)(buf + 80) : 0; // f_flags
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
        fixed (byte* p = CString(path)) { execve(p, argv, envp); e = Errno; }
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
            fixed (byte* p = CString(path)) r = posix_spawn(&pid, p, fa, attr, argv, envp);
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
