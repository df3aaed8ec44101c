using PsContainers.FileSystem;

namespace PsContainers.Core.Containers.Files;

/// <summary>
/// The files of containers, running or stopped: copy in and out (Copy-ContainerItem, docker cp) and export the root
/// file system as a tar stream (Export-Container, docker export). Every path inside a container goes through
/// <see cref="RootedPath"/>; no walk follows a symlink (<see cref="SafeTree"/>). Made by <see cref="Engine"/>.
/// </summary>
public sealed class ContainerFiles
{
    private readonly Engine _engine;

    internal ContainerFiles(Engine engine) { _engine = engine; }

    /// <summary>
    /// Run <paramref name="work"/> on the host path of the container's root file system, under the container's lock:
    /// a running container's overlay is used as it is; a stopped container's is mounted for the call and unmounted after.
    /// Errors (<see cref="PscException"/>): ContainerNotFound, and what mounting the overlay reports.
    /// </summary>
    public T WithRootfs<T>(Container c, Func<string, T> work, CancellationToken ct = default)
    {
        var store = _engine.ContainerStore;
        using var l = store.LockContainer(c.Id, ct);
        var cur = store.Load(c.Id) ?? throw ContainerManager.NotFound(c.Name);
        string rootfs = store.RootfsOf(c.Id);
        bool mounted = Directory.Exists(rootfs) && _engine.Syscalls.IsMountPoint(rootfs);
        if (!mounted) _engine.Containers.MountRootfs(cur);
        try { return work(rootfs); }
        finally { if (!mounted && !cur.State.Running) _engine.Containers.UnmountRootfs(cur); }
    }

    /// <summary>
    /// The entries of the directory <paramref name="containerDir"/> as the container sees it, for completion
    /// (Copy-ContainerItem's container:path): names in ordinal order, a directory's with "/" after it, names that are
    /// not UTF-8 left out. The directory is opened through the secure join (<see cref="RootedPath"/>: symlinks resolved
    /// inside the root, ".." clamped) and read once; nothing is mounted, so only a container whose root is mounted
    /// (a running one) is listed: null otherwise, and null when the directory does not exist or cannot be read.
    /// </summary>
    public IReadOnlyList<string>? ListMountedDirectory(Container c, string containerDir)
    {
        string rootfs = _engine.ContainerStore.RootfsOf(c.Id);
        if (!Directory.Exists(rootfs) || !_engine.Syscalls.IsMountPoint(rootfs)) return null;
        return ListIn(rootfs, containerDir);
    }

