using PsContainers.Core.Archive;
using PsContainers.Core.Oci;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

/// <summary>Options of <see cref="LayerDiff"/>.</summary>
public sealed record LayerDiffOptions
{
    /// <summary>
    /// The compression of the blob <see cref="LayerDiff.Write(SafeFd, Stream, LayerDiffOptions?, CancellationToken)"/>
    /// writes. None by default: a layer made here (a commit, a build step) is kept as a plain tar, its blob digest being
    /// its diff_id, as containers/storage (buildah, podman) and docker's classic store keep local layers; compressing
    /// ~100 MB/s per core was most of a cold build's commit time. <see cref="Registry.ImagePusher"/> compresses plain
    /// layers when they leave for a registry (gzip, as docker push and buildah push do).
    /// </summary>
    public LayerCompression Compression { get; init; } = LayerCompression.None;

    /// <summary>
    /// False (the default, as docker's and containers/storage's tar writers do): modification times are written in whole
    /// seconds (the fraction is dropped), so ordinary entries need no pax header. True: a time with a sub-second part is
    /// written exactly (pax "mtime").
    /// </summary>
    public bool SubsecondTimes { get; init; }

    /// <summary>
    /// Paths relative to the upper directory ("etc/hosts", no leading or trailing '/') left out of the layer together with
    /// everything beneath them: the mount points the runtime created, which docker keeps in its hidden init layer.
    /// Compared byte for byte with the entry's path (a name that is not UTF-8 never matches).
    /// </summary>
    public IReadOnlySet<string>? Exclude { get; init; }
}

/// <summary>What <see cref="LayerDiff"/> wrote.</summary>
/// <param name="DiffId">sha256 of the uncompressed tar, "sha256:&lt;hex&gt;": the layer's diff_id (OCI image-spec config.md, rootfs.diff_ids).</param>
/// <param name="Digest">sha256 of the compressed blob, "sha256:&lt;hex&gt;": the layer descriptor's digest (manifest.md).</param>
/// <param name="Size">Bytes of the compressed blob (the descriptor's size).</param>
/// <param name="UncompressedSize">Bytes of the uncompressed tar, end-of-archive blocks included.</param>
/// <param name="Entries">Tar entries written (whiteouts and opaque markers included); 0 for an unchanged container.</param>
/// <param name="Compression">The blob's compression.</param>
public sealed record LayerDiffResult(string DiffId, string Digest, long Size, long UncompressedSize, int Entries, LayerCompression Compression)
{
    /// <summary>
    /// The diff_id of an empty layer: a tar of nothing but its two 512-byte zero end blocks (docker's
    /// <c>layer.DigestSHA256EmptyTar</c>). Docker commit adds no layer for such a diff, only an <c>empty_layer</c> history entry.
    /// </summary>
    public const string EmptyDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    /// <summary>True when the layer holds no entry (its <see cref="DiffId"/> is <see cref="EmptyDiffId"/>).</summary>
    public bool IsEmpty => Entries == 0;
}

