using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // mounts and file systems: pscrun's init, the engine's rootfs and namespace mounts, pscmon's unmount on -Remove
    public const int MNT_DETACH = 2;
    public const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16, MS_REMOUNT = 32,
        MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192,
        MS_REC = 16384, MS_SILENT = 32768, MS_POSIXACL = 1 << 16, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18,
        MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true)]
    public static partial int mount(byte* source, byte* target, byte* fstype, ulong flags, byte* data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static partial int umount2(byte* target, int flags);

    /// <summary>statfs(2); <paramref name="buf"/> is a struct statfs (120 bytes on x86-64, f_type at 0, f_flags at 88).</summary>
    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true)]
    public static partial int statfs(byte* path, byte* buf);
}
