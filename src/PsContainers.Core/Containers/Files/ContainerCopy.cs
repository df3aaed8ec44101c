using PsContainers.FileSystem;

namespace PsContainers.Core.Containers.Files;

/// <summary>
/// docker cp between a host path and a container root directory that is already there (the engine mounts it:
/// <see cref="ContainerFiles"/>). The container side is resolved with <see cref="RootedPath"/> and copied with
/// <see cref="SafeTree"/> (owners, modes, times, xattrs, hard links, names that are not UTF-8 kept; links never followed
/// below the named path). Errors are <see cref="PscException"/> with the ids listed on each method.
/// </summary>
internal static class ContainerCopy
{
    /// <summary>
    /// <see cref="ContainerFiles.CopyFrom"/> from a root directory that is already there (<paramref name="name"/> is for
    /// messages). <paramref name="pathInRoot"/> is what is resolved inside <paramref name="root"/> (default: the
    /// container path; a mount's source and the rest of the path when <see cref="CopyRoute"/> routed it there); the
    /// names, trailing "/" and "/." rules and messages follow <paramref name="containerPath"/>.
    /// </summary>
    internal static void CopyOutOfRoot(string root, string name, string containerPath, string hostPath, CancellationToken ct = default, string? pathInRoot = null)
    {
        var options = new CopyOptions { SkipTrustedOverlayXattrs = true, OneFileSystem = true, Cancellation = ct };
        bool contentsOnly = EndsWithDot(containerPath);
        Guard(containerPath, () =>
            {
                using var rp = RootedPath.Open(root);
                SafeFd? found = null;
                byte[]? srcName = null;
                FsStat st = default;
                // The resolved path's last component is never a link (the resolution followed it). If it is one when
                // it is opened, the container changed it in between (ln -sfn unlinks, then links): resolve again, and
                // give up with an error rather than copy the link a process inside the container just made.
                for (int attempt = 0; ; attempt++)
                {
                    var resolved = rp.ResolveBytes(BytePath.FromString(pathInRoot ?? containerPath));
                    var comps = BytePath.Split(resolved);
                    try { found = comps.Count == 0 ? rp.Open("/"u8, OpenFlags.Path | OpenFlags.Directory) : rp.OpenParent(resolved, out _); }
                    catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { found = null; }
                    srcName = comps.Count == 0 ? null : comps[^1];
                    if (found is null || (srcName is not null && !Fs.TryStat(found, srcName, out st)))
                    {
                        found?.Dispose();
                        throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' does not exist in container '{name}'.", containerPath);
                    }
                    if (srcName is null) break;
                    if (!st.IsSymlink)
                    {
                        if ((EndsWithSeparator(containerPath) || contentsOnly) && !st.IsDirectory)
                        {
                            found.Dispose();
                            throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' in container '{name}' is not a directory.", containerPath);
                        }
                        break;
                    }
                    found.Dispose();
                    if (attempt >= 8)
                        throw new PscException(ErrorIds.CopyFailed, PscErrorCategory.ResourceBusy, $"'{containerPath}' in container '{name}' kept changing while it was being copied.", containerPath);
                }
                using var srcParent = found;
                if (srcName is null) st = Fs.Stat(srcParent);
                byte[] baseName = GivenName(containerPath) ?? srcName ?? "rootfs"u8.ToArray();

                string dest = Path.GetFullPath(hostPath);
                if (Directory.Exists(dest))
                {
                    using var destDir = SafeFd.Open(dest, OpenFlags.Path | OpenFlags.Directory);
                    if (st.IsDirectory && (contentsOnly || srcName is null))
                    {
                        using var srcDir = srcName is null ? Fs.OpenAt(srcParent, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory) : Fs.OpenDirectory(srcParent, srcName);
                        SafeTree.CopyContents(srcDir, destDir, options with { CopyRootMetadata = false });
                    }
                    else SafeTree.Copy(srcParent, srcName!, destDir, baseName, options);
                    return;
                }
                if (st.IsDirectory && (File.Exists(dest) || new FileInfo(dest).LinkTarget is not null))
                    throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot copy the directory '{containerPath}' over the file '{hostPath}'.", hostPath);
                if (!st.IsDirectory && EndsWithSeparator(hostPath))
                    throw PscException.NotFound(ErrorIds.HostPathNotFound, $"The directory '{hostPath}' does not exist.", hostPath);
                string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dest)) ?? "/";
                if (!Directory.Exists(parent))
                    throw PscException.NotFound(ErrorIds.HostPathNotFound, $"The directory '{parent}' does not exist.", hostPath);
                using var destParent = SafeFd.Open(parent, OpenFlags.Path | OpenFlags.Directory);
                byte[] destName = BytePath.FromString(Path.GetFileName(Path.TrimEndingDirectorySeparator(dest)));
                if (srcName is null)
                {
                    using var srcDir = Fs.OpenAt(srcParent, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory);
                    Fs.Mkdir(destParent, destName, 0x1c0);
                    using var destDir = Fs.OpenDirectory(destParent, destName);
                    SafeTree.CopyContents(srcDir, destDir, options);
                }
                else SafeTree.Copy(srcParent, srcName, destParent, destName, options);
            });
    }

    /// <summary>
    /// <see cref="ContainerFiles.CopyTo"/> into a root directory that is already there (<paramref name="name"/> is for
    /// messages; <paramref name="pathInRoot"/> as in <see cref="CopyOutOfRoot"/>).
    /// </summary>
    internal static void CopyIntoRoot(string hostPath, string root, string name, string containerPath, CancellationToken ct = default, string? pathInRoot = null)
    {
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            throw PscException.NotFound(ErrorIds.HostPathNotFound, $"'{hostPath}' does not exist.", hostPath);
        var options = new CopyOptions { SkipTrustedOverlayXattrs = true, Cancellation = ct };
        bool contentsOnly = EndsWithDot(hostPath);
        string src = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        if (new FileInfo(src).LinkTarget is not null && new FileInfo(src).ResolveLinkTarget(returnFinalTarget: true) is { } final)
            src = Path.TrimEndingDirectorySeparator(final.FullName);
        bool srcIsDir = Directory.Exists(src);
        Guard(containerPath, () =>
            {
                using var srcParent = SafeFd.Open(src == "/" ? "/" : Path.GetDirectoryName(src)!, OpenFlags.Path | OpenFlags.Directory);
                byte[]? srcName = src == "/" ? null : BytePath.FromString(Path.GetFileName(src));
                using var rp = RootedPath.Open(root);
                var cpath = BytePath.FromString(pathInRoot ?? containerPath);
                SafeFd? destDir = null;
                try { destDir = rp.Open(cpath, OpenFlags.Path | OpenFlags.Directory); }
                catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { }
                if (destDir is not null)
                {
                    using (destDir)
                    {
                        if (srcIsDir && (contentsOnly || srcName is null))
                        {
                            using var srcDir = srcName is null ? SafeFd.OpenDirectory("/") : Fs.OpenDirectory(srcParent, srcName);
                            SafeTree.CopyContents(srcDir, destDir, options with { CopyRootMetadata = false });
                        }
                        else SafeTree.Copy(srcParent, srcName!, destDir, srcName!, options);
                    }
                    return;
                }
                if (EndsWithSeparator(containerPath))
                    throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"The directory '{containerPath}' does not exist in container '{name}'.", containerPath);
                SafeFd parent;
                byte[] fname;
                try { parent = rp.OpenParent(cpath, out fname); }
                catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
                {
                    throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"The directory that would hold '{containerPath}' does not exist in container '{name}'.", containerPath);
                }
                using (parent)
                {
                    if (srcIsDir && Fs.TryStat(parent, fname, out var existing) && !existing.IsDirectory && !existing.IsSymlink)
                        throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot copy the directory '{hostPath}' over the file '{containerPath}'.", containerPath);
                    if (srcName is null)
                    {
                        using var srcDir = SafeFd.OpenDirectory("/");
                        Fs.Mkdir(parent, fname, 0x1c0);
                        using var created = Fs.OpenDirectory(parent, fname);
                        SafeTree.CopyContents(srcDir, created, options);
                    }
                    else SafeTree.Copy(srcParent, srcName, parent, fname, options);
                }
            });
    }

    /// <summary>
    /// Write <paramref name="file"/> into a root directory that is already there (<see cref="ContainerFiles.WriteFiles"/>):
    /// the parent is resolved with <see cref="RootedPath"/> and created (0755) when missing; the content goes to a new
    /// temporary name beside the target (O_EXCL|O_NOFOLLOW), gets its owner and mode, then is renamed over the target,
    /// so a link at the target is replaced, never written through. A directory at the target is CopyDirectoryToFile.
    /// </summary>
    internal static void WriteIntoRoot(string root, string name, ContainerFileContent file)
    {
        Guard(file.Path, () =>
            {
                using var rp = RootedPath.Open(root);
                using var parent = rp.OpenParent(file.Path, out var fname, createParents: true);
                if (Fs.TryStat(parent, fname, out var existing) && existing.IsDirectory)
                    throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot write the file '{file.Path}' in container '{name}': a directory is there.", file.Path);
                byte[] tmp = BytePath.FromString($".psc-{Guid.NewGuid():N}");
                try
                {
                    using (var s = Fs.CreateFile(parent, tmp, 0x180))
                    {
                        s.Write(file.Content);
                        s.Flush();
                    }
                    Fs.Chown(parent, tmp, file.Uid, file.Gid);
                    Fs.Chmod(parent, tmp, file.Mode);
                    Fs.Rename(parent, tmp, parent, fname);
                }
                catch
                {
                    Fs.TryUnlink(parent, tmp, false, out _);
                    throw;
                }
            });
    }

    private static bool EndsWithDot(string p) => p == "." || p.EndsWith("/.", StringComparison.Ordinal);
    private static bool EndsWithSeparator(string p) => p.Length > 1 && p.EndsWith('/');

    /// <summary>The last component of a path as the user wrote it, or null when it is "", "." or "..".</summary>
    private static byte[]? GivenName(string p)
    {
        var comps = BytePath.Split(BytePath.FromString(p));
        return comps.Count == 0 || BytePath.IsDotOrDotDot(comps[^1]) ? null : comps[^1];
    }

    /// <summary>
    /// docker cp SRC CONTAINER:DEST where DEST is a mounted file (the engine's /etc/hostname, /etc/hosts,
    /// /etc/resolv.conf, or a bound file) whose real host path is <paramref name="file"/>: its content is replaced in
    /// place (truncated, then written), since the mount holds that inode: replacing the file by a new one (rename, as
    /// <see cref="CopyIntoRoot"/> does) would leave the container seeing the old one. Owner and mode of the file stay.
    /// A final symlink of <paramref name="hostPath"/> is followed. Errors (<see cref="PscException"/>):
    /// HostPathNotFound, CopyDirectoryToFile (the source is a directory), ContainerPathNotFound ("file/" names a
    /// directory), CopyFailed.
    /// </summary>
    internal static void WriteIntoMountedFile(string hostPath, string file, string name, string containerPath)
    {
        if (Directory.Exists(hostPath))
            throw PscException.InvalidArgument(ErrorIds.CopyDirectoryToFile, $"Cannot copy the directory '{hostPath}' over the file '{containerPath}'.", containerPath);
        if (!File.Exists(hostPath))
            throw PscException.NotFound(ErrorIds.HostPathNotFound, $"'{hostPath}' does not exist.", hostPath);
        if (EndsWithSeparator(containerPath) || EndsWithDot(containerPath))
            throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' in container '{name}' is not a directory.", containerPath);
        try
        {
            using var src = new FileStream(hostPath, FileMode.Open, FileAccess.Read);
            using var dst = new FileStream(file, FileMode.Truncate, FileAccess.Write);
            src.CopyTo(dst);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PscException(ErrorIds.CopyFailed, PscErrorCategory.WriteError, $"Copying '{containerPath}' failed: {e.Message}", containerPath, e);
        }
    }

    /// <summary>Turn file system failures of a copy into engine errors.</summary>
    internal static void Guard(string containerPath, Action work)
    {
        try { work(); }
        catch (FsException e) when (e.Errno == Errno.ELOOP)
        {
            throw PscException.InvalidArgument(ErrorIds.TooManySymlinks, $"Too many symbolic links resolving '{containerPath}': {e.Message}", containerPath);
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.CopyFailed, PscErrorCategory.WriteError, $"Copying '{containerPath}' failed: {e.Message}", containerPath, e);
        }
    }
}
