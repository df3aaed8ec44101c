namespace PsContainers.FileSystem;

/// <summary>One object met by <see cref="SafeTree.Walk"/>.</summary>
public sealed class TreeEntry
{
    internal TreeEntry(SafeFd parent, byte[] name, byte[] relativePath, FsStat status, int depth)
    {
        Parent = parent; Name = name; RelativePath = relativePath; Status = status; Depth = depth;
    }

    /// <summary>
    /// The directory that holds the entry (for the walk's root: the root itself, with an empty <see cref="Name"/>).
    /// Only valid until the enumeration moves on: use it for *at calls on this entry, never keep it.
    /// </summary>
    public SafeFd Parent { get; }
    /// <summary>The entry's own name (exact bytes); empty for the root.</summary>
    public byte[] Name { get; }
    /// <summary>The path relative to the walk's root ("a/b/c", exact bytes; empty for the root).</summary>
    public byte[] RelativePath { get; }
    /// <summary>lstat-style information (a symlink is described, not its target).</summary>
    public FsStat Status { get; }
    /// <summary>0 for the root, 1 for its entries, ...</summary>
    public int Depth { get; }

    /// <summary>Open this entry if it is a regular file (never a link, FIFO or device): a read stream owning its descriptor.</summary>
    public FileStream OpenRead() => Name.Length == 0 ? throw new FsException(Errno.EISDIR, "open", RelativePath) : Fs.OpenRead(Parent, Name);
    /// <summary>The target of this entry if it is a symlink (exact bytes).</summary>
    public byte[] ReadLink() => Fs.ReadLink(Parent, Name);
    /// <summary>Every extended attribute of this entry (exact bytes).</summary>
    public List<KeyValuePair<byte[], byte[]>> GetXattrs() => Fs.GetAllXattrs(Parent, Name);
}

/// <summary>Options of <see cref="SafeTree.Walk"/>.</summary>
public sealed record WalkOptions
{
    /// <summary>Do not descend into directories on another mount (find -xdev); the mount point itself is still reported.</summary>
    public bool OneFileSystem { get; init; }
    /// <summary>Skip directories that cannot be opened (EACCES, EPERM) instead of throwing.</summary>
    public bool SkipInaccessible { get; init; }
    /// <summary>Report the entries of each directory in byte order of their names (default), rather than the kernel's order.</summary>
    public bool Sorted { get; init; } = true;
}

/// <summary>Options of <see cref="SafeTree.Copy(SafeFd, ReadOnlySpan{byte}, SafeFd, ReadOnlySpan{byte}, CopyOptions?)"/>; the defaults are cp -a.</summary>
public sealed record CopyOptions
{
    /// <summary>Keep the owner and group (fchownat). Without privileges EPERM is ignored, like cp -a as a user.</summary>
    public bool PreserveOwner { get; init; } = true;
    /// <summary>Copy every extended attribute byte-exact (security.capability, trusted.*, user.* ...). EOPNOTSUPP at the destination is ignored.</summary>
    public bool PreserveXattrs { get; init; } = true;
    /// <summary>Leave out trusted.overlay.* (overlayfs' own opaque/redirect/whiteout markers).</summary>
    public bool SkipTrustedOverlayXattrs { get; init; }
    /// <summary>Keep access and modification times (nanoseconds).</summary>
    public bool PreserveTimes { get; init; } = true;
    /// <summary>Copy only the data ranges of regular files (SEEK_DATA/SEEK_HOLE), so holes stay holes.</summary>
    public bool Sparse { get; init; } = true;
    /// <summary>For <see cref="SafeTree.CopyContents"/>: also give the destination directory the source directory's owner, mode, xattrs and times (what cp -a src/. dst does).</summary>
    public bool CopyRootMetadata { get; init; } = true;
    /// <summary>Do not descend into directories on another mount (the mount point is created as an empty directory).</summary>
    public bool OneFileSystem { get; init; }
    /// <summary>Checked before every entry.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Whole-tree operations done through directory descriptors only: each directory is opened O_RDONLY|O_DIRECTORY|
/// O_NOFOLLOW relative to its parent's descriptor and listed with getdents64(2), every entry is examined with lstat
/// semantics, and a symlink is only ever handled as a link (never entered, never followed, in a source or a
/// destination). Names are bytes, so names that are not UTF-8 survive. Walks are iterative and keep a bounded number
/// of descriptors open (see the ESTALE note on the walk), so depth is unlimited.
/// </summary>
public static class SafeTree
{
    // ------------------------------------------------------------------ delete

