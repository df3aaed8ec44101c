using System.Runtime.InteropServices;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>unshare(2) for the calling thread. Returns 0 or -1 with errno.</summary>
    int NetUnshare(int flags, out int errno);
    /// <summary>setns(2) for the calling thread.</summary>
    int NetSetns(int fd, int nstype, out int errno);
    /// <summary>mount(2).</summary>
    int NetMount(string? source, string target, string? fstype, ulong flags, string? data, out int errno);
    /// <summary>umount2(2).</summary>
    int NetUmount2(string target, int flags, out int errno);
    /// <summary>Sets IFF_UP on an interface of the calling thread's network namespace.</summary>
    int InterfaceUp(string name, out int errno);
}

/// <summary>Constants for the networking and volume system calls.</summary>
public static class NetSys
{
    public const int CLONE_NEWNET = 0x40000000;
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_REMOUNT = 32, MS_BIND = 4096, MS_REC = 16384, MS_PRIVATE = 1 << 18, MS_SHARED = 1 << 20;
    public const int MNT_DETACH = 2;
}

public partial class LinuxSyscalls
{
    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int net_unshare(int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int net_setns(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int net_mount(string? source, string target, string? fstype, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int net_umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int net_socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int net_ioctl(int fd, ulong request, byte* arg);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int net_close(int fd);

    public int NetUnshare(int flags, out int errno)
    {
        int r = net_unshare(flags);
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        return r;
    }

    public int NetSetns(int fd, int nstype, out int errno)
    {
        int r = net_setns(fd, nstype);
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        return r;
    }

    public int NetMount(string? source, string target, string? fstype, ulong flags, string? data, out int errno)
    {
        int r = net_mount(source, target, fstype, flags, data);
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        return r;
    }

    public int NetUmount2(string target, int flags, out int errno)
    {
        int r = net_umount2(target, flags);
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        return r;
    }

    public unsafe int InterfaceUp(string name, out int errno)
    {
        const int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000;
        const ulong SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
        int fd = net_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) { errno = Marshal.GetLastPInvokeError(); return -1; }
        byte* ifr = stackalloc byte[40];
        for (int i = 0; i < 40; i++) ifr[i] = 0;
        for (int i = 0; i < name.Length && i < 15; i++) ifr[i] = (byte)name[i];
        int r = net_ioctl(fd, SIOCGIFFLAGS, ifr);
        if (r == 0)
        {
            *(short*)(ifr + 16) |= 1; // IFF_UP
            r = net_ioctl(fd, SIOCSIFFLAGS, ifr);
        }
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        net_close(fd);
        return r;
    }
}
