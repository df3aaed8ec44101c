using PsContainers.FileSystem;

namespace PsContainers.Core.Containers.Files;

/// <summary>
/// Where a container path of a copy lives on the host, as the container's mount table would answer it: a directory
/// <see cref="Root"/> (the container's root file system, or a bind or volume source) and the <see cref="Path"/> to
/// resolve inside it with <see cref="RootedPath"/>; or, for a mount whose source is a file (the engine's /etc/hostname,
/// a bound file), that file's real host path in <see cref="File"/>. <see cref="Mount"/> is the mount the path is in
/// (null: the container's own layer).
/// </summary>
internal sealed record CopyRoute(string Root, string Path, CopyMount? Mount, string? File)
{
    /// <summary>
    /// Route <paramref name="containerPath"/> through <paramref name="mounts"/>. The path is made lexically clean
    /// (<see cref="CopyMount.Clean"/>), then its prefixes are resolved one component longer at a time inside the current
    /// root with <see cref="RootedPath.ResolveBytes"/> (so a symlink in the image such as /var/run -> /run reaches the
    /// mount at /run); as soon as a resolved prefix is at or below a mount's destination (the longest wins, as in the
    /// kernel's mount table), the rest is resolved inside that mount's source, never outside it: a symlink in a volume
    /// that points at /etc names the volume's etc. Mounts nested in a mount are found the same way. Without a mount on
    /// the way the answer is the rootfs and <paramref name="containerPath"/> unchanged (the copy's old behaviour).
    /// Errors (<see cref="PscException"/>): CopyTmpfsMount (InvalidOperation: the path is on a tmpfs mount, which has no
    /// host source; docker cp does not see tmpfs either), ContainerPathNotFound (a path below a mounted file, or a
    /// mount source that is gone); <see cref="FsException"/> ELOOP from the resolution.
    /// </summary>
    internal static CopyRoute Find(string rootfs, IReadOnlyList<CopyMount> mounts, string name, string containerPath)
    {
        if (mounts.Count == 0) return new CopyRoute(rootfs, containerPath, null, null);
        var comps = CopyMount.Clean(containerPath).Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        CopyMount? at = null;
        string root = rootfs;
        for (int k = 0; ; )
        {
            string abs = at?.Destination ?? "/";
            if (k > 0)
            {
                using var rp = RootedPath.Open(root);
                var r = BytePath.ToStringStrict(rp.ResolveBytes(BytePath.FromString("/" + string.Join('/', comps.Take(k)))));
                abs = CopyMount.Clean(abs + "/" + r);
            }
            var m = Deepest(mounts, abs, at);
            if (m is null)
            {
                if (k == comps.Count) break;
                k++;
                continue;
            }
            if (m.Kind == MountKind.Tmpfs)
                throw PscException.InvalidOperation(ErrorIds.CopyTmpfsMount,
                    $"'{containerPath}' in container '{name}' is on the tmpfs mounted at '{m.Destination}': a tmpfs lives only in the running container's memory and cannot be copied (docker cp does not see it either).", containerPath);
            // the rest: what the resolved prefix has below the mount's destination, then the components not resolved yet
            var rest = abs.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(Depth(m.Destination)).Concat(comps.Skip(k)).ToList();
            string src = m.Source!;
            if (!Directory.Exists(src))
            {
                bool isFile = System.IO.File.Exists(src);
                if (!isFile || rest.Count > 0)
                    throw PscException.NotFound(ErrorIds.ContainerPathNotFound, $"'{containerPath}' does not exist in container '{name}' (the source of its mount at '{m.Destination}' is {(isFile ? "a file" : "gone")}).", containerPath);
                // the kernel resolved a bound file once, at mount time: name the file itself, not a link to it
                var info = new FileInfo(src);
                string real = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } final ? final.FullName : info.FullName;
                return new CopyRoute(System.IO.Path.GetDirectoryName(real)!, "/" + System.IO.Path.GetFileName(real), m, real);
            }
            // go on inside the mount's source: each switch is to a deeper destination, so this ends
            at = m;
            root = src;
            comps = rest;
            k = 0;
        }
        return at is null ? new CopyRoute(rootfs, containerPath, null, null) : new CopyRoute(root, "/" + string.Join('/', comps), at, null);
    }

    /// <summary>The mount with the longest destination at or above <paramref name="abs"/> that is deeper than <paramref name="current"/>'s.</summary>
    private static CopyMount? Deepest(IReadOnlyList<CopyMount> mounts, string abs, CopyMount? current)
    {
        CopyMount? best = null;
        int floor = current is null ? 0 : Depth(current.Destination);
        foreach (var m in mounts)
        {
            if (!(abs == m.Destination || abs.StartsWith(m.Destination + "/", StringComparison.Ordinal))) continue;
            int d = Depth(m.Destination);
            if (d > floor && (best is null || d > Depth(best.Destination))) best = m;
        }
        return best;
    }

    private static int Depth(string clean) => clean == "/" ? 0 : clean.Count(ch => ch == '/');
}