    /// <summary>
    /// rm -rf <paramref name="hostPath"/>, safely: the path itself is a trusted engine path (its parent directories
    /// are followed like open(2)), but below it nothing is followed: a symlink is unlinked, never entered. Directories
    /// lacking write/search permission are opened up with fchmod on the descriptor this method opened itself, so only
    /// inside the tree. Another mount inside the tree (or <paramref name="hostPath"/> itself being a mount point) is
    /// never descended nor unmounted: it is left in place with its content intact, everything else is removed, and then
    /// an <see cref="FsException"/> with EBUSY names the first such mount point (relative to the deleted directory). Entries that vanish meanwhile are fine.
    /// Returns false when nothing existed at the path.
    /// </summary>
    public static bool Delete(string hostPath)
    {
        SplitHostPath(hostPath, out var parentPath, out var name);
        SafeFd parent;
        try { parent = SafeFd.Open(parentPath, OpenFlags.Path | OpenFlags.Directory); }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { return false; }
        using (parent) return Delete(parent, name);
    }

    /// <summary><see cref="Delete(string)"/> of the entry <paramref name="name"/> (one plain name) under an open directory.</summary>
    public static bool Delete(SafeFd parent, ReadOnlySpan<byte> name)
    {
        BytePath.ValidateName(name);
        var parentStat = Fs.Stat(parent);
        if (!Fs.TryStat(parent, name, out var st)) return false;
        var refused = new List<byte[]>();
        if (st.MountId != parentStat.MountId || st.IsMountRoot)
            throw new FsException(Errno.EBUSY, "delete", name, "it is a mount point; unmount it first");
        if (!st.IsDirectory)
        {
            if (!Fs.TryUnlink(parent, name, false, out int e) && e != Errno.ENOENT) throw new FsException(e, "unlinkat", name);
            return true;
        }
        var top = OpenDirForDelete(parent, name, st, parentStat.MountId, out var topStat);
        if (top is null) return true; // vanished
        var name0 = name.ToArray();
        using var stack = new DirStack();
        stack.PushBase(parent);
        stack.Push(top, topStat, name0);
        var frames = new Stack<(List<DirEntry> Entries, int Index, int Kept, int Rounds)>();
        frames.Push((Fs.ReadDirectory(top), 0, 0, 0));
        while (frames.Count > 0)
        {
            var f = frames.Pop();
            if (f.Index < f.Entries.Count)
            {
                var entry = f.Entries[f.Index];
                f.Index++;
                var dir = stack.Top;
                if (!Fs.TryStat(dir, entry.Name, out var est)) { frames.Push(f); continue; }
                if (est.MountId != parentStat.MountId || est.IsMountRoot)
                {
                    refused.Add(stack.RelativePath(entry.Name, from: 1));
                    f.Kept++;
                    frames.Push(f);
                    continue;
                }
                if (est.IsDirectory)
                {
                    var child = OpenDirForDelete(dir, entry.Name, est, parentStat.MountId, out var cst);
                    frames.Push(f);
                    if (child is null) continue;
                    stack.Push(child, cst, entry.Name);
                    frames.Push((Fs.ReadDirectory(child), 0, 0, 0));
                    continue;
                }
                if (!Fs.TryUnlink(dir, entry.Name, false, out int ue))
                {
                    if (ue == Errno.EISDIR && f.Rounds < 3) { f.Index--; f.Rounds++; } // replaced by a directory meanwhile: look again
                    else if (ue != Errno.ENOENT) throw new FsException(ue, "unlinkat", stack.RelativePath(entry.Name));
                }
                frames.Push(f);
                continue;
            }
            // every entry handled: anything new (created meanwhile)? look again a few times
            if (f.Kept == 0 && f.Rounds < 3)
            {
                var again = Fs.ReadDirectory(stack.Top);
                if (again.Count > 0) { frames.Push((again, 0, 0, f.Rounds + 1)); continue; }
            }
            byte[] dname = stack.NameAt(stack.Count - 1);
            stack.Pop();
            bool keep = f.Kept > 0;
            if (!keep && !Fs.TryUnlink(stack.Top, dname, true, out int re) && re != Errno.ENOENT)
                throw new FsException(re, "rmdir", stack.RelativePath(dname));
            if (keep && frames.Count > 0) { var p = frames.Pop(); p.Kept++; frames.Push(p); }
        }
        if (refused.Count > 0)
            throw new FsException(Errno.EBUSY, "delete", refused[0],
                $"a mount point inside the tree was left in place ({refused.Count} in all); unmount it and delete again");
        return true;
    }

