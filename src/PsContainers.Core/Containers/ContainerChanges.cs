using PsContainers.FileSystem;

namespace PsContainers.Core.Containers;

/// <summary>What happened to a path in a container's filesystem (docker diff's A, C, D; API ChangeType 1, 0, 2).</summary>
public enum ContainerChangeKind
{
    /// <summary>Changed ("C"): the path was in the image and was modified, replaced, or is a directory whose entries changed.</summary>
    Changed,
    /// <summary>Added ("A"): the image had no such path.</summary>
    Added,
    /// <summary>Deleted ("D"): the image had the path and the container removed it.</summary>
    Deleted,
}

/// <summary>One change of a container's filesystem against its image (docker diff).</summary>
/// <param name="Path">The absolute path inside the container, e.g. /etc/hosts.</param>
/// <param name="Kind">Added, changed or deleted.</param>
public sealed record ContainerChange(string Path, ContainerChangeKind Kind)
{
    /// <summary>docker diff's letter: A, C or D.</summary>
    public string Letter => Kind switch { ContainerChangeKind.Added => "A", ContainerChangeKind.Deleted => "D", _ => "C" };

    public override string ToString() => $"{Letter} {Path}";
}

/// <summary>
/// Computes a container's filesystem changes from its overlay upper directory, as docker diff does for overlay2: every
/// entry of the upper directory is a change; a whiteout (a 0:0 character device) is a deletion; an entry the image
/// (the lower layers, with their own whiteouts and opaque directories applied) already had is Changed, else Added.
/// Read from the directories without following any link (SafeTree walk of the upper; the lower layers are looked up
/// with no symlinks allowed), so a hostile link in the container's layer or the image cannot lead outside.
/// </summary>
public static class ContainerChanges
{
    private static readonly byte[] OpaqueXattr = "trusted.overlay.opaque"u8.ToArray();

    /// <summary>The changes, sorted by path (ordinal, as docker lists them).</summary>
    /// <param name="upperDir">The container's upper directory; a missing one (never started) has no changes.</param>
    /// <param name="lowerDirsBaseFirst">The image's unpacked layer directories, base layer first.</param>
    /// <param name="mountPoints">
    /// Absolute paths the runtime mounts over (/etc/hosts, /etc/resolv.conf, volumes...). An empty file or directory
    /// the runtime created there only to mount on is not the container's change (docker keeps these in a hidden init
    /// layer), nor is a directory that shows as changed only because such mount points were created in it.
    /// </param>
    /// <exception cref="FsException">A directory cannot be read.</exception>
    public static List<ContainerChange> Compute(string upperDir, IReadOnlyList<string> lowerDirsBaseFirst,
        IReadOnlyCollection<string>? mountPoints = null, CancellationToken ct = default)
    {
        var changes = new List<ContainerChange>();
        if (!Directory.Exists(upperDir)) return changes;
        using var upper = SafeFd.OpenDirectory(upperDir);
        var lowers = OpenLowers(lowerDirsBaseFirst);
        var skipped = new List<string>();
        try
        {
            var targets = MountTargets(upper, lowers, mountPoints);
            foreach (var e in SafeTree.Walk(upper))
            {
                ct.ThrowIfCancellationRequested();
                if (e.Depth == 0) continue;
                byte[] rel = e.RelativePath;
                string path = "/" + BytePath.Display(rel);
                if (IsWhiteout(e.Status))
                {
                    changes.Add(new ContainerChange(path, ContainerChangeKind.Deleted));
                    continue;
                }
                if (BytePath.TryToString(rel, out var text) && targets.Contains(text))
                {
                    skipped.Add(path);
                    continue;
                }
                changes.Add(new ContainerChange(path, InLower(lowers, rel) ? ContainerChangeKind.Changed : ContainerChangeKind.Added));
            }
        }
        finally { foreach (var l in lowers) l.Dispose(); }
        // a directory changed only by the mount points made in it
        changes.RemoveAll(c => c.Kind == ContainerChangeKind.Changed
            && skipped.Any(s => s.StartsWith(c.Path + "/", StringComparison.Ordinal))
            && !changes.Any(d => d.Path.StartsWith(c.Path + "/", StringComparison.Ordinal)));
        changes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return changes;
    }

