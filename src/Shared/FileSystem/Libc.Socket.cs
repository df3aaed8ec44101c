using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // sockets, descriptor passing and poll: the console socket (pscrun sends, pscmon receives), pscrun's sync socket
    public const int AF_UNIX = 1, AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public const int MSG_CMSG_CLOEXEC = 0x40000000;
    public const short POLLIN = 1, POLLERR = 8, POLLHUP = 0x10;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd { public int fd; public short events; public short revents; }

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec { public void* Base; public nuint Len; }

    /// <summary>struct msghdr (x86-64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr { public void* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen; public void* Control; public nuint ControlLen; public int Flags; }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint n, int timeout);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    public static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int connect(int fd, byte* addr, int len);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int bind(int fd, byte* addr, int len);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int accept4(int fd, byte* addr, int* len, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint recvmsg(int fd, MsgHdr* msg, int flags);
}