    private static SafeFd? OpenDirForDelete(SafeFd dir, ReadOnlySpan<byte> name, in FsStat st, ulong mountId, out FsStat opened)
    {
        opened = default;
        if (!Fs.TryOpenAt(dir, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, out var fd, out int e))
        {
            if (e is Errno.ENOENT) return null;
            if (e is Errno.EACCES or Errno.EPERM)
            {
                // no read/search permission (mode 0000 without privileges): open it up, never through a link
                Fs.Chmod(dir, name, (st.Permissions | 0x1c0) & 0xFFF);
                fd = Fs.OpenAt(dir, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow);
            }
            else if (e is Errno.ENOTDIR or Errno.ELOOP) return null; // replaced by a non-directory: the caller looks again
            else throw new FsException(e, "openat", name);
        }
        opened = Fs.Stat(fd!);
        if (opened.MountId != mountId || opened.IsMountRoot || opened.Inode != st.Inode || opened.Device != st.Device)
        {
            fd!.Dispose();
            throw new FsException(Errno.EBUSY, "delete", name, "the directory changed or became a mount point while it was being deleted");
        }
        if ((opened.Permissions & 0x1c0) != 0x1c0 && Libc.geteuid() != 0)
            Fs.Chmod(fd!, (opened.Permissions | 0x1c0) & 0xFFF); // owner rwx, on our own descriptor
        return fd;
    }

    // ------------------------------------------------------------------ walk / size

    /// <summary>
    /// Pre-order walk of the tree under <paramref name="root"/> (a directory descriptor): the root first (empty
    /// relative path), then each entry before its children. Nothing is followed: a symlink is reported as a link.
    /// Entries that vanish while walking are skipped. Throws <see cref="FsException"/> (EACCES unless
    /// <see cref="WalkOptions.SkipInaccessible"/>; ESTALE when a directory is moved out from under the walk).
    /// </summary>
    public static IEnumerable<TreeEntry> Walk(SafeFd root, WalkOptions? options = null)
    {
        options ??= new WalkOptions();
        using var self = Fs.OpenAt(root, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory);
        var rootStat = Fs.Stat(self);
        yield return new TreeEntry(self, [], [], rootStat, 0);
        using var stack = new DirStack();
        stack.PushBase(self);
        var frames = new Stack<(List<DirEntry> Entries, int Index)>();
        frames.Push((List(self, options), 0));
        while (frames.Count > 0)
        {
            var f = frames.Pop();
            if (f.Index >= f.Entries.Count)
            {
                if (frames.Count > 0) stack.Pop();
                continue;
            }
            var entry = f.Entries[f.Index];
            frames.Push((f.Entries, f.Index + 1));
            var dir = stack.Top;
            if (!Fs.TryStat(dir, entry.Name, out var st)) continue;
            var rel = stack.RelativePath(entry.Name);
            yield return new TreeEntry(dir, entry.Name, rel, st, stack.Count);
            if (!st.IsDirectory) continue;
            if (options.OneFileSystem && (st.MountId != rootStat.MountId || st.IsMountRoot)) continue;
            if (!Fs.TryOpenAt(dir, entry.Name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, out var child, out int e))
            {
                if (e is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP) continue;
                if (options.SkipInaccessible && e is Errno.EACCES or Errno.EPERM) continue;
                throw new FsException(e, "openat", rel);
            }
            var cst = Fs.Stat(child!);
            if (cst.Inode != st.Inode || cst.Device != st.Device) { child!.Dispose(); continue; } // replaced meanwhile
            stack.Push(child!, cst, entry.Name);
            frames.Push((List(child!, options), 0));
        }
    }

    private static List<DirEntry> List(SafeFd dir, WalkOptions o)
    {
        var l = Fs.ReadDirectory(dir);
        if (o.Sorted) l.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        return l;
    }

    /// <summary>
    /// The bytes of regular files under <paramref name="hostPath"/> (apparent sizes, st_size), each hard-linked file
    /// counted once (by device and inode), symlinks not followed, other mounts not entered, unreadable directories
    /// skipped. 0 when the path does not exist.
    /// </summary>
    public static long Size(string hostPath)
    {
        SafeFd root;
        try { root = SafeFd.OpenDirectory(hostPath); }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { return 0; }
        using (root) return Size(root);
    }