    /// <summary>
    /// What the runtime created in the upper directory only to mount on (docker keeps these in its hidden init layer,
    /// so neither docker diff nor docker commit shows them): each of <paramref name="mountPoints"/> (absolute paths
    /// inside the container) that the upper directory holds as an empty regular file or an empty directory and that the
    /// image (the lower layers, whiteouts and opaque directories applied) does not have; and each directory above one
    /// that the image has, that holds nothing else in the upper directory, and whose mode and owner are the image's
    /// (overlay copied it up only because the mount point was made in it). Paths are relative to the upper directory,
    /// without a leading '/' ("etc/hosts", "etc"), for <see cref="PsContainers.Core.Images.LayerDiffOptions.Exclude"/>.
    /// Looked up without following a final symlink, and never outside the directories.
    /// </summary>
    /// <param name="upperDir">The container's upper directory; none (never started): an empty set.</param>
    /// <param name="lowerDirsBaseFirst">The image's unpacked layer directories, base layer first.</param>
    /// <param name="mountPoints">The runtime's mount destinations (from the bundle's config.json).</param>
    /// <param name="stampsBeforeRun">
    /// The upper directory's directories as the runtime left them before the process ran (a build step's
    /// <see cref="DirectoryStamps"/>, recorded by its createRuntime hook), or null when unknown (a container committed
    /// with docker commit). Given, a directory above a mount point is the runtime's only when it is in the snapshot
    /// with the same <see cref="DirectoryStamp"/> now (mode, owner, mtime, ctime): one the process touched
    /// (<c>touch /etc</c>, <c>chmod</c>, an xattr) or copied up itself is a change even when its mode and owner are the image's.
    /// </param>
    public static HashSet<string> RuntimeMountTargets(string upperDir, IReadOnlyList<string> lowerDirsBaseFirst, IReadOnlyCollection<string> mountPoints,
        IReadOnlyDictionary<string, DirectoryStamp>? stampsBeforeRun = null)
    {
        if (!Directory.Exists(upperDir)) return new HashSet<string>(StringComparer.Ordinal);
        using var upper = SafeFd.OpenDirectory(upperDir);
        var lowers = OpenLowers(lowerDirsBaseFirst);
        try
        {
            var set = MountTargets(upper, lowers, mountPoints);
            // the directories copied up only to hold them, deepest first
            var parents = set.SelectMany(Ancestors).Distinct().OrderByDescending(p => p.Count(ch => ch == '/')).ThenBy(p => p, StringComparer.Ordinal).ToList();
            foreach (var dir in parents)
            {
                byte[] rel = BytePath.FromString(dir);
                if (!TryLookup(upper, rel, out var st) || !st.IsDirectory) continue;
                if (stampsBeforeRun is not null && (!stampsBeforeRun.TryGetValue(dir, out var before) || before != DirectoryStamp.Of(st))) continue;
                if (!TryFindInLower(lowers, rel, out var lower) || !lower.IsDirectory) continue;
                if (st.Permissions != lower.Permissions || st.Uid != lower.Uid || st.Gid != lower.Gid) continue;
                using var fd = RootedPath.OpenBeneath(upper, rel, OpenFlags.ReadOnly | OpenFlags.Directory);
                if (Fs.GetAllXattrs(fd, ""u8).Any(x => !x.Key.AsSpan().StartsWith("trusted.overlay."u8))) continue;
                if (Fs.ReadDirectory(fd).All(e => BytePath.TryToString(e.Name, out var n) && set.Contains(dir + "/" + n))) set.Add(dir);
            }
            return set;
        }
        finally { foreach (var l in lowers) l.Dispose(); }
    }

    private static IEnumerable<string> Ancestors(string rel)
    {
        for (int i = rel.LastIndexOf('/'); i > 0; i = rel.LastIndexOf('/', i - 1)) yield return rel[..i];
    }

