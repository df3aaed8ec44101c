using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PsContainers.FileSystem;

/// <summary>
/// An owned Linux file descriptor (any kind: O_PATH, directory, regular file), closed exactly once on Dispose or by the
/// finalizer. Descriptors opened by this layer are always O_CLOEXEC. Unlike <see cref="SafeFileHandle"/>, fd 0 is valid.
/// </summary>
public sealed class SafeFd : SafeHandle
{
    /// <summary>An invalid (-1) handle, for the marshaller.</summary>
    public SafeFd() : base(new IntPtr(-1), ownsHandle: true) { }

    /// <summary>Wrap a raw descriptor; with <paramref name="ownsHandle"/> it is closed on Dispose.</summary>
    public SafeFd(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    /// <inheritdoc/>
    public override bool IsInvalid => (long)handle < 0;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() { Libc.close((int)(long)handle); return true; }

    /// <summary>The raw descriptor number. Throws <see cref="ObjectDisposedException"/> once closed.</summary>
    public int Fd
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)(long)handle;
        }
    }

    /// <summary>
    /// "/proc/self/fd/N": a path that names exactly this object for calls that only take paths (mount(2), another
    /// program). Only valid while this handle is open, in this process, and needs /proc mounted.
    /// </summary>
    public string ProcPath => "/proc/self/fd/" + Fd.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Open a trusted host path (an engine-owned directory such as the image store or a container's rootfs; the path
    /// itself is followed like open(2) does) as an O_RDONLY|O_DIRECTORY descriptor to use as a root.
    /// Throws <see cref="FsException"/>.
    /// </summary>
    public static SafeFd OpenDirectory(string hostPath) => Open(hostPath, Libc.O_RDONLY | Libc.O_DIRECTORY);

    /// <summary>open(2) a trusted host path with the given O_* flags (O_CLOEXEC is added; O_CREAT is not allowed). Throws <see cref="FsException"/>.</summary>
    public static SafeFd Open(string hostPath, int flags) => Fs.OpenAt(null, BytePath.FromString(hostPath), flags);

    /// <summary>statx(2) of this descriptor (the object itself, never a symlink target).</summary>
    public FsStat Stat() => Fs.Stat(this);

    /// <summary>
    /// Hand the descriptor over to a <see cref="FileStream"/> (this handle becomes invalid; the stream owns and closes
    /// the descriptor). <paramref name="bufferSize"/> 0 or 1 means unbuffered.
    /// </summary>
    public FileStream ToStream(FileAccess access, int bufferSize = 0)
    {
        int fd = Fd;
        if (fd == 0)
        {
            // SafeFileHandle treats 0 as invalid: move the descriptor first
            int nfd = Libc.fcntl(fd, Libc.F_DUPFD_CLOEXEC, 3);
            if (nfd < 0) throw new FsException(Libc.Errno, "fcntl", ReadOnlySpan<byte>.Empty);
            Dispose();
            return new FileStream(new SafeFileHandle(new IntPtr(nfd), ownsHandle: true), access, bufferSize);
        }
        SetHandleAsInvalid();
        return new FileStream(new SafeFileHandle(new IntPtr(fd), ownsHandle: true), access, bufferSize);
    }
}