    /// <summary><see cref="Size(string)"/> of an open directory.</summary>
    public static long Size(SafeFd root)
    {
        long total = 0;
        var seen = new HashSet<(ulong, ulong)>();
        foreach (var e in Walk(root, new WalkOptions { OneFileSystem = true, SkipInaccessible = true, Sorted = false }))
            if (e.Status.IsRegular && (e.Status.Nlink <= 1 || seen.Add(e.Status.Identity))) total += e.Status.Size;
        return total;
    }

    // ------------------------------------------------------------------ copy

    /// <summary>
    /// cp -a of one entry: <paramref name="sourceName"/> under <paramref name="sourceParent"/> (never followed: a
    /// symlink is copied as a link) to <paramref name="destName"/> under <paramref name="destParent"/>, recursively for
    /// a directory. Owners, full modes (setuid/setgid/sticky), times (ns) and every xattr are kept, hard links inside
    /// the copy stay hard links, device nodes and FIFOs are re-created with mknodat(2), sockets are skipped, holes stay
    /// holes. At the destination an existing directory is merged into, any other existing entry (a symlink included)
    /// is replaced, never written through; a directory in the way of a non-directory fails with EISDIR. Resolve a
    /// destination inside a container root with <see cref="RootedPath.OpenParent(ReadOnlySpan{byte}, out byte[], bool, uint)"/>.
    /// </summary>
    public static void Copy(SafeFd sourceParent, ReadOnlySpan<byte> sourceName, SafeFd destParent, ReadOnlySpan<byte> destName, CopyOptions? options = null)
    {
        BytePath.ValidateName(sourceName);
        BytePath.ValidateName(destName);
        var ctx = new CopyContext(options ?? new CopyOptions(), destParent);
        var st = Fs.Stat(sourceParent, sourceName);
        if (!st.IsDirectory) { ctx.CopyNonDirectory(sourceParent, sourceName.ToArray(), st, destParent, destName.ToArray(), destName.ToArray()); return; }
        using var src = Fs.OpenDirectory(sourceParent, sourceName);
        var sst = Fs.Stat(src);
        if (sst.Inode != st.Inode) throw new FsException(Errno.EAGAIN, "copy", sourceName, "the source was replaced while it was being copied");
        using var dst = ctx.MakeDirectory(destParent, destName.ToArray());
        ctx.CopyTree(src, sst, dst, destName.ToArray(), applyRootMetadata: true);
    }

    /// <summary>
    /// cp -a SOURCE/. DEST: every entry of the directory <paramref name="sourceDir"/> into the existing directory
    /// <paramref name="destDir"/> (merging), with the semantics of <see cref="Copy(SafeFd, ReadOnlySpan{byte}, SafeFd, ReadOnlySpan{byte}, CopyOptions?)"/>;
    /// with <see cref="CopyOptions.CopyRootMetadata"/> the destination directory also takes the source directory's
    /// owner, mode, xattrs and times. Volume copy-up: source = <see cref="RootedPath.Open(ReadOnlySpan{byte}, int, bool)"/>
    /// of the image path, destination = the volume's directory.
    /// </summary>
    public static void CopyContents(SafeFd sourceDir, SafeFd destDir, CopyOptions? options = null)
    {
        var ctx = new CopyContext(options ?? new CopyOptions(), destDir);
        using var src = Fs.OpenAt(sourceDir, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory);
        using var dst = Fs.OpenAt(destDir, "."u8, OpenFlags.ReadOnly | OpenFlags.Directory);
        ctx.CopyTree(src, Fs.Stat(src), dst, [], applyRootMetadata: ctx.Options.CopyRootMetadata);
    }

    /// <summary>cp -a between trusted host paths: <paramref name="destHostPath"/> is the new name of the copy (its parent must exist).</summary>
    public static void Copy(string sourceHostPath, string destHostPath, CopyOptions? options = null)
    {
        SplitHostPath(sourceHostPath, out var sp, out var sn);
        SplitHostPath(destHostPath, out var dp, out var dn);
        using var s = SafeFd.Open(sp, OpenFlags.Path | OpenFlags.Directory);
        using var d = SafeFd.Open(dp, OpenFlags.Path | OpenFlags.Directory);
        Copy(s, sn, d, dn, options);
    }

