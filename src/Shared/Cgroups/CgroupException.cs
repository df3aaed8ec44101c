namespace PsContainers.Cgroups;

/// <summary>
/// A cgroup operation failed: a directory could not be made or a limit could not be written. The message names the
/// OCI field (linux.resources.*) and the file; <see cref="Errno"/> is the errno of the failed call (0 when none).
/// pscrun reports it like its own errors and exits 1.
/// </summary>
internal sealed class CgroupException : Exception
{
    /// <summary>The errno of the failed system call, or 0.</summary>
    public int Errno { get; }

    public CgroupException(string message, int errno = 0) : base(message) { Errno = errno; }
}