/// <summary>
/// Writes an overlayfs upper directory (a container's changes against its image) as an OCI layer tar (OCI image-spec
/// layer.md, "Changesets" and "Whiteouts"), the way docker's and containers/storage's overlay "native diff" does:
/// <list type="bullet">
/// <item>a whiteout (overlay's 0:0 character device) becomes an empty regular file <c>.wh.NAME</c> (mode 0600, the
/// device node's owner and time), as docker's overlay whiteout converter writes it;</item>
/// <item>an opaque directory (xattr <c>trusted.overlay.opaque</c> = "y", or <c>user.overlay.opaque</c> = "y" of a
/// userxattr mount) is written, then at once an empty regular file <c>DIR/.wh..wh..opq</c> (the directory's permission
/// bits, owner and time);</item>
/// <item>everything else byte for byte: raw byte names (no "./" prefix; directories end in '/'), full modes
/// (setuid, setgid, sticky), numeric owners (no names: a host lookup would be wrong), modification times, every
/// extended attribute (<c>security.capability</c> included, binary-exact, sorted by name) except overlay's own
/// <c>trusted.overlay.*</c> and <c>user.overlay.*</c>, hard links as tar links to the first name written, symlinks,
/// device nodes, FIFOs, empty files. Sockets are left out (tar cannot hold them; docker skips them too).</item>
/// </list>
/// The tree is read through directory descriptors only (<see cref="SafeTree.Walk"/>): no symlink is ever followed,
/// files are opened O_NOFOLLOW relative to their directory, names are never turned into .NET strings. The upper
/// directory itself is not an entry (docker leaves the root out too). Entries come in pre-order, each directory's
/// entries in byte order of their names (Go's filepath.Walk order), so the same tree always gives the same tar,
/// and with the deterministic gzip of <see cref="Compression"/> the same blob.
/// <para>
/// The diff is only faithful when overlay did not use redirect_dir or metacopy for the mount (a renamed directory or a
/// metadata-only copy-up is not in the upper directory's content). Finding their xattrs throws
/// <see cref="PscException"/> UnfaithfulOverlayDiff rather than writing a wrong layer; container mounts are made with
/// <c>redirect_dir=off,metacopy=off</c> so this does not happen.
/// </para>
/// Errors (<see cref="PscException"/>): UnfaithfulOverlayDiff (InvalidData), UnrepresentableXattr (InvalidData: an
/// attribute name that is not UTF-8), LayerDiffChanged (ResourceBusy: a file changed while it was read: pause the
/// container), LayerDiffFailed (ReadError: the directory could not be read).
/// </summary>
public static class LayerDiff
{
    private static readonly byte[] WhiteoutPrefix = ".wh."u8.ToArray();
    private static readonly byte[] OpaqueMarker = ".wh..wh..opq"u8.ToArray();
    private static readonly byte[] TrustedOverlay = "trusted.overlay."u8.ToArray();
    private static readonly byte[] UserOverlay = "user.overlay."u8.ToArray();

    /// <summary>
    /// Write the layer of <paramref name="upperDir"/> (a trusted engine path: a container's upper directory) compressed
    /// to <paramref name="output"/> (left open). See <see cref="Write(SafeFd, Stream, LayerDiffOptions?, CancellationToken)"/>.
    /// </summary>
    public static LayerDiffResult Write(string upperDir, Stream output, LayerDiffOptions? options = null, CancellationToken ct = default)
    {
        using var upper = OpenUpper(upperDir);
        return Write(upper, output, options, ct);
    }

    /// <summary>
    /// Write the layer of the upper directory <paramref name="upper"/> (an open directory descriptor) to
    /// <paramref name="output"/> (left open), compressed as <see cref="LayerDiffOptions.Compression"/> says, and return
    /// the diff_id (sha256 of the tar), the digest and size of what was written, and the entry count.
    /// </summary>
    public static LayerDiffResult Write(SafeFd upper, Stream output, LayerDiffOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new LayerDiffOptions();
        if (options.Compression == LayerCompression.None)
        {
            // the blob is the tar: one hash, no second thread (its digest is the diff_id)
            using var plain = new DigestWriteStream(output);
            int count = WriteTar(upper, plain, options, ct);
            plain.Flush();
            return new LayerDiffResult(plain.Digest, plain.Digest, plain.Length, plain.Length, count, LayerCompression.None);
        }
        using var compressed = new DigestWriteStream(output);
        DigestWriteStream tar;
        int entries;
        using (var compressor = Compression.OpenCompressor(compressed, options.Compression, leaveOpen: true))
        {
            // the tree is read and its tar hashed on this thread while the compressor and the blob's hash run on another
            using (var pipe = new PipelinedWriteStream(compressor))
            {
                tar = new DigestWriteStream(pipe);
                entries = WriteTar(upper, tar, options, ct);
                pipe.Complete();
            }
            compressor.Flush();
        }
        compressed.Flush();
        return new LayerDiffResult(tar.Digest, compressed.Digest, compressed.Length, tar.Length, entries, options.Compression);
    }

    /// <summary>
    /// Write the layer of <paramref name="upper"/> as an uncompressed tar to <paramref name="tar"/> (left open), end
    /// blocks included. Returns the number of entries.
    /// </summary>
    public static int WriteTar(SafeFd upper, Stream tar, LayerDiffOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(tar);
        options ??= new LayerDiffOptions();
        using var w = new TarArchiveWriter(tar, leaveOpen: true, new TarWriterOptions { SubsecondTimes = options.SubsecondTimes });
        var links = new Dictionary<(ulong, ulong), byte[]>();
        var excluded = new List<byte[]>();
        var buffer = new byte[1 << 17];
        int count = 0;
        try
        {
            foreach (var e in SafeTree.Walk(upper))
            {
                ct.ThrowIfCancellationRequested();
                if (e.Depth == 0) continue;
                var rel = e.RelativePath;
                if (IsExcluded(rel, options.Exclude, excluded)) continue;
                count += WriteEntry(w, e, rel, links, buffer);
            }
        }
        catch (FsException fe)
        {
            throw new PscException(ErrorIds.LayerDiffFailed, PscErrorCategory.ReadError,
                $"Cannot read the container's changes at '{fe.DisplayPath}': {fe.Message}", fe.DisplayPath, fe);
        }
        w.Finish();
        return count;
    }

