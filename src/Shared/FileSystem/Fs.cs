using System.Text;

namespace PsContainers.FileSystem;

/// <summary>One entry of a directory as getdents64(2) reports it: the exact name bytes, the d_type hint and the inode.</summary>
public readonly record struct DirEntry(byte[] Name, byte Type, ulong Inode)
{
    public const byte DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
}

/// <summary>
/// The fd-relative primitives: every call names its object as (directory descriptor, name) and never follows a
/// symlink in the final component unless the method says so. A null directory means the current directory
/// (AT_FDCWD) and is only meant for trusted host paths. Names are bytes. Every failure throws <see cref="FsException"/>
/// with the errno (EINTR is retried). Semantics follow the Linux man pages of the calls named in each member.
/// </summary>
public static unsafe class Fs
{
    private static int D(SafeFd? dir) => dir is null ? Libc.AT_FDCWD : dir.Fd;

    // ------------------------------------------------------------------ open / stat

    /// <summary>
    /// openat(2) with O_CLOEXEC added. Flags are the Linux O_* values (see <see cref="OpenFlags"/>). Use
    /// O_NOFOLLOW to refuse a symlink in the final component (ELOOP) and O_PATH|O_NOFOLLOW to get the symlink itself.
    /// Intermediate components ARE followed: pass a single name, or use <see cref="RootedPath"/> for paths.
    /// </summary>
    public static SafeFd OpenAt(SafeFd? dir, ReadOnlySpan<byte> path, int flags, uint mode = 0)
    {
        if (TryOpenAt(dir, path, flags, out var fd, out int e, mode)) return fd!;
        throw new FsException(e, "openat", path);
    }

    /// <summary>Like <see cref="OpenAt"/> but returns false with the errno instead of throwing.</summary>
    public static bool TryOpenAt(SafeFd? dir, ReadOnlySpan<byte> path, int flags, out SafeFd? fd, out int errno, uint mode = 0)
    {
        var z = BytePath.Z(path.IsEmpty ? "."u8 : path);
        int d = D(dir);
        while (true)
        {
            int r;
            fixed (byte* p = z) r = Libc.openat(d, p, flags | Libc.O_CLOEXEC, mode);
            if (r >= 0) { fd = new SafeFd(r); errno = 0; GC.KeepAlive(dir); return true; }
            errno = Libc.Errno;
            if (errno == Errno.EINTR) continue;
            fd = null;
            GC.KeepAlive(dir);
            return false;
        }
    }

    /// <summary>Open the directory <paramref name="name"/> under <paramref name="dir"/> for reading its entries (O_RDONLY|O_DIRECTORY|O_NOFOLLOW): a symlink is refused (ELOOP), never entered.</summary>
    public static SafeFd OpenDirectory(SafeFd dir, ReadOnlySpan<byte> name) =>
        OpenAt(dir, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW);

    /// <summary>statx(2) of the object the descriptor refers to (AT_EMPTY_PATH).</summary>
    public static FsStat Stat(SafeFd fd)
    {
        if (TryStatCore(fd.Fd, ""u8, Libc.AT_EMPTY_PATH, out var st, out int e)) { GC.KeepAlive(fd); return st; }
        throw new FsException(e, "statx", ""u8);
    }

    /// <summary>
    /// statx(2) of <paramref name="path"/> under <paramref name="dir"/>; the final component is not followed (lstat
    /// semantics) unless <paramref name="followSymlinks"/>. An empty path means the descriptor itself.
    /// </summary>
    public static FsStat Stat(SafeFd? dir, ReadOnlySpan<byte> path, bool followSymlinks = false)
    {
        if (TryStat(dir, path, out var st, followSymlinks)) return st;
        throw new FsException(Errno.ENOENT, "statx", path);
    }

    /// <summary>Like <see cref="Stat(SafeFd?, ReadOnlySpan{byte}, bool)"/>; false when the object does not exist (ENOENT, ENOTDIR). Other errors throw.</summary>
    public static bool TryStat(SafeFd? dir, ReadOnlySpan<byte> path, out FsStat status, bool followSymlinks = false)
    {
        int flags = Libc.AT_NO_AUTOMOUNT | (followSymlinks ? 0 : Libc.AT_SYMLINK_NOFOLLOW) | (path.IsEmpty ? Libc.AT_EMPTY_PATH : 0);
        bool ok = TryStatCore(D(dir), path, flags, out status, out int e);
        GC.KeepAlive(dir);
        if (ok) return true;
        if (e is Errno.ENOENT or Errno.ENOTDIR) return false;
        throw new FsException(e, "statx", path);
    }

    /// <summary>True when something (of any type, a dangling symlink included) exists at <paramref name="path"/>.</summary>
    public static bool Exists(SafeFd? dir, ReadOnlySpan<byte> path) => TryStat(dir, path, out _);

