using PsContainers.FileSystem;

namespace PsContainers.Monitor;

/// <summary>
/// pscmon's directory snapshot mode, <c>pscmon dir-stamps UPPER FILE</c>: the createRuntime hook of a build's RUN
/// working container (OCI runtime-spec config.md "createRuntime": run after the runtime created the container's
/// environment, its mounts and mount points included, and before the command starts). It records every directory of
/// the overlay upper directory UPPER with its mode, owner and times (<see cref="DirectoryStamps"/>) into FILE, so the
/// build afterwards tells a directory the runtime only made or copied up to hold a mount point from one the step's
/// command touched (<c>RUN touch /etc</c>). The walk follows no symlink and stays on UPPER's file system. The
/// container state on stdin is not read. Exit 0, or 1 with one line on stderr (the runtime then fails the create,
/// and the build step with it), 2 for a usage error.
/// </summary>
internal static class DirStampsHook
{
    public static int Run(string[] a)
    {
        if (a.Length != 2 || !Path.IsPathRooted(a[0]) || !Path.IsPathRooted(a[1]))
        {
            Console.Error.WriteLine("usage: pscmon dir-stamps UPPER_DIR STAMPS_FILE (absolute paths)");
            return 2;
        }
        try
        {
            DirectoryStamps.RecordTo(a[0], a[1]);
            return 0;
        }
        catch (Exception e) when (e is FsException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"pscmon dir-stamps: {e.Message}");
            return 1;
        }
    }
}
