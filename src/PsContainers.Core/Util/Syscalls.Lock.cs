using System.Runtime.InteropServices;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>flock(2). Returns 0 or -1; <paramref name="errno"/> is captured right after the call.</summary>
    int Flock(int fd, int operation, out int errno);
}

public partial class LinuxSyscalls
{
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int flock_native(int fd, int operation);

    public int Flock(int fd, int operation, out int errno)
    {
        int r = flock_native(fd, operation);
        errno = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        return r;
    }
}
