using System.Runtime.InteropServices;
using System.Text;
using PsContainers.FileSystem;

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

    private static int Err(int r) => r == 0 ? 0 : Libc.Errno;

    public unsafe int Lchown(string path, int uid, int gid)
    {
        fixed (byte* p = Libc.CString(path)) return Err(Libc.lchown(p, (uint)uid, (uint)gid));
    }

    public unsafe int Lsetxattr(string path, string name, byte[] value)
    {
        fixed (byte* p = Libc.CString(path)) fixed (byte* n = Libc.CString(name)) fixed (byte* v = value)
            return Err(Libc.lsetxattr(p, n, v, (nuint)value.Length, 0));
    }

    public unsafe int Chmod(string path, uint mode)
    {
        fixed (byte* p = Libc.CString(path)) return Err(Libc.chmod(p, mode));
    }

    public unsafe int Lstat(string path, out FileStatus status)
    {
        StatX64 st;
        int r;
        fixed (byte* p = Libc.CString(path)) r = Libc.lstat(p, &st);
        if (r != 0) { status = default; return Libc.Errno; }
        status = new FileStatus(st.st_mode, (int)st.st_uid, (int)st.st_gid, st.st_rdev, st.st_size, st.st_ino, st.st_nlink, st.st_mtime, st.st_mtime_nsec);
        return 0;
    }

    public unsafe Dictionary<string, byte[]> Lgetxattrs(string path)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        fixed (byte* p = Libc.CString(path))
        {
            nint n = Libc.llistxattr(p, null, 0);
            if (n <= 0) return result;
            var list = new byte[n];
            fixed (byte* l = list) n = Libc.llistxattr(p, l, (nuint)list.Length);
            if (n <= 0) return result;
            foreach (var name in Encoding.UTF8.GetString(list, 0, (int)n).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                fixed (byte* nm = Libc.CString(name))
                {
                    nint vn = Libc.lgetxattr(p, nm, null, 0);
                    if (vn < 0) continue;
                    var v = new byte[vn];
                    if (vn > 0) fixed (byte* vp = v) vn = Libc.lgetxattr(p, nm, vp, (nuint)v.Length);
                    if (vn >= 0) result[name] = v[..(int)vn];
                }
            }
        }
        return result;
    }
}