    private static bool TryStatCore(int dirfd, ReadOnlySpan<byte> path, int flags, out FsStat st, out int errno)
    {
        var z = BytePath.Z(path);
        byte* buf = stackalloc byte[256];
        int r;
        fixed (byte* p = z) r = Libc.statx(dirfd, p, flags, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, buf);
        if (r != 0) { errno = Libc.Errno; st = default; return false; }
        errno = 0;
        static FsTime T(byte* b, int off) => new(*(long*)(b + off), *(uint*)(b + off + 8));
        ulong attrs = *(ulong*)(buf + 8), attrMask = *(ulong*)(buf + 56);
        st = new FsStat(
            Mode: *(ushort*)(buf + 28), Uid: *(uint*)(buf + 20), Gid: *(uint*)(buf + 24),
            RdevMajor: *(uint*)(buf + 128), RdevMinor: *(uint*)(buf + 132), DevMajor: *(uint*)(buf + 136), DevMinor: *(uint*)(buf + 140),
            Size: *(long*)(buf + 40), Blocks: *(long*)(buf + 48), Inode: *(ulong*)(buf + 32), Nlink: *(uint*)(buf + 16),
            Atime: T(buf, 64), Mtime: T(buf, 112), Ctime: T(buf, 96), MountId: *(ulong*)(buf + 144),
            IsMountRoot: (attrMask & Libc.STATX_ATTR_MOUNT_ROOT) != 0 && (attrs & Libc.STATX_ATTR_MOUNT_ROOT) != 0);
        return true;
    }

    // ------------------------------------------------------------------ create / remove / link

    /// <summary>mkdirat(2) (the umask applies; set the exact mode afterwards with <see cref="Chmod(SafeFd, ReadOnlySpan{byte}, uint)"/>). EEXIST throws.</summary>
    public static void Mkdir(SafeFd? dir, ReadOnlySpan<byte> name, uint mode)
    {
        if (!TryMkdir(dir, name, mode, out int e)) throw new FsException(e, "mkdirat", name);
    }

    /// <summary>mkdirat(2); false with the errno on failure (EEXIST when anything, a symlink included, is already there).</summary>
    public static bool TryMkdir(SafeFd? dir, ReadOnlySpan<byte> name, uint mode, out int errno)
    {
        var z = BytePath.Z(name);
        int r;
        fixed (byte* p = z) r = Libc.mkdirat(D(dir), p, mode);
        errno = r == 0 ? 0 : Libc.Errno;
        GC.KeepAlive(dir);
        return r == 0;
    }

    /// <summary>mknodat(2): a device node, FIFO or socket node. <paramref name="mode"/> includes the S_IF* type; <paramref name="device"/> is a dev_t (<see cref="FsStat.MakeDev"/>).</summary>
    public static void Mknod(SafeFd? dir, ReadOnlySpan<byte> name, uint mode, ulong device)
    {
        var z = BytePath.Z(name);
        int r;
        fixed (byte* p = z) r = Libc.mknodat(D(dir), p, mode, device);
        if (r != 0) throw new FsException(Libc.Errno, "mknodat", name);
        GC.KeepAlive(dir);
    }

    /// <summary>symlinkat(2): create <paramref name="name"/> as a symlink whose target is the exact bytes <paramref name="target"/>.</summary>
    public static void Symlink(ReadOnlySpan<byte> target, SafeFd? dir, ReadOnlySpan<byte> name)
    {
        var zt = BytePath.Z(target);
        var z = BytePath.Z(name);
        int r;
        fixed (byte* t = zt) fixed (byte* p = z) r = Libc.symlinkat(t, D(dir), p);
        if (r != 0) throw new FsException(Libc.Errno, "symlinkat", name);
        GC.KeepAlive(dir);
    }

    /// <summary>
    /// readlinkat(2): the target bytes of the symlink <paramref name="path"/>. An empty path reads the symlink an
    /// O_PATH|O_NOFOLLOW descriptor refers to. EINVAL when it is not a symlink.
    /// </summary>
    public static byte[] ReadLink(SafeFd? dir, ReadOnlySpan<byte> path)
    {
        var z = BytePath.Z(path);
        int size = 256;
        while (true)
        {
            var buf = new byte[size];
            nint n;
            fixed (byte* p = z) fixed (byte* b = buf) n = Libc.readlinkat(D(dir), p, b, (nuint)buf.Length);
            if (n < 0) throw new FsException(Libc.Errno, "readlinkat", path);
            GC.KeepAlive(dir);
            if (n < buf.Length) return buf[..(int)n];
            size *= 4;
        }
    }

