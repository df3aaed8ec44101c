using System.Text;
using PsContainers.Core.Archive;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

/// <summary>What unpacking one layer produced.</summary>
/// <param name="DiffId">sha256 of the uncompressed tar ("sha256:&lt;hex&gt;"), the layer's diff_id (OCI image-spec, config.md).</param>
/// <param name="UncompressedBytes">Bytes of the uncompressed tar stream.</param>
/// <param name="Size">Bytes of regular-file content (logical sizes: a sparse file counts its full length).</param>
/// <param name="Entries">Tar entries applied.</param>
/// <param name="Compression">The compression detected from the stream's magic bytes.</param>
public sealed record LayerUnpackResult(string DiffId, long UncompressedBytes, long Size, int Entries, LayerCompression Compression);

/// <summary>
/// Unpacks one layer tar into an empty directory in overlayfs form (OCI image-spec layer.md, "Whiteouts"): whiteouts
/// (.wh.NAME) become 0:0 character devices, opaque markers (.wh..wh..opq) become the trusted.overlay.opaque=y xattr.
/// <para>
/// Every byte tar can express is kept: names and link targets are bytes (names that are not UTF-8 stay distinct),
/// xattrs are binary (file capabilities survive), hard links stay hard links, sparse files stay sparse, owners,
/// modes (setuid/setgid/sticky), device numbers and nanosecond mtimes are applied. The tar is read with the engine's
/// own byte-exact reader (<see cref="TarArchiveReader"/>).
/// </para>
/// <para>
/// Hostile entries are contained: every path is resolved with the one secure join (<see cref="RootedPath"/>, as if
/// the layer root were "/": absolute names and symlinks stay inside), every entry is created relative to a directory
/// descriptor without following a final symlink, a name or hard link climbing out with ".." is refused
/// (LayerPathEscapes), overlay's own trusted.overlay.* attributes are never taken from a tar.
/// </para>
/// Errors (<see cref="PscException"/>): InvalidLayer (not a tar, or cut short), LayerPathEscapes, LayerSymlinkLoop,
/// HardlinkTargetMissing, InvalidWhiteout, UnsupportedLayerEntry, LayerWriteFailed.
/// </summary>
public sealed class LayerExtractor : IDisposable
{
    /// <summary>The whiteout prefix (OCI image-spec layer.md).</summary>
    public const string WhiteoutPrefix = ".wh.";
    /// <summary>The opaque-directory marker (OCI image-spec layer.md).</summary>
    public const string OpaqueMarker = ".wh..wh..opq";
    private static readonly byte[] WhiteoutBytes = ".wh."u8.ToArray();
    private static readonly byte[] OpaqueBytes = ".wh..wh..opq"u8.ToArray();
    private static readonly byte[] OverlayPrefix = "trusted.overlay."u8.ToArray();

    private readonly RootedPath _root;
    private readonly bool _isRoot;
    private readonly List<(byte[] Path, FsTime Atime, FsTime Mtime)> _dirTimes = new();
    private long _size;
    private int _entries;

    /// <summary>Unpack into <paramref name="root"/>, an existing directory the engine owns (a layer's diff directory).</summary>
    public LayerExtractor(string root)
    {
        _root = RootedPath.Open(Path.GetFullPath(root));
        _isRoot = Environment.IsPrivilegedProcess;
    }

    /// <inheritdoc/>
    public void Dispose() => _root.Dispose();

    /// <summary>
    /// Unpack a (gzip, zstd or uncompressed) layer stream into <paramref name="root"/> (created if missing) and
    /// return its diff_id and sizes. <paramref name="progress"/> gets the uncompressed bytes read so far.
    /// </summary>
    public static LayerUnpackResult Unpack(Stream layer, string root, CancellationToken ct = default, Action<long>? progress = null)
    {
        Directory.CreateDirectory(root);
        using var ex = new LayerExtractor(root);
        using var decompressed = Compression.OpenDecompressed(layer, out var kind, leaveOpen: true);
        using var hashing = new HashingStream(decompressed, leaveOpen: true);
        try
        {
            ex.ExtractTar(hashing, ct, progress is null ? null : () => progress(hashing.BytesRead));
            hashing.Drain();
        }
        catch (TarFormatException e)
        {
            string what = e.Kind == TarFormatErrorKind.Truncated ? "is cut short" : "is not a valid tar archive";
            throw PscException.InvalidData(ErrorIds.InvalidLayer, $"The layer {what}: {e.Message}", e.EntryName, e);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ZstdSharp.ZstdException)
        {
            throw PscException.InvalidData(ErrorIds.InvalidLayer, $"The layer is not a valid tar archive: {e.Message}", null, e);
        }
        return new LayerUnpackResult(hashing.Digest, hashing.BytesRead, ex._size, ex._entries, kind);
    }

