namespace PsContainers.Core.Util;

/// <summary>
/// The one narrow interface through which the engine makes Linux system calls (mount, flock, kill, ...).
/// Each area adds the calls it needs in its own partial file; tests can substitute a fake.
/// </summary>
public partial interface ISyscalls
{
}

/// <summary>The real implementation over the shared libc table (src/Shared/FileSystem/Libc*.cs).</summary>
public partial class LinuxSyscalls : ISyscalls
{
    public static ISyscalls Instance { get; } = new LinuxSyscalls();
}