    private sealed class CopyContext
    {
        public readonly CopyOptions Options;
        private readonly SafeFd _destBase;
        private readonly Dictionary<(ulong, ulong), byte[]> _links = new();
        private readonly bool _privileged = Libc.geteuid() == 0;

        public CopyContext(CopyOptions o, SafeFd destBase) { Options = o; _destBase = destBase; }

        /// <summary>A directory at dest/name (an existing one is kept; anything else there is replaced), opened O_RDONLY|O_DIRECTORY|O_NOFOLLOW.</summary>
        public SafeFd MakeDirectory(SafeFd dest, byte[] name)
        {
            for (int attempt = 0; attempt < 8; attempt++)
            {
                if (Fs.TryMkdir(dest, name, 0x1c0, out int e) || e == Errno.EEXIST)
                {
                    if (Fs.TryOpenAt(dest, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, out var fd, out int oe)) return fd!;
                    if (oe is Errno.ENOTDIR or Errno.ELOOP) { RemoveNonDirectory(dest, name); continue; }
                    if (oe == Errno.ENOENT) continue;
                    throw new FsException(oe, "openat", name);
                }
                throw new FsException(e, "mkdirat", name);
            }
            throw new FsException(Errno.EAGAIN, "mkdirat", name, "the destination keeps changing");
        }

        private static void RemoveNonDirectory(SafeFd dest, byte[] name)
        {
            if (!Fs.TryStat(dest, name, out var st)) return;
            if (st.IsDirectory) throw new FsException(Errno.EISDIR, "copy", name, "cannot replace a directory with a non-directory");
            if (!Fs.TryUnlink(dest, name, false, out int e) && e != Errno.ENOENT) throw new FsException(e, "unlinkat", name);
        }

        public void CopyTree(SafeFd srcRoot, FsStat srcRootStat, SafeFd dstRoot, byte[] dstRootRel, bool applyRootMetadata)
        {
            using var sstack = new DirStack();
            using var dstack = new DirStack();
            sstack.PushBase(srcRoot);
            dstack.PushBase(dstRoot);
            var frames = new Stack<(List<DirEntry> Entries, int Index, FsStat Stat)>();
            frames.Push((Fs.ReadDirectory(srcRoot), 0, srcRootStat));
            while (frames.Count > 0)
            {
                var f = frames.Pop();
                if (f.Index >= f.Entries.Count)
                {
                    if (frames.Count > 0 || applyRootMetadata) ApplyMetadata(sstack.Top, ""u8, f.Stat, dstack.Top, ""u8, isDir: true);
                    if (frames.Count > 0) { sstack.Pop(); dstack.Pop(); }
                    continue;
                }
                Options.Cancellation.ThrowIfCancellationRequested();
                var entry = f.Entries[f.Index];
                frames.Push((f.Entries, f.Index + 1, f.Stat));
                var sdir = sstack.Top;
                if (!Fs.TryStat(sdir, entry.Name, out var st)) continue; // vanished
                var rel = BytePath.Combine(dstRootRel, dstack.RelativePath(entry.Name));
                if (!st.IsDirectory) { CopyNonDirectory(sdir, entry.Name, st, dstack.Top, entry.Name, rel); continue; }
                var dchild = MakeDirectory(dstack.Top, entry.Name);
                if (Options.OneFileSystem && (st.MountId != srcRootStat.MountId || st.IsMountRoot))
                {
                    using (dchild) ApplyMetadata(sdir, entry.Name, st, dchild, ""u8, isDir: true);
                    continue;
                }
                if (!Fs.TryOpenAt(sdir, entry.Name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, out var schild, out int e))
                {
                    dchild.Dispose();
                    if (e is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP) continue;
                    throw new FsException(e, "openat", rel);
                }
                var cst = Fs.Stat(schild!);
                if (cst.Inode != st.Inode || cst.Device != st.Device) { schild!.Dispose(); dchild.Dispose(); continue; }
                sstack.Push(schild!, cst, entry.Name);
                dstack.Push(dchild, Fs.Stat(dchild), entry.Name);
                frames.Push((Fs.ReadDirectory(schild!), 0, cst));
            }
        }

