using System.Globalization;

namespace PsContainers.Core.Util;

public partial interface ISyscalls
{
    /// <summary>
    /// The text of <c>/proc/&lt;pid&gt;/&lt;name&gt;</c> (proc(5): "stat", "status", "cmdline" with its NUL separators,
    /// "cgroup"...), or null when the process or the file does not exist or cannot be read (the process exited, or
    /// belongs to a user whose files we may not read).
    /// </summary>
    /// <param name="pid">The process id (above 0).</param>
    /// <param name="name">A file of the process' directory: a relative path without "..".</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is rooted or climbs out with "..".</exception>
    string? ReadProcFile(int pid, string name);

    /// <summary>
    /// The text of a host-wide <c>/proc/&lt;name&gt;</c> file (proc(5): "stat", "meminfo", "sys/kernel/osrelease"...),
    /// or null when it does not exist or cannot be read.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is rooted or climbs out with "..".</exception>
    string? ReadHostProcFile(string name);
}

public partial class LinuxSyscalls
{
    public string? ReadProcFile(int pid, string name)
    {
        if (pid <= 0) return null;
        return ReadProc(pid.ToString(CultureInfo.InvariantCulture) + "/" + CheckProcName(name));
    }

    public string? ReadHostProcFile(string name) => ReadProc(CheckProcName(name));

    /// <summary>The name, refused when it could leave the directory it names a file of.</summary>
    public static string CheckProcName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.StartsWith('/') || name.Split('/').Any(p => p is ".." or "." or ""))
            throw new ArgumentException($"'{name}' is not a relative /proc file name.", nameof(name));
        return name;
    }

    private static string? ReadProc(string relative)
    {
        try { return File.ReadAllText("/proc/" + relative); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