    private static List<SafeFd> OpenLowers(IReadOnlyList<string> lowerDirsBaseFirst)
    {
        var lowers = new List<SafeFd>();
        try { for (int i = lowerDirsBaseFirst.Count - 1; i >= 0; i--) lowers.Add(SafeFd.OpenDirectory(lowerDirsBaseFirst[i])); }
        catch { foreach (var l in lowers) l.Dispose(); throw; }
        return lowers;
    }

    private static HashSet<string> MountTargets(SafeFd upper, List<SafeFd> lowersTopFirst, IReadOnlyCollection<string>? mountPoints)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (mountPoints is null) return set;
        foreach (var mp in mountPoints)
        {
            string relText = mp.Trim('/');
            if (relText.Length == 0) continue;
            byte[] rel = BytePath.FromString(relText);
            if (!TryLookup(upper, rel, out var st) || !IsEmpty(upper, rel, st) || InLower(lowersTopFirst, rel)) continue;
            set.Add(relText);
        }
        return set;
    }

    private static bool IsEmpty(SafeFd root, byte[] rel, in FsStat st)
    {
        if (st.IsRegular) return st.Size == 0;
        if (!st.IsDirectory) return false;
        using var parent = RootedPath.OpenBeneath(root, ParentOf(rel), OpenFlags.ReadOnly | OpenFlags.Directory);
        return Fs.IsEmptyDirectory(parent, NameOf(rel));
    }

    private static bool IsWhiteout(FsStat st) => st.IsCharDevice && st.RdevMajor == 0 && st.RdevMinor == 0;

    /// <summary>Whether the merged lower layers (top first) have <paramref name="rel"/>.</summary>
    private static bool InLower(List<SafeFd> topFirst, byte[] rel) => TryFindInLower(topFirst, rel, out _);

    /// <summary>Whether the merged lower layers (top first) have <paramref name="rel"/>, and its status in the layer that provides it.</summary>
    private static bool TryFindInLower(List<SafeFd> topFirst, byte[] rel, out FsStat found)
    {
        found = default;
        var comps = BytePath.Split(rel);
        foreach (var layer in topFirst)
        {
            bool hidesBelow = false;
            for (int i = 0; i < comps.Count; i++)
            {
                byte[] prefix = BytePath.Join(comps.Take(i + 1));
                if (!TryLookup(layer, prefix, out var st)) break; // this layer has nothing at the path
                if (IsWhiteout(st)) return false; // deleted by this layer
                bool last = i == comps.Count - 1;
                if (last) { found = st; return true; }
                if (!st.IsDirectory) return false; // a file or link here hides everything beneath the path
                if (IsOpaque(layer, prefix)) hidesBelow = true;
            }
            if (hidesBelow) return false;
        }
        return false;
    }

    private static bool TryLookup(SafeFd layer, byte[] rel, out FsStat st)
    {
        st = default;
        try
        {
            using var fd = RootedPath.OpenBeneath(layer, rel, OpenFlags.Path | OpenFlags.NoFollow);
            st = Fs.Stat(fd);
            return true;
        }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP) { return false; }
    }

    private static bool IsOpaque(SafeFd layer, byte[] rel)
    {
        using var parent = rel.Length == 0 ? null : RootedPath.OpenBeneath(layer, ParentOf(rel), OpenFlags.ReadOnly | OpenFlags.Directory);
        var value = Fs.GetXattr(parent ?? layer, NameOf(rel), OpaqueXattr);
        return value is { Length: 1 } && value[0] == (byte)'y';
    }

    private static byte[] ParentOf(byte[] rel)
    {
        int i = Array.LastIndexOf(rel, (byte)'/');
        return i <= 0 ? "."u8.ToArray() : rel[..i];
    }

    private static byte[] NameOf(byte[] rel)
    {
        int i = Array.LastIndexOf(rel, (byte)'/');
        return i < 0 ? rel : rel[(i + 1)..];
    }
}
