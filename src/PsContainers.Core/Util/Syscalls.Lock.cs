using PsContainers.FileSystem;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>flock(2). Returns 0 or -1; <paramref name="errno"/> is captured right after the call.</summary>
    int Flock(int fd, int operation, out int errno);
}

public partial class LinuxSyscalls
{
    public const int LOCK_SH = Libc.LOCK_SH, LOCK_EX = Libc.LOCK_EX, LOCK_NB = Libc.LOCK_NB, LOCK_UN = Libc.LOCK_UN;

    public int Flock(int fd, int operation, out int errno)
    {
        int r = Libc.flock(fd, operation);
        errno = r == 0 ? 0 : Libc.Errno;
        return r;
    }
}
