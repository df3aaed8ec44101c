using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // mounts and file systems: pscrun's init, the engine's rootfs and namespace mounts, pscmon's unmount on -Remove
    public const int MNT_DETACH = 2;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true)]
    public static partial int mount(byte* source, byte* target, byte* fstype, ulong flags, byte* data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true)]
    public static partial int umount2(byte* target, int flags);

    /// <summary>statfs(2); <paramref name="buf"/> is a struct statfs (120 bytes on x86-64, f_type at 0, f_flags at 88).</summary>
    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true)]
    public static partial int statfs(byte* path, byte* buf);
}