    /// <summary>
    /// Turn, in place, an upper directory whose layer <see cref="Write(SafeFd, Stream, LayerDiffOptions?, CancellationToken)"/>
    /// has just written (with the same <paramref name="options"/>) into exactly the overlay tree that unpacking that layer
    /// gives (<see cref="LayerExtractor"/>), so the store can take the directory as the layer's <c>diff</c> instead of
    /// unpacking the blob again (containers/storage's overlay driver keeps a committed layer's diff directory the same way;
    /// buildah's working container is committed from it). What differs between the two, and is changed here:
    /// <list type="bullet">
    /// <item>the excluded paths (<see cref="LayerDiffOptions.Exclude"/>, with all they hold) and sockets are removed;</item>
    /// <item>overlay's own attributes (<c>trusted.overlay.*</c>: origin, impure, nlink...) are removed, except
    /// <c>trusted.overlay.opaque</c> = "y" on a directory, which is how the extractor writes an opaque marker;</item>
    /// <item>times: the modification time as the tar holds it (whole seconds unless <see cref="LayerDiffOptions.SubsecondTimes"/>),
    /// and the access time equal to it (the tar has none; the extractor sets both);</item>
    /// <item>the directory itself becomes 0755, owned by root when the engine runs as root (the extractor's new layer root).</item>
    /// </list>
    /// Whiteouts (0:0 character devices) stay as they are: the extractor writes the same node.
    /// Read and changed through directory descriptors only (<see cref="SafeTree.Walk"/>: no symlink is followed; times are
    /// set with AT_SYMLINK_NOFOLLOW).
    /// </summary>
    /// <param name="upperDir">The upper directory (a trusted engine path) that the caller gives up: it is changed even
    /// when the answer is null, and is meant to be moved into the store or deleted.</param>
    /// <param name="options">The options the layer was written with.</param>
    /// <param name="ct">Cancels (the directory is then half changed: delete it).</param>
    /// <returns>The bytes of regular-file content, each hard-linked file once (what <see cref="LayerUnpackResult.Size"/>
    /// counts), or null when the directory cannot stand for its layer: a regular entry whose name starts with
    /// <c>.wh.</c> (the layer spells it as a whiteout, so unpacking would make another tree), attributes of a
    /// userxattr overlay (<c>user.overlay.*</c>), redirect or metacopy, another mount inside, or an entry tar cannot hold
    /// other than a socket. The caller then unpacks the blob as before.</returns>
    /// <exception cref="PscException">LayerDiffFailed (ReadError) when the directory cannot be read or changed.</exception>
    public static long? PrepareAsLayerDirectory(string upperDir, LayerDiffOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LayerDiffOptions();
        using var upper = OpenUpper(upperDir);
        var excluded = new List<byte[]>();
        var files = new HashSet<(ulong, ulong)>();
        long bytes = 0;
        try
        {
            var rootStat = Fs.Stat(upper);
            foreach (var e in SafeTree.Walk(upper))
            {
                ct.ThrowIfCancellationRequested();
                if (e.Depth == 0) continue;
                var st = e.Status;
                if (st.MountId != rootStat.MountId || st.IsMountRoot) return null;
                if (st.IsSocket || IsExcluded(e.RelativePath, options.Exclude, excluded))
                {
                    // not in the layer: removed, and the parent keeps the time the layer gives it (set when it was visited)
                    var parent = Fs.Stat(e.Parent);
                    SafeTree.Delete(e.Parent, e.Name);
                    Fs.SetTimes(e.Parent, ""u8, parent.Mtime, parent.Mtime);
                    continue;
                }
                if (st.IsCharDevice && st.RdevMajor == 0 && st.RdevMinor == 0) continue; // a whiteout
                if (e.Name.AsSpan().StartsWith(WhiteoutPrefix)) return null;
                if (!(st.IsDirectory || st.IsRegular || st.IsSymlink || st.IsCharDevice || st.IsBlockDevice || st.IsFifo)) return null;
                foreach (var (name, value) in Fs.GetAllXattrs(e.Parent, e.Name))
                {
                    var n = name.AsSpan();
                    if (n.StartsWith(UserOverlay)) return null;
                    if (!n.StartsWith(TrustedOverlay)) continue;
                    var key = n[TrustedOverlay.Length..];
                    if (key.SequenceEqual("redirect"u8) || key.SequenceEqual("metacopy"u8)) return null;
                    if (st.IsDirectory && key.SequenceEqual("opaque"u8) && value is [(byte)'y']) continue;
                    Fs.RemoveXattr(e.Parent, e.Name, name);
                }
                if (st.IsRegular && (st.Nlink <= 1 || files.Add(st.Identity))) bytes += st.Size;
                var mtime = options.SubsecondTimes ? st.Mtime : new FsTime(st.Mtime.Seconds, 0);
                Fs.SetTimes(e.Parent, e.Name, mtime, mtime);
            }
            if (Environment.IsPrivilegedProcess) Fs.Chown(upper, ""u8, 0, 0);
            Fs.Chmod(upper, 0x1ed);
        }
        catch (FsException fe)
        {
            throw new PscException(ErrorIds.LayerDiffFailed, PscErrorCategory.ReadError,
                $"Cannot make '{upperDir}' a layer directory at '{fe.DisplayPath}': {fe.Message}", fe.DisplayPath, fe);
        }
        return bytes;
    }