    /// <summary>linkat(2) without AT_SYMLINK_FOLLOW: a hard link to exactly the object named (a symlink is linked, not its target).</summary>
    public static void Link(SafeFd? oldDir, ReadOnlySpan<byte> oldName, SafeFd? newDir, ReadOnlySpan<byte> newName)
    {
        var zo = BytePath.Z(oldName);
        var zn = BytePath.Z(newName);
        int r;
        fixed (byte* o = zo) fixed (byte* n = zn) r = Libc.linkat(D(oldDir), o, D(newDir), n, 0);
        if (r != 0) throw new FsException(Libc.Errno, "linkat", newName);
        GC.KeepAlive(oldDir); GC.KeepAlive(newDir);
    }

    /// <summary>unlinkat(2); with <paramref name="directory"/> AT_REMOVEDIR (the directory must be empty). A symlink is removed itself.</summary>
    public static void Unlink(SafeFd? dir, ReadOnlySpan<byte> name, bool directory = false)
    {
        if (!TryUnlink(dir, name, directory, out int e)) throw new FsException(e, directory ? "rmdir" : "unlinkat", name);
    }

    /// <summary>unlinkat(2); false with the errno on failure.</summary>
    public static bool TryUnlink(SafeFd? dir, ReadOnlySpan<byte> name, bool directory, out int errno)
    {
        var z = BytePath.Z(name);
        int r;
        fixed (byte* p = z) r = Libc.unlinkat(D(dir), p, directory ? Libc.AT_REMOVEDIR : 0);
        errno = r == 0 ? 0 : Libc.Errno;
        GC.KeepAlive(dir);
        return r == 0;
    }

    /// <summary>renameat2(2). Flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2). Symlinks are renamed, never followed.</summary>
    public static void Rename(SafeFd? oldDir, ReadOnlySpan<byte> oldName, SafeFd? newDir, ReadOnlySpan<byte> newName, uint flags = 0)
    {
        var zo = BytePath.Z(oldName);
        var zn = BytePath.Z(newName);
        int r;
        fixed (byte* o = zo) fixed (byte* n = zn) r = Libc.renameat2(D(oldDir), o, D(newDir), n, flags);
        if (r != 0) throw new FsException(Libc.Errno, "renameat2", newName);
        GC.KeepAlive(oldDir); GC.KeepAlive(newDir);
    }

    // ------------------------------------------------------------------ owner, mode, times

    /// <summary>fchownat(2) with AT_SYMLINK_NOFOLLOW (a symlink's own owner changes); an empty name means the descriptor itself (AT_EMPTY_PATH, any descriptor kind).</summary>
    public static void Chown(SafeFd? dir, ReadOnlySpan<byte> name, uint uid, uint gid)
    {
        var z = BytePath.Z(name);
        int r;
        fixed (byte* p = z) r = Libc.fchownat(D(dir), p, uid, gid, Libc.AT_SYMLINK_NOFOLLOW | (name.IsEmpty ? Libc.AT_EMPTY_PATH : 0));
        if (r != 0) throw new FsException(Libc.Errno, "fchownat", name);
        GC.KeepAlive(dir);
    }

    /// <summary>
    /// fchmod(2) of an open (not O_PATH) descriptor with the full mode (07777: setuid, setgid and sticky included).
    /// For an O_PATH descriptor it falls back to chmod on /proc/self/fd/N, which reaches exactly that object.
    /// </summary>
    public static void Chmod(SafeFd fd, uint mode)
    {
        int r = Libc.fchmod(fd.Fd, mode & 0xFFF);
        if (r == 0) { GC.KeepAlive(fd); return; }
        int e = Libc.Errno;
        if (e != Errno.EBADF) throw new FsException(e, "fchmod", ""u8);
        ChmodViaProc(fd, mode, ""u8);
    }

    /// <summary>
    /// Change the mode (07777 bits) of <paramref name="name"/> under <paramref name="dir"/> without ever following a
    /// symlink: fchmodat2(2) with AT_SYMLINK_NOFOLLOW (kernel 6.6+); else fchmod on an fd opened O_NOFOLLOW (regular
    /// files, directories) or chmod on /proc/self/fd/N of an O_PATH|O_NOFOLLOW descriptor (device nodes, FIFOs: never opened).
    /// A symlink gives EOPNOTSUPP (Linux symlinks have no mode of their own).
    /// </summary>
    public static void Chmod(SafeFd? dir, ReadOnlySpan<byte> name, uint mode)
    {
        BytePath.ValidateName(name);
        mode &= 0xFFF;
        var z = BytePath.Z(name);
        if (FsFeatures.UseFchmodat2)
        {
            int r;
            fixed (byte* p = z) r = Libc.fchmodat2(D(dir), p, mode, Libc.AT_SYMLINK_NOFOLLOW);
            if (r == 0) { GC.KeepAlive(dir); return; }
            int e = Libc.Errno;
            if (e != Errno.ENOSYS) throw new FsException(e, "fchmodat2", name);
            FsFeatures.Fchmodat2Missing();
        }
        using var opath = OpenAt(dir, name, OpenFlags.Path | OpenFlags.NoFollow);
        var st = Stat(opath);
        if (st.IsSymlink) throw new FsException(Errno.EOPNOTSUPP, "chmod", name, "a symbolic link has no mode of its own");
        if (st.IsRegular || st.IsDirectory)
        {
            if (TryOpenAt(dir, name, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY, out var real, out _))
            {
                using (real)
                {
                    var rs = Stat(real!);
                    if (rs.Inode == st.Inode && rs.Device == st.Device)
                    {
                        if (Libc.fchmod(real!.Fd, mode) != 0) throw new FsException(Libc.Errno, "fchmod", name);
                        return;
                    }
                }
            }
        }
        ChmodViaProc(opath, mode, name);
    }

