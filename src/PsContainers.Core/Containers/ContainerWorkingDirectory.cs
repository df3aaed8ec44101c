using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>
/// Makes the working directory of a container's process exist before it starts, as podman does for an image's
/// WORKDIR the root filesystem lacks (and docker for WORKDIR and --workdir): the missing parents are created owned by
/// root with mode 0755, the directory itself 0755 owned by the process's uid and gid (podman 4's resolveWorkDir; docker
/// makes it root's). An existing directory is left as it is. Every path goes through <see cref="RootedPath"/>: a
/// symlink on the way (even one to /etc) is resolved inside the root filesystem, never on the host.
/// </summary>
public static class ContainerWorkingDirectory
{
    /// <summary>
    /// Refuse a relative working directory (docker create and exec: "the working directory '…' is invalid, it needs to
    /// be an absolute path"), the same way for run, create and exec: InvalidWorkingDirectory with docker's engine code
    /// 125, before anything is created or run. Null or empty (the image's) passes.
    /// </summary>
    /// <exception cref="PscException">InvalidWorkingDirectory (InvalidArgument), ExitCode 125.</exception>
    public static void RequireAbsolute(string? cwd)
    {
        if (string.IsNullOrEmpty(cwd) || cwd.StartsWith('/')) return;
        throw new InvalidArgumentException(ErrorIds.InvalidWorkingDirectory, $"The working directory '{cwd}' is invalid, it needs to be an absolute path.", cwd)
        { ExitCode = PsContainers.Contract.StartFailure.EngineError };
    }

    /// <summary>
    /// Create <paramref name="cwd"/> (absolute, in container form) inside <paramref name="rootfs"/> (a host directory)
    /// when it does not exist. Errors: <see cref="FsException"/> from the secure join, for example ENOTDIR when a file
    /// is in the way (the runtime then refuses to start, as runc does).
    /// </summary>
    public static void Ensure(string rootfs, string? cwd, uint uid, uint gid)
    {
        if (string.IsNullOrEmpty(cwd) || cwd.Trim('/').Length == 0) return;
        using var root = RootedPath.Open(rootfs);
        try { root.Open(cwd).Dispose(); return; }
        catch (FsException e) when (e.Errno == Errno.ENOENT) { }
        byte[] name;
        SafeFd parent;
        try { parent = root.OpenParent(cwd, out name, createParents: true, mode: 0x1ed); }
        catch (FsException e) when (e.Errno == Errno.EINVAL)
        {
            // no final name ("/a/.."): what it names is made as a plain mkdir -p
            root.CreateDirectories(cwd).Dispose();
            return;
        }
        using (parent)
        {
            if (Fs.TryMkdir(parent, name, 0x1ed, out int err))
            {
                Fs.Chmod(parent, name, 0x1ed); // exactly 0755, whatever the engine's umask
                Fs.Chown(parent, name, uid, gid);
            }
            else if (err == Errno.EEXIST) root.CreateDirectories(cwd).Dispose(); // a dangling link: made where it points, inside the root
            else throw new FsException(err, "mkdirat", name);
        }
    }
}
