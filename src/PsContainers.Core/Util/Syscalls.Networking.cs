using PsContainers.FileSystem;

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
    public const int CLONE_NEWNET = Libc.CLONE_NEWNET;
    public const ulong MS_RDONLY = Libc.MS_RDONLY, MS_NOSUID = Libc.MS_NOSUID, MS_NODEV = Libc.MS_NODEV, MS_NOEXEC = Libc.MS_NOEXEC, MS_REMOUNT = Libc.MS_REMOUNT,
        MS_BIND = Libc.MS_BIND, MS_REC = Libc.MS_REC, MS_PRIVATE = Libc.MS_PRIVATE, MS_SHARED = Libc.MS_SHARED;
    public const int MNT_DETACH = Libc.MNT_DETACH;
}

public partial class LinuxSyscalls
{
    public int NetUnshare(int flags, out int errno)
    {
        int r = Libc.unshare(flags);
        errno = r == 0 ? 0 : Libc.Errno;
        return r;
    }

    public int NetSetns(int fd, int nstype, out int errno)
    {
        int r = Libc.setns(fd, nstype);
        errno = r == 0 ? 0 : Libc.Errno;
        return r;
    }

    public int NetMount(string? source, string target, string? fstype, ulong flags, string? data, out int errno)
    {
        int r = MountNative(source, target, fstype, flags, data);
        errno = r == 0 ? 0 : Libc.Errno;
        return r;
    }

    public int NetUmount2(string target, int flags, out int errno)
    {
        int r = Umount2Native(target, flags);
        errno = r == 0 ? 0 : Libc.Errno;
        return r;
    }

    public unsafe int InterfaceUp(string name, out int errno)
    {
        const nuint SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) { errno = Libc.Errno; return -1; }
        byte* ifr = stackalloc byte[40];
        for (int i = 0; i < 40; i++) ifr[i] = 0;
        for (int i = 0; i < name.Length && i < 15; i++) ifr[i] = (byte)name[i];
        int r = Libc.ioctl(fd, SIOCGIFFLAGS, ifr);
        if (r == 0)
        {
            *(short*)(ifr + 16) |= 1; // IFF_UP
            r = Libc.ioctl(fd, SIOCSIFFLAGS, ifr);
        }
        errno = r == 0 ? 0 : Libc.Errno;
        Libc.close(fd);
        return r;
    }
}
