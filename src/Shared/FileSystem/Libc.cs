using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

/// <summary>
/// The raw system calls of the file system layer (x86-64 Linux, glibc). Every import sets SetLastError, so the
/// generated stub saves errno right after the native call; callers read it with <see cref="Marshal.GetLastPInvokeError"/>
/// in the statement right after the call. Paths are NUL-terminated byte strings (never marshalled strings).
/// Calls glibc has no wrapper for (openat2, fchmodat2, the *xattrat family) go through syscall(2).
/// This is the one P/Invoke table of the engine, pscrun and pscmon (source-linked into each): the partial files add
/// mounts (Libc.Mount), processes and signals (Libc.Process), sockets and poll (Libc.Socket) and terminals (Libc.Terminal).
/// </summary>
internal static unsafe partial class Libc
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200,
        O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const ulong RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04, RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;
    public const int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const uint STATX_BASIC_STATS = 0x7ff, STATX_MNT_ID = 0x1000;
    public const ulong STATX_ATTR_MOUNT_ROOT = 0x2000;
    public const int XATTR_CREATE = 1, XATTR_REPLACE = 2;
    public const long SYS_openat2 = 437, SYS_fchmodat2 = 452, SYS_setxattrat = 463, SYS_getxattrat = 464, SYS_listxattrat = 465, SYS_removexattrat = 466;

    /// <summary>struct open_how of openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow { public ulong flags; public ulong mode; public ulong resolve; }

    /// <summary>struct xattr_args of setxattrat(2)/getxattrat(2) (version 0, 16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XattrArgs { public ulong value; public uint size; public uint flags; }

    /// <summary>struct timespec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long tv_sec; public long tv_nsec; }

    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/> for a path or name argument (null stays null).</summary>
    public static byte[]? CString(string? s) => s is null ? null : System.Text.Encoding.UTF8.GetBytes(s + "\0");

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    public static partial int openat(int dirfd, byte* path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buf);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int mkdirat(int dirfd, byte* path, uint mode);

    [LibraryImport("libc", EntryPoint = "mknodat", SetLastError = true)]
    public static partial int mknodat(int dirfd, byte* path, uint mode, ulong dev);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true)]
    public static partial int symlinkat(byte* target, int dirfd, byte* linkpath);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint readlinkat(int dirfd, byte* path, byte* buf, nuint size);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true)]
    public static partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int unlinkat(int dirfd, byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    public static partial int renameat2(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, uint flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true)]
    public static partial int fchownat(int dirfd, byte* path, uint uid, uint gid, int flags);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int fchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true)]
    public static partial int chmod(byte* path, uint mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true)]
    public static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    public static partial int futimens(int fd, Timespec* times);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint getdents64(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    public static partial nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true)]
    public static partial int lsetxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true)]
    public static partial nint llistxattr(byte* path, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "lremovexattr", SetLastError = true)]
    public static partial int lremovexattr(byte* path, byte* name);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint pread(int fd, byte* buf, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint pwrite(int fd, byte* buf, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    public static partial nint copy_file_range(int fdIn, long* offIn, int fdOut, long* offOut, nuint len, uint flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int syncfs(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint geteuid();

    // ------------------------------------------------------------------ syscall(2) wrappers (return -1 + errno like libc)

    public static int openat2(int dirfd, byte* path, OpenHow* how) =>
        (int)syscall(SYS_openat2, dirfd, (nint)path, (nint)how, sizeof(OpenHow), 0, 0);

    public static int fchmodat2(int dirfd, byte* path, uint mode, int flags) =>
        (int)syscall(SYS_fchmodat2, dirfd, (nint)path, (nint)mode, flags, 0, 0);

    public static long getxattrat(int dirfd, byte* path, int atFlags, byte* name, XattrArgs* args) =>
        syscall(SYS_getxattrat, dirfd, (nint)path, atFlags, (nint)name, (nint)args, sizeof(XattrArgs));

    public static int setxattrat(int dirfd, byte* path, int atFlags, byte* name, XattrArgs* args) =>
        (int)syscall(SYS_setxattrat, dirfd, (nint)path, atFlags, (nint)name, (nint)args, sizeof(XattrArgs));

    public static long listxattrat(int dirfd, byte* path, int atFlags, byte* list, nuint size) =>
        syscall(SYS_listxattrat, dirfd, (nint)path, atFlags, (nint)list, (nint)size, 0);

    public static int removexattrat(int dirfd, byte* path, int atFlags, byte* name) =>
        (int)syscall(SYS_removexattrat, dirfd, (nint)path, atFlags, (nint)name, 0, 0);
}