    private static void ChmodViaProc(SafeFd fd, uint mode, ReadOnlySpan<byte> name)
    {
        var z = BytePath.Z(Encoding.ASCII.GetBytes(fd.ProcPath));
        int r;
        fixed (byte* p = z) r = Libc.chmod(p, mode & 0xFFF);
        if (r != 0) throw new FsException(Libc.Errno, "chmod", name);
        GC.KeepAlive(fd);
    }

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW: set the access and modification times (nanoseconds) of the object itself, a symlink included. An empty name means the descriptor itself (futimens(3); not O_PATH).</summary>
    public static void SetTimes(SafeFd? dir, ReadOnlySpan<byte> name, FsTime atime, FsTime mtime)
    {
        var ts = stackalloc Libc.Timespec[2];
        ts[0] = new Libc.Timespec { tv_sec = atime.Seconds, tv_nsec = atime.Nanoseconds };
        ts[1] = new Libc.Timespec { tv_sec = mtime.Seconds, tv_nsec = mtime.Nanoseconds };
        int r;
        if (name.IsEmpty) r = Libc.futimens(D(dir), ts);
        else
        {
            var z = BytePath.Z(name);
            fixed (byte* p = z) r = Libc.utimensat(D(dir), p, ts, Libc.AT_SYMLINK_NOFOLLOW);
        }
        if (r != 0) throw new FsException(Libc.Errno, "utimensat", name);
        GC.KeepAlive(dir);
    }

    // ------------------------------------------------------------------ directories

    /// <summary>
    /// Every entry of an open directory (getdents64(2) from the start; "." and ".." left out), names as exact bytes.
    /// </summary>
    public static List<DirEntry> ReadDirectory(SafeFd dir)
    {
        var list = new List<DirEntry>();
        int fd = dir.Fd;
        if (Libc.lseek(fd, 0, Libc.SEEK_SET) < 0) throw new FsException(Libc.Errno, "lseek", ""u8);
        var buf = new byte[32768];
        fixed (byte* b = buf)
        {
            while (true)
            {
                nint n = Libc.getdents64(fd, b, (nuint)buf.Length);
                if (n < 0)
                {
                    int e = Libc.Errno;
                    if (e == Errno.EINTR) continue;
                    throw new FsException(e, "getdents64", ""u8);
                }
                if (n == 0) break;
                for (int off = 0; off < n;)
                {
                    ulong ino = *(ulong*)(b + off);
                    ushort reclen = *(ushort*)(b + off + 16);
                    byte type = b[off + 18];
                    var nameSpan = new ReadOnlySpan<byte>(b + off + 19, reclen - 19);
                    int nul = nameSpan.IndexOf((byte)0);
                    if (nul >= 0) nameSpan = nameSpan[..nul];
                    if (!BytePath.IsDotOrDotDot(nameSpan)) list.Add(new DirEntry(nameSpan.ToArray(), type, ino));
                    off += reclen;
                }
            }
        }
        GC.KeepAlive(dir);
        return list;
    }