    private static SafeFd OpenUpper(string upperDir)
    {
        try { return SafeFd.OpenDirectory(upperDir); }
        catch (FsException fe)
        {
            throw new PscException(ErrorIds.LayerDiffFailed, PscErrorCategory.ReadError,
                $"Cannot open the upper directory '{upperDir}': {fe.Message}", upperDir, fe);
        }
    }

    /// <summary>True when <paramref name="rel"/> is an excluded path or lies beneath one already met.</summary>
    private static bool IsExcluded(byte[] rel, IReadOnlySet<string>? exclude, List<byte[]> excluded)
    {
        if (exclude is null || exclude.Count == 0) return false;
        foreach (var x in excluded)
            if (rel.Length > x.Length && rel[x.Length] == (byte)'/' && rel.AsSpan().StartsWith(x)) return true;
        if (BytePath.TryToString(rel, out var s) && exclude.Contains(s)) { excluded.Add(rel); return true; }
        return false;
    }

    private static int WriteEntry(TarArchiveWriter w, TreeEntry e, byte[] rel, Dictionary<(ulong, ulong), byte[]> links, byte[] buffer)
    {
        var st = e.Status;
        if (st.IsCharDevice && st.RdevMajor == 0 && st.RdevMinor == 0)
        {
            // overlay whiteout (several may share one inode: the kernel links them to one whiteout)
            w.WriteHeader(Header(WhiteoutName(rel), TarEntryKind.RegularFile, 0x180, st));
            return 1;
        }
        if (st.IsSocket) return 0;
        var xattrs = ReadXattrs(e, rel, out bool opaque);
        if (st.IsDirectory)
        {
            var dir = Header([.. rel, (byte)'/'], TarEntryKind.Directory, (int)st.Permissions, st, xattrs);
            w.WriteHeader(dir);
            if (!opaque) return 1;
            w.WriteHeader(Header(BytePath.Combine(rel, OpaqueMarker), TarEntryKind.RegularFile, (int)(st.Permissions & 0x1FF), st));
            return 2;
        }
        if (st.Nlink > 1 && !st.IsDirectory && links.TryGetValue(st.Identity, out var first))
        {
            var link = Header(rel, TarEntryKind.HardLink, (int)st.Permissions, st, xattrs);
            link.LinkName = first;
            w.WriteHeader(link);
            return 1;
        }
        if (st.IsRegular) WriteFile(w, e, rel, xattrs, buffer);
        else if (st.IsSymlink)
        {
            var h = Header(rel, TarEntryKind.Symlink, (int)st.Permissions, st, xattrs);
            h.LinkName = e.ReadLink();
            w.WriteHeader(h);
        }
        else if (st.IsCharDevice || st.IsBlockDevice || st.IsFifo)
        {
            var h = Header(rel, st.IsFifo ? TarEntryKind.Fifo : st.IsCharDevice ? TarEntryKind.CharDevice : TarEntryKind.BlockDevice, (int)st.Permissions, st, xattrs);
            if (!st.IsFifo) { h.DevMajor = st.RdevMajor; h.DevMinor = st.RdevMinor; }
            w.WriteHeader(h);
        }
        else return 0;
        if (st.Nlink > 1) links.TryAdd(st.Identity, rel);
        return 1;
    }

