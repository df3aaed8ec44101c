using System.Runtime.InteropServices;
using System.Text;
using static PsContainers.FileSystem.Libc;
using static PsContainers.FileSystem.Errno;

namespace PsContainers.Monitor;

/// <summary>
/// The monitor's helpers over the shared libc table (<see cref="PsContainers.FileSystem.Libc"/>, src/Shared/FileSystem: every P/Invoke of the
/// three programs is declared there once, with errno captured; the errno values are its <see cref="PsContainers.FileSystem.Errno"/>): unix sockets and descriptor passing, posix_spawn with
/// clean signal state, waiting, the loopback interface of a container's network namespace.
/// </summary>
internal static unsafe class Native
{
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
        nint n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 || msg.ControlLen < 20) return -1;
        // struct cmsghdr { size_t len; int level; int type; } then the fd
        int level = *(int*)(control + 8), type = *(int*)(control + 12);
        if (level != SOL_SOCKET || type != SCM_RIGHTS) return -1;
        return *(int*)(control + 16);
    }

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

    public static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0, 0, 0, 0, 0);


    public static int Open(string path, int flags, int mode = 0x1a4)
    {
        fixed (byte* p = CString(path)) return open(p, flags | O_CLOEXEC, (uint)mode);
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int off = 0;
            while (off < data.Length)
            {
                nint n = write(fd, p + off, (nuint)(data.Length - off));
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
        fixed (byte* p = CString(path)) return umount2(p, MNT_DETACH);
    }

    /// <summary>
    /// posix_spawn a program with the given stdio descriptors (-1 = /dev/null), default signal dispositions
    /// and an empty signal mask (the .NET runtime ignores SIGPIPE; children must not inherit that).
    /// <paramref name="fd3"/> (when not -1) is passed on as the child's fd 3; <paramref name="newSession"/> runs it
    /// in a session of its own (setsid), detached from the caller's terminal and process group.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> args, int stdin, int stdout, int stderr, int fd3 = -1, bool newSession = false)
    {
        using var plan = new SpawnPlan(path, args);
        return plan.Spawn(stdin, stdout, stderr, fd3, newSession);
    }

    /// <summary>Blocking waitpid for one child; returns a shell-style exit code (128+signal when killed).</summary>
    public static int Wait(int pid)
    {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0)
        {
            if (Errno != EINTR) return -1;
        }
        return DecodeWaitStatus(status);
    }
}
