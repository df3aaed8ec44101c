using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

internal static unsafe partial class Libc
{
    // terminals: pscrun makes the container's pty, pscmon relays the caller's terminal
    public const nuint TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    /// <summary>tcgetattr(3); <paramref name="termios"/> is a struct termios (60 bytes; callers give 128).</summary>
    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int tcsetattr(int fd, int action, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    public static partial void cfmakeraw(byte* termios);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int unlockpt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    public static partial int ptsname_r(int fd, byte* buf, nint len);
}