    /// <summary>True when the directory <paramref name="name"/> (not followed if a symlink: then ENOTDIR/ELOOP throws) has no entries. An empty name means <paramref name="dir"/> itself.</summary>
    public static bool IsEmptyDirectory(SafeFd dir, ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            using var self = OpenAt(dir, "."u8, Libc.O_RDONLY | Libc.O_DIRECTORY);
            return ReadDirectory(self).Count == 0;
        }
        using var d = OpenDirectory(dir, name);
        return ReadDirectory(d).Count == 0;
    }

    // ------------------------------------------------------------------ extended attributes

    /// <summary>
    /// The names of every extended attribute of <paramref name="name"/> under <paramref name="dir"/>, never following a
    /// symlink (works on symlinks, device nodes and FIFOs too; nothing is opened). An empty name means the object the
    /// descriptor itself refers to (f*xattr(2); O_PATH descriptors through /proc/self/fd/N). Names are exact bytes. listxattrat(2) where the kernel
    /// has it (6.13+), else llistxattr(2) on "/proc/self/fd/DIRFD/NAME". EOPNOTSUPP (no xattrs on that file system) gives an empty list.
    /// </summary>
    public static List<byte[]> ListXattrs(SafeFd dir, ReadOnlySpan<byte> name)
    {
        var result = new List<byte[]>();
        for (int attempt = 0; attempt < 8; attempt++)
        {
            long n = XattrCall(dir, name, null, ListFn, null, 0, out int e);
            if (n < 0) { if (e is Errno.EOPNOTSUPP or Errno.ENODATA) return result; throw new FsException(e, "listxattr", name); }
            if (n == 0) return result;
            var list = new byte[n];
            long m;
            fixed (byte* lb = list) m = XattrCall(dir, name, null, ListFn, lb, (nuint)list.Length, out e);
            if (m < 0) { if (e == Errno.ERANGE) continue; throw new FsException(e, "listxattr", name); }
            int start = 0;
            for (int i = 0; i < m; i++)
                if (list[i] == 0) { if (i > start) result.Add(list[start..i]); start = i + 1; }
            if (start < m) result.Add(list[start..(int)m]);
            return result;
        }
        throw new FsException(Errno.ERANGE, "listxattr", name, "the attribute list kept changing");
    }

    private static long ListFn(in XTarget t, byte* attr, byte* buf, nuint len) => t.Mode switch
    {
        XMode.At => Libc.listxattrat(t.Dir, t.Path, t.AtFlags, buf, len),
        XMode.Lpath => Libc.llistxattr(t.Path, buf, len),
        XMode.Fd => Libc.flistxattr(t.Dir, buf, len),
        _ => Libc.listxattr(t.Path, buf, len),
    };

    /// <summary>The value of one extended attribute (exact bytes), or null when it is not set (ENODATA). Same addressing as <see cref="ListXattrs"/>.</summary>
    public static byte[]? GetXattr(SafeFd dir, ReadOnlySpan<byte> name, ReadOnlySpan<byte> attribute)
    {
        var za = BytePath.Z(attribute);
        for (int attempt = 0; attempt < 8; attempt++)
        {
            long n;
            int e;
            fixed (byte* a = za)
                n = XattrCall(dir, name, a, GetFn, null, 0, out e);
            if (n < 0) { if (e is Errno.ENODATA or Errno.EOPNOTSUPP) return null; throw new FsException(e, "getxattr", name); }
            var value = new byte[n];
            if (n == 0) return value;
            fixed (byte* a = za) fixed (byte* v = value)
                n = XattrCall(dir, name, a, GetFn, v, (nuint)value.Length, out e);
            if (n < 0) { if (e == Errno.ERANGE) continue; if (e == Errno.ENODATA) return null; throw new FsException(e, "getxattr", name); }
            return value[..(int)n];
        }
        throw new FsException(Errno.ERANGE, "getxattr", name, "the attribute kept changing");
    }

    private static long GetFn(in XTarget t, byte* attr, byte* buf, nuint len)
    {
        switch (t.Mode)
        {
            case XMode.At:
                var args = new Libc.XattrArgs { value = (ulong)buf, size = (uint)len, flags = 0 };
                return Libc.getxattrat(t.Dir, t.Path, t.AtFlags, attr, &args);
            case XMode.Lpath: return Libc.lgetxattr(t.Path, attr, buf, len);
            case XMode.Fd: return Libc.fgetxattr(t.Dir, attr, buf, len);
            default: return Libc.getxattr(t.Path, attr, buf, len);
        }
    }

    /// <summary>Set one extended attribute to exact bytes. <paramref name="flags"/>: 0, XATTR_CREATE (1) or XATTR_REPLACE (2). Same addressing as <see cref="ListXattrs"/>.</summary>
    public static void SetXattr(SafeFd dir, ReadOnlySpan<byte> name, ReadOnlySpan<byte> attribute, ReadOnlySpan<byte> value, int flags = 0)
    {
        var za = BytePath.Z(attribute);
        var v = value.ToArray();
        long r;
        int e;
        fixed (byte* a = za) fixed (byte* vp = v)
            r = XattrCall(dir, name, a, (in XTarget t, byte* attr, byte* buf, nuint len) =>
            {
                switch (t.Mode)
                {
                    case XMode.At:
                        var args = new Libc.XattrArgs { value = (ulong)buf, size = (uint)len, flags = (uint)flags };
                        return Libc.setxattrat(t.Dir, t.Path, t.AtFlags, attr, &args);
                    case XMode.Lpath: return Libc.lsetxattr(t.Path, attr, buf, len, flags);
                    case XMode.Fd: return Libc.fsetxattr(t.Dir, attr, buf, len, flags);
                    default: return Libc.setxattr(t.Path, attr, buf, len, flags);
                }
            }, vp, (nuint)v.Length, out e);
        if (r < 0) throw new FsException(e, "setxattr", name, $"{Errno.Describe(e)} (attribute '{BytePath.Display(attribute)}')");
    }

    /// <summary>Remove one extended attribute; false when it was not set. Same addressing as <see cref="ListXattrs"/>.</summary>
    public static bool RemoveXattr(SafeFd dir, ReadOnlySpan<byte> name, ReadOnlySpan<byte> attribute)
    {
        var za = BytePath.Z(attribute);
        long r;
        int e;
        fixed (byte* a = za)
            r = XattrCall(dir, name, a, static (in XTarget t, byte* attr, byte* buf, nuint len) => t.Mode switch
            {
                XMode.At => Libc.removexattrat(t.Dir, t.Path, t.AtFlags, attr),
                XMode.Lpath => Libc.lremovexattr(t.Path, attr),
                XMode.Fd => Libc.fremovexattr(t.Dir, attr),
                _ => Libc.removexattr(t.Path, attr),
            }, null, 0, out e);
        if (r == 0) return true;
        if (e == Errno.ENODATA) return false;
        throw new FsException(e, "removexattr", name);
    }

    private enum XMode { At, Lpath, Fpath, Fd }
    private readonly struct XTarget
    {
        public readonly XMode Mode; public readonly int Dir; public readonly byte* Path; public readonly int AtFlags;
        public XTarget(XMode m, int d, byte* p, int f) { Mode = m; Dir = d; Path = p; AtFlags = f; }
    }
    private delegate long XFn(in XTarget t, byte* attr, byte* buf, nuint len);

    /// <summary>Address (dir, name) for an xattr call: *xattrat with AT_SYMLINK_NOFOLLOW, or the l* call on /proc/self/fd/DIR/NAME; an empty name is the descriptor itself: f*xattr, or for O_PATH descriptors the following call on /proc/self/fd/N.</summary>
    private static long XattrCall(SafeFd dir, ReadOnlySpan<byte> name, byte* attr, XFn fn, byte* buf, nuint len, out int errno)
    {
        if (!name.IsEmpty) BytePath.ValidateName(name);
        int fd = dir.Fd;
        long r;
        if (!name.IsEmpty && FsFeatures.UseXattrAt)
        {
            var z = BytePath.Z(name);
            fixed (byte* p = z) r = fn(new XTarget(XMode.At, fd, p, Libc.AT_SYMLINK_NOFOLLOW), attr, buf, len);
            errno = r < 0 ? Libc.Errno : 0;
            if (r >= 0 || errno != Errno.ENOSYS) { GC.KeepAlive(dir); return r; }
            FsFeatures.XattrAtMissing();
        }
        if (name.IsEmpty)
        {
            // a real descriptor: the f*xattr call; an O_PATH one answers EBADF, then the magic link below
            r = fn(new XTarget(XMode.Fd, fd, null, 0), attr, buf, len);
            errno = r < 0 ? Libc.Errno : 0;
            if (r >= 0 || errno != Errno.EBADF) { GC.KeepAlive(dir); return r; }
        }
        var proc = BytePath.Combine(Encoding.ASCII.GetBytes(dir.ProcPath), name);
        var zp = BytePath.Z(proc);
        fixed (byte* p = zp) r = fn(new XTarget(name.IsEmpty ? XMode.Fpath : XMode.Lpath, fd, p, 0), attr, buf, len);
        errno = r < 0 ? Libc.Errno : 0;
        GC.KeepAlive(dir);
        return r;
    }

    /// <summary>Every extended attribute of an object as (name, value) pairs of exact bytes, in the kernel's order. Same addressing as <see cref="ListXattrs"/>.</summary>
    public static List<KeyValuePair<byte[], byte[]>> GetAllXattrs(SafeFd dir, ReadOnlySpan<byte> name)
    {
        var list = new List<KeyValuePair<byte[], byte[]>>();
        foreach (var a in ListXattrs(dir, name))
            if (GetXattr(dir, name, a) is byte[] v) list.Add(new(a, v));
        return list;
    }

    // ------------------------------------------------------------------ file data

    /// <summary>
    /// Create a new regular file exclusively (O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW: fails with EEXIST if anything,
    /// a symlink included, has that name) and return a write stream over it (the stream owns the descriptor).
    /// The umask applies to <paramref name="mode"/>.
    /// </summary>
    public static FileStream CreateFile(SafeFd dir, ReadOnlySpan<byte> name, uint mode = 0x180 /* 0600 */)
    {
        BytePath.ValidateName(name);
        return OpenAt(dir, name, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW, mode).ToStream(FileAccess.Write);
    }

    /// <summary>
    /// Open an existing regular file for reading without following a symlink (ELOOP) and without ever opening a FIFO or
    /// device node (refused with EINVAL before any read): a read stream that owns the descriptor.
    /// </summary>
    public static FileStream OpenRead(SafeFd dir, ReadOnlySpan<byte> name)
    {
        var fd = OpenAt(dir, name, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NOCTTY | Libc.O_NONBLOCK);
        try
        {
            if (!Stat(fd).IsRegular) throw new FsException(Errno.EINVAL, "open", name, "not a regular file");
            return fd.ToStream(FileAccess.Read);
        }
        catch { fd.Dispose(); throw; }
    }

    /// <summary>read(2) once; returns the count (0 at end of file).</summary>
    public static int Read(SafeFd fd, Span<byte> buffer)
    {
        while (true)
        {
            nint n;
            fixed (byte* b = buffer) n = Libc.read(fd.Fd, b, (nuint)buffer.Length);
            if (n >= 0) return (int)n;
            int e = Libc.Errno;
            if (e != Errno.EINTR) throw new FsException(e, "read", ""u8);
        }
    }

    /// <summary>
    /// flock(2) LOCK_EX on the descriptor, waiting for it (EINTR retried). The lock belongs to the open file and ends
    /// when every descriptor of it is closed.
    /// </summary>
    /// <exception cref="FsException">flock failed (EBADF, ENOLCK...).</exception>
    public static void LockExclusive(SafeFd fd)
    {
        while (Libc.flock(fd.Fd, Libc.LOCK_EX) != 0)
        {
            int e = Libc.Errno;
            if (e != Errno.EINTR) throw new FsException(e, "flock", ""u8);
        }
        GC.KeepAlive(fd);
    }

    /// <summary>write(2) until every byte is written.</summary>
    public static void WriteAll(SafeFd fd, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            nint n;
            fixed (byte* b = data) n = Libc.write(fd.Fd, b, (nuint)data.Length);
            if (n < 0) { int e = Libc.Errno; if (e == Errno.EINTR) continue; throw new FsException(e, "write", ""u8); }
            data = data[(int)n..];
        }
    }

    /// <summary>pread(2) once at <paramref name="offset"/>; returns the count.</summary>
    public static int Pread(SafeFd fd, Span<byte> buffer, long offset)
    {
        while (true)
        {
            nint n;
            fixed (byte* b = buffer) n = Libc.pread(fd.Fd, b, (nuint)buffer.Length, offset);
            if (n >= 0) return (int)n;
            int e = Libc.Errno;
            if (e != Errno.EINTR) throw new FsException(e, "pread", ""u8);
        }
    }

    /// <summary>pwrite(2) until every byte is written at <paramref name="offset"/>.</summary>
    public static void PwriteAll(SafeFd fd, ReadOnlySpan<byte> data, long offset)
    {
        while (!data.IsEmpty)
        {
            nint n;
            fixed (byte* b = data) n = Libc.pwrite(fd.Fd, b, (nuint)data.Length, offset);
            if (n < 0) { int e = Libc.Errno; if (e == Errno.EINTR) continue; throw new FsException(e, "pwrite", ""u8); }
            data = data[(int)n..];
            offset += n;
        }
    }

    /// <summary>lseek(2). For SEEK_DATA (3) and SEEK_HOLE (4) past the last data, returns -1 (ENXIO) instead of throwing.</summary>
    public static long Seek(SafeFd fd, long offset, int whence)
    {
        long r = Libc.lseek(fd.Fd, offset, whence);
        if (r >= 0) return r;
        int e = Libc.Errno;
        if (e == Errno.ENXIO && whence is Libc.SEEK_DATA or Libc.SEEK_HOLE) return -1;
        throw new FsException(e, "lseek", ""u8);
    }

    /// <summary>ftruncate(2).</summary>
    public static void Truncate(SafeFd fd, long length)
    {
        if (Libc.ftruncate(fd.Fd, length) != 0) throw new FsException(Libc.Errno, "ftruncate", ""u8);
    }

    /// <summary>fsync(2).</summary>
    public static void Fsync(SafeFd fd)
    {
        if (Libc.fsync(fd.Fd) != 0) throw new FsException(Libc.Errno, "fsync", ""u8);
    }

    /// <summary>syncfs(2): write out everything of the file system holding <paramref name="fd"/> and wait for it (one
    /// journal commit for a whole tree, where an fsync per file would commit once per file).</summary>
    public static void Syncfs(SafeFd fd)
    {
        if (Libc.syncfs(fd.Fd) != 0) throw new FsException(Libc.Errno, "syncfs", ""u8);
    }

    /// <summary>FS_IOC_GETFLAGS: read the inode flags (ioctl_iflags(2)).</summary>
    private const uint FS_IOC_GETFLAGS = 0x80086601, FS_IOC_SETFLAGS = 0x40086602;
    /// <summary>FS_TOPDIR_FL, chattr's 'T': the directory's subdirectories are unrelated trees.</summary>
    public const int FS_TOPDIR_FL = 0x20000;

    /// <summary>
    /// Give the directory <paramref name="dir"/> the inode flag FS_TOPDIR_FL (chattr +T, ioctl_iflags(2)), reading the
    /// flags first so that a directory that has it is not written. The flag tells ext2/3/4's Orlov allocator that
    /// the directory's subdirectories are unrelated trees, so each new one is placed in a block group of its own
    /// choosing instead of next to its parent; it is not inherited, so only the directory's direct subdirectories are
    /// spread. Returns true when the directory has the flag afterwards, false when the file system has no such flags
    /// (ENOTTY, EOPNOTSUPP, EINVAL: tmpfs, overlayfs) or refuses the change (EPERM, EACCES, EROFS): a hint, never
    /// an error. Other errors throw <see cref="FsException"/>.
    /// </summary>
    public static bool TryMarkTopDirectory(SafeFd dir)
    {
        int flags = 0;
        if (Libc.ioctl(dir.Fd, FS_IOC_GETFLAGS, &flags) != 0) return FlagsUnsupported(Libc.Errno, "ioctl(FS_IOC_GETFLAGS)");
        if ((flags & FS_TOPDIR_FL) != 0) { GC.KeepAlive(dir); return true; }
        flags |= FS_TOPDIR_FL;
        if (Libc.ioctl(dir.Fd, FS_IOC_SETFLAGS, &flags) != 0) return FlagsUnsupported(Libc.Errno, "ioctl(FS_IOC_SETFLAGS)");
        GC.KeepAlive(dir);
        return true;

        static bool FlagsUnsupported(int e, string call) =>
            e is Errno.ENOTTY or Errno.EOPNOTSUPP or Errno.EINVAL or Errno.EPERM or Errno.EACCES or Errno.EROFS or Errno.ENOSYS
                ? false : throw new FsException(e, call, ""u8);
    }

    /// <summary>
    /// Copy the whole content of the regular file <paramref name="source"/> into the empty file
    /// <paramref name="destination"/> (both open descriptors; offsets are explicit, the descriptors' positions are not
    /// used). With <paramref name="sparse"/>, only the data ranges are copied (SEEK_DATA/SEEK_HOLE) so holes stay
    /// holes. copy_file_range(2) is used (reflinks/server-side copy where the file system can), read/pwrite when it
    /// cannot (EXDEV, EINVAL, EOPNOTSUPP, ENOSYS). The destination ends up exactly <paramref name="length"/> bytes long
    /// (ftruncate). Returns the bytes of data copied.
    /// </summary>
    public static long CopyData(SafeFd source, SafeFd destination, long length, bool sparse = true)
    {
        long copied = 0;
        long pos = 0;
        bool useCfr = true;
        while (pos < length)
        {
            long start = pos, end = length;
            if (sparse)
            {
                start = Seek(source, pos, Libc.SEEK_DATA);
                if (start < 0 || start >= length) break;
                end = Seek(source, start, Libc.SEEK_HOLE);
                if (end < 0 || end > length) end = length;
            }
            copied += CopyRange(source, destination, start, end - start, ref useCfr);
            pos = end;
        }
        Truncate(destination, length);
        return copied;
    }

    private static long CopyRange(SafeFd src, SafeFd dst, long offset, long count, ref bool useCfr)
    {
        long done = 0;
        while (done < count && useCfr)
        {
            long inOff = offset + done, outOff = offset + done;
            nint n = Libc.copy_file_range(src.Fd, &inOff, dst.Fd, &outOff, (nuint)Math.Min(count - done, 1L << 30), 0);
            if (n > 0) { done += n; continue; }
            if (n == 0) return done; // the source shrank
            int e = Libc.Errno;
            if (e == Errno.EINTR) continue;
            if (e is Errno.EXDEV or Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOSYS or Errno.EBADF or Errno.EPERM) { useCfr = false; break; }
            throw new FsException(e, "copy_file_range", ""u8);
        }
        var buf = new byte[Math.Min(count - done, 1 << 17) is var sz && sz > 0 ? (int)sz : 1];
        while (done < count)
        {
            int n = Pread(src, buf.AsSpan(0, (int)Math.Min(buf.Length, count - done)), offset + done);
            if (n == 0) break;
            PwriteAll(dst, buf.AsSpan(0, n), offset + done);
            done += n;
        }
        return done;
    }
}

/// <summary>The Linux O_* open flags (x86-64 values) for <see cref="Fs.OpenAt"/> and <see cref="RootedPath"/>.</summary>
public static class OpenFlags
{
    public const int ReadOnly = 0, WriteOnly = 1, ReadWrite = 2, Create = 0x40, Exclusive = 0x80, NoCtty = 0x100, Truncate = 0x200,
        Append = 0x400, NonBlock = 0x800, Directory = 0x10000, NoFollow = 0x20000, CloseOnExec = 0x80000, Path = 0x200000;
}