    /// <summary>
    /// <see cref="ListMountedDirectory"/> for any container: a running one's mounted root is read as it is; a stopped
    /// (or created) one's root is read as Copy-ContainerItem reads it, through <see cref="WithRootfs"/> (its overlay of
    /// the image's layers and the container's upper directory, mounted for the call under the container's lock and
    /// unmounted after), so the names are those docker cp would find. <paramref name="ct"/> bounds the wait for the lock
    /// (a completer passes a short timeout). Null when the container's root cannot be read, the directory does not exist,
    /// or the wait was cancelled; never throws for those.
    /// </summary>
    public IReadOnlyList<string>? ListDirectory(Container c, string containerDir, CancellationToken ct = default)
    {
        if (ListMountedDirectory(c, containerDir) is { } mounted) return mounted;
        try { return WithRootfs(c, rootfs => ListIn(rootfs, containerDir), ct); }
        catch (Exception e) when (e is PscException or IOException or OperationCanceledException or FsException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The entries of <paramref name="containerDir"/> inside the root at <paramref name="rootfs"/> (secure join), or null.</summary>
    private static IReadOnlyList<string>? ListIn(string rootfs, string containerDir)
    {
        try
        {
            using var root = RootedPath.Open(rootfs);
            using var dir = root.Open(containerDir.Length == 0 ? "/" : containerDir, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloseOnExec);
            var names = new List<string>();
            foreach (var e in Fs.ReadDirectory(dir))
                if (BytePath.TryToString(e.Name, out var name)) names.Add(e.Type == DirEntry.DT_DIR ? name + "/" : name);
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (FsException) { return null; }
    }

    /// <summary>
    /// docker cp CONTAINER:SRC DEST. A path on a bind or volume mount, or on the engine's /etc/hostname, /etc/hosts and
    /// /etc/resolv.conf, is read from the mount's host source (<see cref="CopyRoute.Find"/>: the longest destination
    /// wins, the rest is resolved inside the source and never leaves it); a path on a tmpfs is CopyTmpfsMount. Otherwise
    /// <paramref name="containerPath"/> is resolved inside the container's root with
    /// <see cref="RootedPath"/> (symlinks followed as the container sees them, the final one too, ".." clamped at the
    /// root), so nothing outside the root is ever read. The copy keeps owners, modes, times, xattrs (byte-exact, except
    /// overlayfs' trusted.overlay.*), hard links and names that are not UTF-8 (<see cref="SafeTree.Copy(SafeFd, ReadOnlySpan{byte}, SafeFd, ReadOnlySpan{byte}, CopyOptions?)"/>,
    /// cp -a); symlinks below the source are copied as links. Placement follows docker cp: a directory copied to an
    /// existing host directory lands inside it under its own name, or only its content when the source ends in "/.";
    /// a file copied to an existing directory lands inside it; otherwise <paramref name="hostPath"/> is the new name
    /// and its parent must exist. Errors (<see cref="PscException"/>): ContainerPathNotFound, HostPathNotFound
    /// (missing parent, or a trailing "/" naming a missing directory), CopyDirectoryToFile, CopyFailed (an I/O error).
    /// </summary>
    public void CopyFrom(Container c, string containerPath, string hostPath, CancellationToken ct = default) =>
        WithRootfs(c, root =>
        {
            var to = Route(c, root, containerPath);
            ContainerCopy.CopyOutOfRoot(to.Root, c.Name, containerPath, hostPath, ct, to.Path);
            return 0;
        }, ct);

    /// <summary>
    /// Where <paramref name="containerPath"/> lives on the host: through the container's mounts (<see cref="CopyMount.Of"/>,
    /// <see cref="CopyRoute.Find"/>) or in <paramref name="rootfs"/>. Errors: CopyTmpfsMount, ContainerPathNotFound,
    /// TooManySymlinks, CopyFailed.
    /// </summary>
    private CopyRoute Route(Container c, string rootfs, string containerPath)
    {
        var mounts = CopyMount.Of(_engine.ContainerStore.Load(c.Id) ?? c, _engine.ContainerStore.DirOf(c.Id));
        CopyRoute? route = null;
        ContainerCopy.Guard(containerPath, () => route = CopyRoute.Find(rootfs, mounts, c.Name, containerPath));
        return route!;
    }

    /// <summary>
    /// docker cp SRC CONTAINER:DEST. A destination on a bind or volume mount is written into the mount's host source,
    /// the rest of the path resolved inside it (<see cref="CopyRoute.Find"/>); a read-only mount is refused before
    /// anything is written (CopyReadOnlyMount, InvalidOperation; docker: "mounted volume is marked read-only"); a mounted
    /// file (/etc/hostname, /etc/hosts, /etc/resolv.conf, a bound file) gets its content replaced in place; a tmpfs is
    /// CopyTmpfsMount. The host source is the user's path (a final symlink is followed, like docker cp
    /// -L; links below it are copied as links). <paramref name="containerPath"/> is resolved inside the container's
    /// root with <see cref="RootedPath"/>: when it is an existing directory (a symlink to one is followed inside the
    /// root) the source lands inside it under its own name, or only its content when the source ends in "/.";
    /// otherwise its parent must exist and the final name is created there, replacing a file or a symlink that is in
    /// the way - never writing through a link, never leaving the root. Owners, modes, times, xattrs, hard links and
    /// names that are not UTF-8 are kept (cp -a). Errors (<see cref="PscException"/>): HostPathNotFound,
    /// ContainerPathNotFound (missing parent, or a trailing "/" naming a missing directory), CopyDirectoryToFile,
    /// CopyFailed.
    /// </summary>
    public void CopyTo(Container c, string hostPath, string containerPath, CancellationToken ct = default)
    {
        if (!File.Exists(hostPath) && !Directory.Exists(hostPath))
            throw PscException.NotFound(ErrorIds.HostPathNotFound, $"'{hostPath}' does not exist.", hostPath);
        WithRootfs(c, root =>
        {
            var to = Route(c, root, containerPath);
            if (to.Mount is { ReadOnly: true } ro)
                throw PscException.InvalidOperation(ErrorIds.CopyReadOnlyMount,
                    $"Cannot copy into '{containerPath}' in container '{c.Name}': the mount at '{ro.Destination}' is read-only (docker cp: mounted volume is marked read-only).", containerPath);
            if (to.File is { } file) ContainerCopy.WriteIntoMountedFile(hostPath, file, c.Name, containerPath);
            else ContainerCopy.CopyIntoRoot(hostPath, to.Root, c.Name, containerPath, ct, to.Path);
            return 0;
        }, ct);
    }

    /// <summary>
    /// Write each of <paramref name="files"/> into the container's root file system (mounted for the call when the
    /// container is not running): see <see cref="ContainerFileContent"/> for where and how. Errors
    /// (<see cref="PscException"/>): ContainerNotFound, CopyDirectoryToFile, TooManySymlinks, CopyFailed.
    /// </summary>
    public void WriteFiles(Container c, IReadOnlyList<ContainerFileContent> files, CancellationToken ct = default) =>
        WithRootfs(c, root => { foreach (var f in files) ContainerCopy.WriteIntoRoot(root, c.Name, f); return 0; }, ct);

    /// <summary>
    /// docker export: the container's root file system (mounted for the call when the container is stopped) as one
    /// POSIX pax tar stream. See <see cref="TreeExport.Write"/> for what is written.
    /// </summary>
    public void Export(Container c, Stream output, CancellationToken ct = default)
    {
        WithRootfs(c, root =>
        {
            using var fd = SafeFd.OpenDirectory(root);
            TreeExport.Write(fd, output, ct);
            return 0;
        }, ct);
    }
}
