using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // the following xattr variants are only used on "/proc/self/fd/N" magic links, which jump to the object N refers to
    [LibraryImport("libc", EntryPoint = "getxattr", SetLastError = true)]
    public static partial nint getxattr(byte* path, byte* name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "setxattr", SetLastError = true)]
    public static partial int setxattr(byte* path, byte* name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "listxattr", SetLastError = true)]
    public static partial nint listxattr(byte* path, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "removexattr", SetLastError = true)]
    public static partial int removexattr(byte* path, byte* name);
}

internal static unsafe partial class Libc
{
    // fd-based xattr calls for real (not O_PATH) descriptors
    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true)]
    public static partial nint fgetxattr(int fd, byte* name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true)]
    public static partial int fsetxattr(int fd, byte* name, byte* value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "flistxattr", SetLastError = true)]
    public static partial nint flistxattr(int fd, byte* list, nuint size);

    [LibraryImport("libc", EntryPoint = "fremovexattr", SetLastError = true)]
    public static partial int fremovexattr(int fd, byte* name);
}
