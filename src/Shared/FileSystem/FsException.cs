using System.Runtime.InteropServices;

namespace PsContainers.FileSystem;

/// <summary>The errno values the file system layer reports or tests for (x86-64 Linux, errno(3)).</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9, EAGAIN = 11, EACCES = 13,
        EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENOTTY = 25, ENOSPC = 28, ESPIPE = 29,
        EROFS = 30, EMLINK = 31, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61,
        EILSEQ = 84, EOPNOTSUPP = 95, ESTALE = 116;

    /// <summary>The C library's text for an errno value (strerror(3)).</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}

/// <summary>
/// A failed file system operation: the errno, the operation ("openat", "unlinkat", "resolve", ...) and the path it
/// was applied to, as bytes (exact) and as display text (bytes that are not UTF-8 shown as \xNN). Derives from
/// <see cref="IOException"/>, so callers that already catch IOException keep working; <see cref="Exception.HResult"/>
/// is the errno.
/// </summary>
public sealed class FsException : IOException
{
    /// <summary>The errno (see <see cref="PsContainers.FileSystem.Errno"/>).</summary>
    public int Errno { get; }
    /// <summary>The system call or layer operation that failed.</summary>
    public string Operation { get; }
    /// <summary>The path as given to the operation (relative to the directory it was opened from), exact bytes; may be empty.</summary>
    public byte[] PathBytes { get; }
    /// <summary>The path for messages: <see cref="BytePath.Display"/> of <see cref="PathBytes"/>.</summary>
    public string DisplayPath { get; }

    /// <summary>A failure with the standard message "OPERATION 'PATH': strerror (errno N)".</summary>
    public FsException(int errno, string operation, ReadOnlySpan<byte> path, string? detail = null, Exception? inner = null)
        : base(Format(errno, operation, BytePath.Display(path), detail), inner)
    {
        Errno = errno;
        Operation = operation;
        PathBytes = path.ToArray();
        DisplayPath = BytePath.Display(path);
        HResult = errno;
    }

    /// <summary>A failure on a path given as text.</summary>
    public FsException(int errno, string operation, string path, string? detail = null)
        : this(errno, operation, BytePath.FromString(path), detail) { }

    private static string Format(int errno, string op, string path, string? detail) =>
        $"{op} '{path}': {detail ?? PsContainers.FileSystem.Errno.Describe(errno)} (errno {errno}).";
}
