namespace PsContainers.FileSystem;

/// <summary>A time stamp as the kernel keeps it: seconds since the Unix epoch and nanoseconds (0..999,999,999).</summary>
public readonly record struct FsTime(long Seconds, uint Nanoseconds)
{
    /// <summary>The time with .NET's 100 ns precision (the nanoseconds are truncated).</summary>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks(Seconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);

    /// <summary>A time stamp from a .NET time (100 ns precision).</summary>
    public static FsTime From(DateTimeOffset t)
    {
        long ticks = (t.UtcDateTime - DateTime.UnixEpoch).Ticks;
        long sec = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rem);
        if (rem < 0) { sec--; rem += TimeSpan.TicksPerSecond; }
        return new FsTime(sec, (uint)(rem * 100));
    }
}

/// <summary>
/// What statx(2) reports about one object (never a symlink's target unless asked): type and full mode, owner, device
/// numbers, size in bytes, inode, link count, times with nanoseconds, the mount id and whether the object is the root
/// of a mount (STATX_ATTR_MOUNT_ROOT; kernel 5.8+).
/// </summary>
public readonly record struct FsStat(
    uint Mode, uint Uid, uint Gid, uint RdevMajor, uint RdevMinor, uint DevMajor, uint DevMinor,
    long Size, long Blocks, ulong Inode, uint Nlink, FsTime Atime, FsTime Mtime, FsTime Ctime, ulong MountId, bool IsMountRoot)
{
    public const uint S_IFMT = 0xF000, S_IFSOCK = 0xC000, S_IFLNK = 0xA000, S_IFREG = 0x8000, S_IFBLK = 0x6000,
        S_IFDIR = 0x4000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;

    /// <summary>The S_IFMT bits.</summary>
    public uint Type => Mode & S_IFMT;
    /// <summary>The permission bits including setuid, setgid and sticky (07777).</summary>
    public uint Permissions => Mode & 0xFFF;
    public bool IsDirectory => Type == S_IFDIR;
    public bool IsRegular => Type == S_IFREG;
    public bool IsSymlink => Type == S_IFLNK;
    public bool IsCharDevice => Type == S_IFCHR;
    public bool IsBlockDevice => Type == S_IFBLK;
    public bool IsFifo => Type == S_IFIFO;
    public bool IsSocket => Type == S_IFSOCK;
    /// <summary>The device this object lives on, in the kernel's dev_t encoding (as stat(2)'s st_dev).</summary>
    public ulong Device => MakeDev(DevMajor, DevMinor);
    /// <summary>The device a character or block device node stands for, in dev_t encoding (as st_rdev).</summary>
    public ulong Rdev => MakeDev(RdevMajor, RdevMinor);
    /// <summary>The (device, inode) pair that identifies the object on this machine.</summary>
    public (ulong Device, ulong Inode) Identity => (Device, Inode);

    /// <summary>glibc's makedev(3).</summary>
    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