    /// <summary>Extract an uncompressed tar stream. Throws <see cref="TarFormatException"/> for a damaged tar, <see cref="PscException"/> otherwise.</summary>
    public void ExtractTar(Stream tar, CancellationToken ct = default, Action? onEntry = null)
    {
        using var reader = new TarArchiveReader(tar, leaveOpen: true);
        TarEntry? e;
        while ((e = reader.Next()) is not null)
        {
            ct.ThrowIfCancellationRequested();
            try { ApplyEntry(reader, e); }
            catch (FsException fe) { throw WriteFailed(fe, e); }
            _entries++;
            onEntry?.Invoke();
        }
        // directory times last: creating children changes them (deepest first)
        foreach (var (p, at, mt) in _dirTimes.OrderByDescending(d => d.Path.Length))
        {
            try
            {
                if (p.Length == 0) { Fs.SetTimes(_root.Root, ""u8, at, mt); continue; }
                using var parent = _root.OpenParent(p, out var name);
                if (Fs.TryStat(parent, name, out var st) && st.IsDirectory) Fs.SetTimes(parent, name, at, mt);
            }
            catch (FsException) { } // replaced by a later entry
        }
    }

    /// <summary>Split a tar name (bytes) into clean components; refuse names that climb above the root (LayerPathEscapes).</summary>
    public static List<byte[]> CleanName(ReadOnlySpan<byte> name)
    {
        var parts = new List<byte[]>();
        foreach (var c in BytePath.Split(name))
        {
            if (c.Length == 0 || c is [(byte)'.']) continue;
            if (c is [(byte)'.', (byte)'.'])
            {
                if (parts.Count == 0)
                    throw PscException.InvalidData(ErrorIds.LayerPathEscapes, $"The layer entry '{BytePath.Display(name)}' points outside the layer root.", BytePath.Display(name));
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(c);
        }
        return parts;
    }

    /// <summary>
    /// The directory that holds the last component, resolved in the root (symlinks followed inside it), with missing
    /// directories created. Something that is not a directory in the way is replaced by one: the later entry wins,
    /// as tar does. Never follows a link out of the root.
    /// </summary>
    private SafeFd OpenParent(List<byte[]> parts, out byte[] name, ReadOnlySpan<byte> entryName)
    {
        byte[] path = BytePath.Join(parts);
        for (int attempt = 0; ; attempt++)
        {
            try { return _root.OpenParent(path, out name, createParents: true); }
            catch (FsException e) when (e.Errno == Errno.ELOOP) { throw SymlinkLoop(entryName); }
            catch (FsException e) when (e.Errno == Errno.ENOTDIR && attempt < parts.Count)
            {
                // find the first component (as the container would see it) that is not a directory and replace it
                bool replaced = false;
                for (int k = 1; k < parts.Count && !replaced; k++)
                {
                    byte[] prefix = BytePath.Join(parts.Take(k));
                    using var holder = _root.OpenParent(prefix, out var n);
                    if (!Fs.TryStat(holder, n, out var st)) break; // missing: created by the next attempt
                    if (st.IsDirectory) continue;
                    if (st.IsSymlink)
                    {
                        // a link that leads to a directory is fine; one that leads to a file or nowhere is replaced
                        try { using var _ = _root.Open(prefix, OpenFlags.Path | OpenFlags.Directory); continue; }
                        catch (FsException) { }
                    }
                    Fs.Unlink(holder, n);
                    Fs.Mkdir(holder, n, 0x1ed);
                    replaced = true;
                }
                if (!replaced) throw;
            }
        }
    }

    /// <summary>Remove whatever has that name (a directory with all it holds, never following a link).</summary>
    private static void RemoveExisting(SafeFd parent, byte[] name, bool keepDirectory)
    {
        if (!Fs.TryStat(parent, name, out var st)) return;
        if (st.IsDirectory)
        {
            if (keepDirectory) return;
            SafeTree.Delete(parent, name);
        }
        else Fs.Unlink(parent, name);
    }

    private void ApplyEntry(TarArchiveReader reader, TarEntry e)
    {
        var parts = CleanName(e.Name);
        if (parts.Count == 0)
        {
            // the root itself ("./"): take its metadata
            if (e.Kind == TarEntryKind.Directory) ApplyMetadata(_root.Root, ""u8, e, isDir: true, path: []);
            return;
        }
        if (e.Kind == TarEntryKind.Unknown)
            throw PscException.InvalidData(ErrorIds.UnsupportedLayerEntry, $"The layer entry '{e.DisplayName}' has an unsupported type ('{(char)e.TypeFlag}').", e.DisplayName);

        using var parent = OpenParent(parts, out var baseName, e.Name);
        if (baseName.AsSpan().StartsWith(WhiteoutBytes))
        {
            if (baseName.AsSpan().SequenceEqual(OpaqueBytes))
            {
                Fs.SetXattr(parent, ""u8, "trusted.overlay.opaque"u8, "y"u8);
                return;
            }
            byte[] hidden = baseName[WhiteoutBytes.Length..];
            if (hidden.Length == 0 || BytePath.IsDotOrDotDot(hidden))
                throw PscException.InvalidData(ErrorIds.InvalidWhiteout, $"The layer entry '{e.DisplayName}' is not a valid whiteout.", e.DisplayName);
            RemoveExisting(parent, hidden, keepDirectory: false);
            Fs.Mknod(parent, hidden, FsStat.S_IFCHR, 0);
            if (_isRoot) Fs.Chown(parent, hidden, (uint)e.Uid, (uint)e.Gid);
            return;
        }

        byte[] path = BytePath.Join(parts);
        switch (e.Kind)
        {
            case TarEntryKind.Directory:
                RemoveExisting(parent, baseName, keepDirectory: true);
                if (!Fs.TryStat(parent, baseName, out _)) Fs.Mkdir(parent, baseName, 0x1c0);
                ApplyMetadata(parent, baseName, e, isDir: true, path);
                break;
            case TarEntryKind.RegularFile:
                RemoveExisting(parent, baseName, keepDirectory: false);
                try
                {
                    using var fs = new WriteGuard(Fs.OpenAt(parent, baseName, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow, 0x180).ToStream(FileAccess.Write));
                    long copied = reader.CopyDataTo(fs);
                    if (copied != e.Size)
                        throw new TarFormatException(TarFormatErrorKind.Truncated, $"The data of '{e.DisplayName}' is cut short ({copied} of {e.Size} bytes).", e.Name, e.HeaderOffset);
                }
                catch (WriteGuard.WriteFailure wf)
                {
                    // the file system refused the data (full, quota, file too large): name the entry, not a bare IOException
                    throw new PscException(ErrorIds.LayerWriteFailed, PscErrorCategory.WriteError, $"Cannot unpack '{e.DisplayName}': {wf.InnerException!.Message}", e.DisplayName, wf.InnerException);
                }
                // a sparse entry may claim any real size: the sum must not wrap (no real layer holds 8 EiB)
                if (e.Size > long.MaxValue - _size)
                    throw PscException.InvalidData(ErrorIds.InvalidLayer, $"The layer's files add up to more than {long.MaxValue} bytes (at '{e.DisplayName}').", e.DisplayName);
                _size += e.Size;
                ApplyMetadata(parent, baseName, e, isDir: false, path);
                break;
            case TarEntryKind.Symlink:
                RemoveExisting(parent, baseName, keepDirectory: false);
                if (e.LinkName.Length == 0)
                    throw PscException.InvalidData(ErrorIds.InvalidLayer, $"The symbolic link '{e.DisplayName}' has no target.", e.DisplayName);
                Fs.Symlink(e.LinkName, parent, baseName);
                ApplyMetadata(parent, baseName, e, isDir: false, path, isLink: true);
                break;
            case TarEntryKind.HardLink:
            {
                var tparts = CleanName(e.LinkName);
                if (tparts.Count == 0)
                    throw PscException.InvalidData(ErrorIds.LayerPathEscapes, $"The hard link '{e.DisplayName}' points at the layer root.", e.DisplayName);
                SafeFd? tparent = null;
                byte[] tname = [];
                try { tparent = _root.OpenParent(BytePath.Join(tparts), out tname); }
                catch (FsException fe) when (fe.Errno is Errno.ENOENT or Errno.ENOTDIR) { }
                catch (FsException fe) when (fe.Errno == Errno.ELOOP) { throw SymlinkLoop(e.Name); }
                using var _ = tparent;
                if (tparent is null || !Fs.TryStat(tparent, tname, out var tst))
                    throw PscException.InvalidData(ErrorIds.HardlinkTargetMissing, $"The hard link '{e.DisplayName}' points at '{e.DisplayLinkName}', which is not in the layer.", e.DisplayName);
                if (tst.IsDirectory)
                    throw PscException.InvalidData(ErrorIds.InvalidLayer, $"The hard link '{e.DisplayName}' points at a directory.", e.DisplayName);
                if (Fs.TryStat(parent, baseName, out var cur) && cur.Identity == tst.Identity) break; // already that file
                RemoveExisting(parent, baseName, keepDirectory: false);
                Fs.Link(tparent, tname, parent, baseName);
                break;
            }
            case TarEntryKind.CharDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo:
            {
                RemoveExisting(parent, baseName, keepDirectory: false);
                uint type = e.Kind switch
                {
                    TarEntryKind.CharDevice => FsStat.S_IFCHR,
                    TarEntryKind.BlockDevice => FsStat.S_IFBLK,
                    _ => FsStat.S_IFIFO,
                };
                ulong dev = type == FsStat.S_IFIFO ? 0 : FsStat.MakeDev((uint)e.DevMajor, (uint)e.DevMinor);
                try { Fs.Mknod(parent, baseName, type | 0x180, dev); }
                catch (FsException) when (!_isRoot && type != FsStat.S_IFIFO) { break; } // devices need root; skipped as rootless engines do
                ApplyMetadata(parent, baseName, e, isDir: false, path);
                break;
            }
            default:
                throw PscException.InvalidData(ErrorIds.UnsupportedLayerEntry, $"The layer entry '{e.DisplayName}' has an unsupported type ({e.Kind}).", e.DisplayName);
        }
    }

    /// <summary>Owner, mode, xattrs and times, in the order that keeps them all: chown clears setuid/setgid and file capabilities, so it comes first.</summary>
    private void ApplyMetadata(SafeFd parent, ReadOnlySpan<byte> name, TarEntry e, bool isDir, byte[] path, bool isLink = false)
    {
        if (_isRoot) Fs.Chown(parent, name, (uint)e.Uid, (uint)e.Gid);
        if (name.IsEmpty) Fs.Chmod(parent, (uint)e.Mode & 0xfff); // the root itself
        else if (!isLink) Fs.Chmod(parent, name, (uint)e.Mode & 0xfff);
        foreach (var x in e.Xattrs)
        {
            byte[] attr = Encoding.UTF8.GetBytes(x.Name);
            // overlay's own attributes would let a layer redirect or hide lower files: never take them from a tar
            if (attr.AsSpan().StartsWith(OverlayPrefix)) continue;
            Fs.SetXattr(parent, name, attr, x.Value);
        }
        var mtime = new FsTime(e.ModificationTime.Seconds, (uint)e.ModificationTime.Nanoseconds);
        var atime = e.AccessTime is TarTimestamp a ? new FsTime(a.Seconds, (uint)a.Nanoseconds) : mtime;
        if (isDir) _dirTimes.Add((path, atime, mtime));
        else Fs.SetTimes(parent, name, atime, mtime);
    }

    /// <summary>
    /// The file being unpacked: an IOException while writing it (ENOSPC, EDQUOT, EFBIG) comes out as a
    /// <see cref="WriteFailure"/>, told apart from an IOException reading the layer stream.
    /// </summary>
    private sealed class WriteGuard(FileStream inner) : Stream
    {
        public sealed class WriteFailure(IOException e) : Exception(e.Message, e);

        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => Guard(() => inner.Position = value); }
        public override void Flush() => Guard(inner.Flush);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) { long r = 0; Guard(() => r = inner.Seek(offset, origin)); return r; }
        public override void SetLength(long value) => Guard(() => inner.SetLength(value));
        public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try { inner.Write(buffer); }
            catch (IOException e) { throw new WriteFailure(e); }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Guard(inner.Dispose);
            base.Dispose(disposing);
        }

        private static void Guard(Action a)
        {
            try { a(); }
            catch (IOException e) { throw new WriteFailure(e); }
        }
    }

    private static PscException SymlinkLoop(ReadOnlySpan<byte> entryName) =>
        PscException.InvalidData(ErrorIds.LayerSymlinkLoop, $"Too many symbolic links resolving '{BytePath.Display(entryName)}'.", BytePath.Display(entryName));

    private static PscException WriteFailed(FsException fe, TarEntry e) =>
        new(ErrorIds.LayerWriteFailed, PscErrorCategory.WriteError, $"Cannot unpack '{e.DisplayName}': {fe.Message}", e.DisplayName, fe);
}
