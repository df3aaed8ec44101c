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
    public const int POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
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
    [LibraryImport("libc", SetLastError = true)] public static partial int fcntl(int fd, int cmd, int arg);
    public const int F_SETFD = 2, FD_CLOEXEC = 1;
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

    [LibraryImport("libc", SetLastError = true)] public static partial int socket(int domain, int type, int protocol);
    [LibraryImport("libc", SetLastError = true)] public static partial int bind(int fd, byte* addr, int len);
    [LibraryImport("libc", SetLastError = true)] public static partial int listen(int fd, int backlog);
    [LibraryImport("libc", SetLastError = true)] public static partial int accept4(int fd, byte* addr, int* len, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial nint recvmsg(int fd, MsgHdr* msg, int flags);
    [LibraryImport("libc", SetLastError = true)] public static partial int tcgetattr(int fd, byte* termios);
    [LibraryImport("libc", SetLastError = true)] public static partial int tcsetattr(int fd, int act, byte* termios);
    [LibraryImport("libc")] public static partial void cfmakeraw(byte* termios);
    [LibraryImport("libc", SetLastError = true)] public static partial int ioctl(int fd, nuint req, void* arg);

    public const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public const nuint TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public void* Base; public nuint Len; }
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr { public void* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen; public void* Control; public nuint ControlLen; public int Flags; }

    /// <summary>A listening unix socket at <paramref name="path"/>.</summary>
    public static int ListenUnix(string path)
    {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        addr[0] = AF_UNIX; // sa_family (little endian short)
        byte[] p = Encoding.UTF8.GetBytes(path);
        if (p.Length > 107) { close(fd); return -1; }
        for (int i = 0; i < p.Length; i++) addr[2 + i] = p[i];
        if (bind(fd, addr, 2 + p.Length + 1) < 0 || listen(fd, 1) < 0) { close(fd); return -1; }
        return fd;
    }

    /// <summary>Receive one descriptor sent with SCM_RIGHTS (the runtime's --console-socket protocol).</summary>
    public static int ReceiveFd(int conn)
    {
        byte* data = stackalloc byte[4096];
        byte* control = stackalloc byte[64];
        var iov = new IoVec { Base = data, Len = 4096 };
        var msg = new MsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = 64 };
        nint n = recvmsg(conn, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */);
        if (n < 0 || msg.ControlLen < 20) return -1;
        // struct cmsghdr { size_t len; int level; int type; } then the fd
        int level = *(int*)(control + 8), type = *(int*)(control + 12);
        if (level != SOL_SOCKET || type != SCM_RIGHTS) return -1;
        return *(int*)(control + 16);
    }

    [LibraryImport("libc", SetLastError = true)] public static partial int setns(int fd, int nstype);

    /// <summary>
    /// Bring up "lo" in the network namespace of <paramref name="pid"/> when it has its own (runc does this
    /// itself; a runtime that does not would leave a container without 127.0.0.1).
    /// </summary>
    public static void LoopbackUp(int pid)
    {
        try
        {
            string? mine = new FileInfo("/proc/self/ns/net").LinkTarget;
            string? theirs = new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
            if (mine is null || theirs is null || mine == theirs) return;
            int self = Open("/proc/self/ns/net", O_RDONLY);
            int target = Open($"/proc/{pid}/ns/net", O_RDONLY);
            if (self >= 0 && target >= 0 && setns(target, 0x40000000 /* CLONE_NEWNET */) == 0)
            {
                int sock = socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */ | SOCK_CLOEXEC, 0);
                if (sock >= 0)
                {
                    byte* ifr = stackalloc byte[40];
                    new Span<byte>(ifr, 40).Clear();
                    ifr[0] = (byte)'l'; ifr[1] = (byte)'o';
                    if (ioctl(sock, 0x8913 /* SIOCGIFFLAGS */, ifr) == 0 && (*(short*)(ifr + 16) & 1) == 0)
                    {
                        *(short*)(ifr + 16) |= 1; // IFF_UP
                        ioctl(sock, 0x8914 /* SIOCSIFFLAGS */, ifr);
                    }
                    close(sock);
                }
                setns(self, 0x40000000);
            }
            if (self >= 0) close(self);
            if (target >= 0) close(target);
        }
        catch { }
    }

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

    /// <summary>Whether <paramref name="path"/> is a mount point in this mount namespace (/proc/self/mountinfo, field 5).</summary>
    public static bool IsMountPoint(string path)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var parts = line.Split(' ');
                if (parts.Length > 4 && parts[4] == path) return true;
            }
        }
        catch { }
        return false;
    }

    public static int Umount(string path)
    {
        fixed (byte* p = Z(path)) return umount2(p, MNT_DETACH);
    }

    /// <summary>
    /// posix_spawn a program with the given stdio descriptors (-1 = /dev/null), default signal dispositions
    /// and an empty signal mask (the .NET runtime ignores SIGPIPE; children must not inherit that).
    /// <paramref name="fd3"/> (when not -1) is passed on as the child's fd 3; <paramref name="newSession"/> runs it
    /// in a session of its own (setsid), detached from the caller's terminal and process group.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> args, int stdin, int stdout, int stderr, int fd3 = -1, bool newSession = false)
    {
        int devnull = Open("/dev/null", O_RDWR);
        byte* fa = stackalloc byte[256];
        byte* attr = stackalloc byte[512];
        byte* set = stackalloc byte[128];
        posix_spawn_file_actions_init(fa);
        posix_spawn_file_actions_adddup2(fa, stdin >= 0 ? stdin : devnull, 0);
        posix_spawn_file_actions_adddup2(fa, stdout >= 0 ? stdout : devnull, 1);
        posix_spawn_file_actions_adddup2(fa, stderr >= 0 ? stderr : devnull, 2);
        if (fd3 >= 0) posix_spawn_file_actions_adddup2(fa, fd3, 3);
        posix_spawnattr_init(attr);
        sigemptyset(set);
        posix_spawnattr_setsigmask(attr, set);
        sigaddset(set, SIGPIPE);
        posix_spawnattr_setsigdefault(attr, set);
        posix_spawnattr_setflags(attr, (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? POSIX_SPAWN_SETSID : 0)));

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
