using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PsContainers.Core.Util;

/// <summary>
/// An exclusive or shared advisory lock (flock) on a lock file. Held by an open descriptor, so the
/// kernel releases it when the process dies: a kill -9 never leaves a stale lock behind.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) { _fd = fd; }

    public static FileLock Exclusive(string path, CancellationToken ct = default) => Acquire(path, LinuxSyscalls.LOCK_EX, ct);
    public static FileLock Shared(string path, CancellationToken ct = default) => Acquire(path, LinuxSyscalls.LOCK_SH, ct);

    /// <summary>
    /// <see cref="TryExclusive(string)"/>, tried <paramref name="attempts"/> times, 5 ms apart and doubling up to
    /// 40 ms: a lock that nobody works under can look held for a moment, because a child process that another thread
    /// of this process is starting holds a copy of every descriptor until its exec closes them (O_CLOEXEC), and
    /// flock(2) belongs to the open file, not to the descriptor. Null when it stayed held.
    /// </summary>
    public static FileLock? TryExclusive(string path, int attempts)
    {
        for (int attempt = 0; ; attempt++)
        {
            var l = TryExclusive(path);
            if (l is not null || attempt + 1 >= attempts) return l;
            Thread.Sleep(5 << Math.Min(attempt, 3));
        }
    }

    public static FileLock? TryExclusive(string path)
    {
        int fd = OpenLockFile(path);
        if (LinuxSyscalls.Instance.Flock(fd, LinuxSyscalls.LOCK_EX | LinuxSyscalls.LOCK_NB, out _) == 0) return new FileLock(fd);
        close(fd);
        return null;
    }

    private static unsafe int OpenLockFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* pp = p) fd = open(pp, O_RDWR | O_CREAT | O_CLOEXEC, 0x1a4 /*0644*/);
        if (fd < 0)
        {
            int e = errno;
            throw new IOException($"Cannot open lock file '{path}' (errno {e}).");
        }
        return fd;
    }

    private static FileLock Acquire(string path, int op, CancellationToken ct)
    {
        int fd = OpenLockFile(path);
        // Poll with LOCK_NB so Ctrl+C (cancellation) can interrupt a long wait.
        int delay = 1;
        while (true)
        {
            if (LinuxSyscalls.Instance.Flock(fd, op | LinuxSyscalls.LOCK_NB, out int e) == 0) return new FileLock(fd);
            if (e != EWOULDBLOCK && e != EINTR)
            {
                close(fd);
                throw new IOException($"Cannot lock '{path}' (errno {e}).");
            }
            if (ct.IsCancellationRequested) { close(fd); ct.ThrowIfCancellationRequested(); }
            Thread.Sleep(delay);
            delay = Math.Min(delay * 2, 20);
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) close(fd); // closing the descriptor drops the lock
    }
}