        /// <param name="destRel">The destination's path relative to the base destination directory (for hard links).</param>
        public void CopyNonDirectory(SafeFd sdir, byte[] name, FsStat st, SafeFd ddir, byte[] dname, byte[] destRel)
        {
            if (st.IsSocket) return; // like cp -a, sockets are not copied
            if (st.Nlink > 1 && _links.TryGetValue(st.Identity, out var firstRel))
            {
                // a hard link to a file already copied: link to that copy (found again without following any link)
                RemoveNonDirectory(ddir, dname);
                try
                {
                    var comps = BytePath.Split(firstRel);
                    using var parent = comps.Count == 1
                        ? Fs.OpenAt(_destBase, "."u8, OpenFlags.Path | OpenFlags.Directory)
                        : RootedPath.OpenBeneath(_destBase, BytePath.Join(comps.Take(comps.Count - 1)), OpenFlags.Path | OpenFlags.Directory);
                    Fs.Link(parent, comps[^1], ddir, dname);
                    return;
                }
                catch (FsException e) when (e.Errno is Errno.EMLINK or Errno.EXDEV or Errno.ENOENT or Errno.ELOOP or Errno.EPERM)
                {
                    // fall through: copy the data instead
                }
            }
            RemoveNonDirectory(ddir, dname);
            if (st.IsRegular)
            {
                using var src = Fs.OpenAt(sdir, name, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoCtty | OpenFlags.NonBlock);
                var sst = Fs.Stat(src);
                if (!sst.IsRegular || sst.Inode != st.Inode || sst.Device != st.Device) return; // replaced meanwhile
                using var dst = Fs.OpenAt(ddir, dname, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0x180);
                Fs.CopyData(src, dst, sst.Size, Options.Sparse);
                ApplyMetadata(src, ""u8, sst, dst, ""u8, isDir: false);
            }
            else if (st.IsSymlink)
            {
                var target = Fs.ReadLink(sdir, name);
                Fs.Symlink(target, ddir, dname);
                ApplyMetadata(sdir, name, st, ddir, dname, isDir: false);
            }
            else if (st.IsCharDevice || st.IsBlockDevice || st.IsFifo)
            {
                Fs.Mknod(ddir, dname, st.Type | 0x180, st.IsFifo ? 0 : st.Rdev);
                ApplyMetadata(sdir, name, st, ddir, dname, isDir: false);
            }
            else return;
            if (st.Nlink > 1) _links.TryAdd(st.Identity, destRel);
        }

        /// <summary>Owner, xattrs, mode, times - in that order (chown clears setuid bits and file capabilities; times last).
        /// An empty name means the descriptor itself (a real, not O_PATH, descriptor).</summary>
        private void ApplyMetadata(SafeFd sdir, ReadOnlySpan<byte> sname, in FsStat st, SafeFd ddir, ReadOnlySpan<byte> dname, bool isDir)
        {
            if (Options.PreserveOwner)
            {
                try { Fs.Chown(ddir, dname, st.Uid, st.Gid); }
                catch (FsException e) when (e.Errno is Errno.EPERM or Errno.EINVAL && !_privileged) { }
            }
            if (Options.PreserveXattrs)
            {
                // user.* xattrs are not allowed on symlinks and device nodes: there are none to copy either
                foreach (var (attr, value) in Fs.GetAllXattrs(sdir, sname))
                {
                    if (Options.SkipTrustedOverlayXattrs && attr.AsSpan().StartsWith("trusted.overlay."u8)) continue;
                    try { Fs.SetXattr(ddir, dname, attr, value); }
                    catch (FsException e) when (e.Errno == Errno.EOPNOTSUPP) { }
                    catch (FsException e) when (e.Errno == Errno.EPERM && !_privileged && attr.AsSpan().StartsWith("trusted."u8)) { }
                }
            }
            if (!st.IsSymlink)
            {
                if (dname.IsEmpty) Fs.Chmod(ddir, st.Permissions);
                else Fs.Chmod(ddir, dname, st.Permissions);
            }
            if (Options.PreserveTimes) Fs.SetTimes(ddir, dname, st.Atime, st.Mtime);
        }
    }

    private static void SplitHostPath(string hostPath, out string parent, out byte[] name)
    {
        string full = Path.GetFullPath(hostPath).TrimEnd('/');
        if (full.Length == 0) throw new FsException(Errno.EINVAL, "resolve", hostPath, "the path has no final name");
        int i = full.LastIndexOf('/');
        parent = i <= 0 ? "/" : full[..i];
        name = BytePath.FromString(full[(i + 1)..]);
    }
}