    private static void WriteFile(TarArchiveWriter w, TreeEntry e, byte[] rel, List<TarXattr> xattrs, byte[] buffer)
    {
        using var fd = Fs.OpenAt(e.Parent, e.Name, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoCtty | OpenFlags.NonBlock);
        var st = Fs.Stat(fd);
        if (!st.IsRegular || st.Identity != e.Status.Identity) throw Changed(rel);
        var h = Header(rel, TarEntryKind.RegularFile, (int)st.Permissions, st, xattrs);
        h.Size = st.Size;
        w.WriteHeader(h);
        long done = 0;
        while (done < st.Size)
        {
            int n = Fs.Pread(fd, buffer.AsSpan(0, (int)Math.Min(buffer.Length, st.Size - done)), done);
            if (n == 0) throw Changed(rel);
            w.WriteData(buffer.AsSpan(0, n));
            done += n;
        }
        if (Fs.Stat(fd).Size != st.Size) throw Changed(rel);
    }

    private static PscException Changed(byte[] rel) => new(ErrorIds.LayerDiffChanged, PscErrorCategory.ResourceBusy,
        $"'/{BytePath.Display(rel)}' changed while the container's changes were being read; pause the container while committing.", "/" + BytePath.Display(rel));

    /// <summary>The entry's xattrs for the tar (sorted, overlay's own left out); whether it is an opaque directory. Refuses redirect/metacopy.</summary>
    private static List<TarXattr> ReadXattrs(TreeEntry e, byte[] rel, out bool opaque)
    {
        opaque = false;
        var list = new List<TarXattr>();
        foreach (var (name, value) in Fs.GetAllXattrs(e.Parent, e.Name))
        {
            var n = name.AsSpan();
            bool trusted = n.StartsWith(TrustedOverlay), user = n.StartsWith(UserOverlay);
            if (trusted || user)
            {
                var key = n[(trusted ? TrustedOverlay.Length : UserOverlay.Length)..];
                if (key.SequenceEqual("opaque"u8) && value is [(byte)'y']) opaque = e.Status.IsDirectory;
                else if (key.SequenceEqual("redirect"u8) || key.SequenceEqual("metacopy"u8))
                    throw new PscException(ErrorIds.UnfaithfulOverlayDiff, PscErrorCategory.InvalidData,
                        $"'/{BytePath.Display(rel)}' carries overlay's {BytePath.Display(n)} attribute: the upper directory is not a full diff (the overlay was mounted with redirect_dir or metacopy).",
                        "/" + BytePath.Display(rel));
                continue;
            }
            if (!BytePath.TryToString(n, out var text))
                throw new PscException(ErrorIds.UnrepresentableXattr, PscErrorCategory.InvalidData,
                    $"'/{BytePath.Display(rel)}' has an extended attribute whose name is not UTF-8 ({BytePath.Display(n)}); a tar cannot hold it.",
                    "/" + BytePath.Display(rel));
            list.Add(new TarXattr(text, value));
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    private static TarEntry Header(byte[] name, TarEntryKind kind, int mode, in FsStat st, List<TarXattr>? xattrs = null) => new()
    {
        Kind = kind,
        Name = name,
        Mode = mode,
        Uid = st.Uid,
        Gid = st.Gid,
        ModificationTime = new TarTimestamp(st.Mtime.Seconds, (int)st.Mtime.Nanoseconds),
        Xattrs = xattrs ?? new List<TarXattr>(),
    };

    private static byte[] WhiteoutName(byte[] rel)
    {
        int slash = Array.LastIndexOf(rel, (byte)'/');
        var dir = slash < 0 ? [] : rel.AsSpan(0, slash + 1);
        var name = rel.AsSpan(slash + 1);
        var r = new byte[dir.Length + WhiteoutPrefix.Length + name.Length];
        dir.CopyTo(r);
        WhiteoutPrefix.CopyTo(r, dir.Length);
        name.CopyTo(r.AsSpan(dir.Length + WhiteoutPrefix.Length));
        return r;
    }
}
