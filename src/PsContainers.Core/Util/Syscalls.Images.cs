using System.Runtime.InteropServices;
using System.Text;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>lchown(2). Returns 0 or the errno.</summary>
    int Lchown(string path, int uid, int gid);
    /// <summary>lsetxattr(2). Returns 0 or the errno.</summary>
    int Lsetxattr(string path, string name, byte[] value);
    /// <summary>llistxattr + lgetxattr: every extended attribute of a path (not following symlinks).</summary>
    Dictionary<string, byte[]> Lgetxattrs(string path);
    /// <summary>chmod(2) with the full mode (including setuid/setgid/sticky). Returns 0 or the errno.</summary>
    int Chmod(string path, uint mode);
    /// <summary>lstat(2) essentials: file type+mode, uid, gid, rdev, size, inode, nlink. Returns 0 or the errno.</summary>
    int Lstat(string path, out FileStatus status);
}

/// <summary>What lstat(2) reports that the layer code needs.</summary>
public readonly record struct FileStatus(uint Mode, int Uid, int Gid, ulong Rdev, long Size, ulong Inode, ulong Nlink, long MtimeSeconds, long MtimeNanos)
{
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;
    public uint Type => Mode & S_IFMT;
    public bool IsDirectory => Type == S_IFDIR;
    public bool IsSymlink => Type == S_IFLNK;
    public bool IsRegular => Type == S_IFREG;
    public bool IsCharDevice => Type == S_IFCHR;
    public uint Major => (uint)(((Rdev >> 32) & 0xfffff000) | ((Rdev >> 8) & 0xfff));
    public uint Minor => (uint)(((Rdev >> 12) & 0xffffff00) | (Rdev & 0xff));
}

public partial class LinuxSyscalls
{

    // struct stat on x86_64
    [StructLayout(LayoutKind.Sequential)]
    private struct StatX64
    {
        public ulong st_dev; public ulong st_ino; public ulong st_nlink;
        public uint st_mode; public uint st_uid; public uint st_gid; public int __pad0;
        public ulong st_rdev; public long st_size; public long st_blksize; public long st_blocks;
        public long st_atime; public long st_atime_nsec; public long st_mtime; public long st_mtime_nsec;
        public long st_ctime; public long st_ctime_nsec; public long r0, r1, r2;
    }

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown_native(string path, int uid, int gid);
    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lsetxattr_native(string path, string name, byte[] value, nuint size, int flags);
    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr_native(string path, byte[]? list, nuint size);
    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr_native(string path, string name, byte[]? value, nuint size);
    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chmod_native(string path, uint mode);
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lstat_native(string path, out StatX64 st);

    private static int Err(int r) => r == 0 ? 0 : Marshal.GetLastPInvokeError();

    public int Lchown(string path, int uid, int gid) => Err(lchown_native(path, uid, gid));
    public int Lsetxattr(string path, string name, byte[] value) => Err(lsetxattr_native(path, name, value, (nuint)value.Length, 0));
    public int Chmod(string path, uint mode) => Err(chmod_native(path, mode));

    public int Lstat(string path, out FileStatus status)
    {
        int r = lstat_native(path, out var st);
        if (r != 0) { status = default; return Marshal.GetLastPInvokeError(); }
        status = new FileStatus(st.st_mode, (int)st.st_uid, (int)st.st_gid, st.st_rdev, st.st_size, st.st_ino, st.st_nlink, st.st_mtime, st.st_mtime_nsec);
        return 0;
    }

    public Dictionary<string, byte[]> Lgetxattrs(string path)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        nint n = llistxattr_native(path, null, 0);
        if (n <= 0) return result;
        var list = new byte[n];
        n = llistxattr_native(path, list, (nuint)list.Length);
        if (n <= 0) return result;
        foreach (var name in Encoding.UTF8.GetString(list, 0, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            nint vn = lgetxattr_native(path, name, null, 0);
            if (vn < 0) continue;
            var v = new byte[vn];
            if (vn > 0) vn = lgetxattr_native(path, name, v, (nuint)v.Length);
            if (vn >= 0) result[name] = v[..(int)vn];
        }
        return result;
    }
}
