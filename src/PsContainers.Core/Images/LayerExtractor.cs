using System.Formats.Tar;
using System.Text;
using PsContainers.Core.Util;

namespace PsContainers.Core.Images;

/// <summary>What unpacking one layer produced.</summary>
public sealed record LayerUnpackResult(string DiffId, long UncompressedBytes, long Size, int Entries, LayerCompression Compression);

/// <summary>
/// Unpacks one layer tar into an empty directory in overlayfs form: whiteouts (.wh.NAME) become 0:0
/// character devices, opaque markers (.wh..wh..opq) become the trusted.overlay.opaque=y xattr.
/// Hostile entries are contained: absolute names and symlinks are resolved as if the layer root were /,
/// a name or hard link climbing out with .. is refused. Owner, mode, times and xattrs are kept.
/// </summary>
public sealed class LayerExtractor
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";
    private const int MaxSymlinkHops = 255;

    private readonly string _root;
    private readonly ISyscalls _sys;
    private readonly bool _isRoot;
    private readonly List<(string Path, DateTimeOffset Time)> _dirTimes = new();
    private long _size;
    private int _entries;
    private bool _lastEntryComplete;

    public LayerExtractor(string root, ISyscalls? syscalls = null)
    {
        _root = Path.GetFullPath(root).TrimEnd('/');
        _sys = syscalls ?? LinuxSyscalls.Instance;
        _isRoot = Environment.IsPrivilegedProcess;
    }

    /// <summary>Unpack a (possibly gzip/zstd compressed) layer stream into <paramref name="root"/> (which must exist).</summary>
    public static LayerUnpackResult Unpack(Stream layer, string root, CancellationToken ct = default, Action<long>? progress = null)
    {
        Directory.CreateDirectory(root);
        var ex = new LayerExtractor(root);
        using var decompressed = Compression.OpenDecompressed(layer, out var kind, leaveOpen: true);
        using var hashing = new HashingStream(decompressed, leaveOpen: true);
        try
        {
            ex.ExtractTar(hashing, ct, progress is null ? null : () => progress(hashing.BytesRead));
            hashing.Drain();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdSharp.ZstdException)
        {
            throw PscException.InvalidData("InvalidLayer", $"The layer is not a valid tar archive: {e.Message}", null, e);
        }
        return new LayerUnpackResult(hashing.Digest, hashing.BytesRead, ex._size, ex._entries, kind);
    }

    /// <summary>Extract an uncompressed tar stream.</summary>
    public void ExtractTar(Stream tar, CancellationToken ct = default, Action? onEntry = null)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        while (true)
        {
            TarEntry? e;
            try { e = reader.GetNextEntry(copyData: false); }
            catch (EndOfStreamException) when (_entries > 0 && _lastEntryComplete)
            {
                // some writers (umoci 0.4) end a layer right after the last file's data, without padding or
                // the two zero blocks; every entry is complete, and the diff id still covers every byte
                break;
            }
            if (e is null) break;
            ct.ThrowIfCancellationRequested();
            _lastEntryComplete = false;
            ApplyEntry(e);
            _lastEntryComplete = true;
            _entries++;
            onEntry?.Invoke();
        }
        // directory times last: creating children changes them
        foreach (var (p, t) in _dirTimes.OrderByDescending(d => d.Path.Length))
            _sys.Lutimes(p, t, t);
    }

    /// <summary>Split a tar name into clean components; refuse names that climb above the root.</summary>
    public static List<string> CleanName(string name)
    {
        var parts = new List<string>();
        foreach (var c in name.Replace('\\', '/').Split('/'))
        {
            if (c.Length == 0 || c == ".") continue;
            if (c == "..")
            {
                if (parts.Count == 0)
                    throw PscException.InvalidData("LayerPathEscapes", $"The layer entry '{name}' points outside the layer root.", name);
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(c);
        }
        return parts;
    }

    /// <summary>
    /// Resolve the directory holding the last component, following symlinks inside the root as if it were
    /// the file system root (a symlink to /etc leads to ROOT/etc). Missing directories are created.
    /// </summary>
    private string ResolveParent(List<string> parts, string entryName)
    {
        var resolved = new List<string>();
        var pending = new Queue<string>(parts.Take(parts.Count - 1));
        int hops = 0;
        while (pending.Count > 0)
        {
            string c = pending.Dequeue();
            if (c == "." || c.Length == 0) continue;
            if (c == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            string path = Join(resolved) + "/" + c;
            if (_sys.Lstat(path, out var st) != 0)
            {
                Directory.CreateDirectory(path);
                resolved.Add(c);
                continue;
            }
            if (st.IsSymlink)
            {
                if (++hops > MaxSymlinkHops)
                    throw PscException.InvalidData("LayerSymlinkLoop", $"Too many symbolic links resolving '{entryName}'.", entryName);
                string target = new FileInfo(path).LinkTarget ?? "";
                var rest = pending.ToList();
                pending.Clear();
                if (target.StartsWith('/')) resolved.Clear();
                foreach (var t in target.Split('/')) pending.Enqueue(t);
                foreach (var r in rest) pending.Enqueue(r);
                continue;
            }
            if (!st.IsDirectory)
            {
                // a file where a directory is needed: the later entry wins, like tar does
                File.Delete(path);
                Directory.CreateDirectory(path);
            }
            resolved.Add(c);
        }
        return Join(resolved);
    }

    private string Join(List<string> parts) => parts.Count == 0 ? _root : _root + "/" + string.Join('/', parts);

    private void RemoveExisting(string path, bool keepDirectory)
    {
        if (_sys.Lstat(path, out var st) != 0) return;
        if (st.IsDirectory)
        {
            if (keepDirectory) return;
            Directory.Delete(path, recursive: true);
        }
        else File.Delete(path);
    }

    private void ApplyEntry(TarEntry e)
    {
        if (e.EntryType is TarEntryType.GlobalExtendedAttributes) return;
        var parts = CleanName(e.Name);
        if (parts.Count == 0)
        {
            // the root itself ("./"): take its metadata
            if (e.EntryType == TarEntryType.Directory) ApplyMetadata(_root, e, isDir: true, isLink: false);
            return;
        }
        string parent = ResolveParent(parts, e.Name);
        string baseName = parts[^1];

        if (baseName.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            if (baseName == OpaqueMarker)
            {
                Check(_sys.Lsetxattr(parent, "trusted.overlay.opaque", "y"u8.ToArray()), "set the opaque attribute on", parent);
                return;
            }
            string hidden = baseName[WhiteoutPrefix.Length..];
            if (hidden.Length == 0 || hidden == "." || hidden == "..")
                throw PscException.InvalidData("InvalidWhiteout", $"The layer entry '{e.Name}' is not a valid whiteout.", e.Name);
            string wpath = parent + "/" + hidden;
            RemoveExisting(wpath, keepDirectory: false);
            Check(_sys.Mknod(wpath, FileStatus.S_IFCHR | 0, 0), "create the whiteout", wpath);
            _sys.Lchown(wpath, e.Uid, e.Gid);
            return;
        }

        string path = parent + "/" + baseName;
        switch (e.EntryType)
        {
            case TarEntryType.Directory:
                RemoveExisting(path, keepDirectory: true);
                if (!Directory.Exists(path)) Directory.CreateDirectory(path);
                ApplyMetadata(path, e, isDir: true, isLink: false);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                RemoveExisting(path, keepDirectory: false);
                using (var fs = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
                {
                    long copied = 0;
                    if (e.DataStream is not null)
                    {
                        var buf = new byte[81920];
                        int n;
                        while ((n = e.DataStream.Read(buf, 0, buf.Length)) > 0) { fs.Write(buf, 0, n); copied += n; }
                    }
                    if (copied != e.Length)
                        throw new EndOfStreamException($"The data of '{e.Name}' is cut short ({copied} of {e.Length} bytes).");
                }
                _size += e.Length;
                ApplyMetadata(path, e, isDir: false, isLink: false);
                break;
            case TarEntryType.SymbolicLink:
                RemoveExisting(path, keepDirectory: false);
                if (string.IsNullOrEmpty(e.LinkName))
                    throw PscException.InvalidData("InvalidLayer", $"The symbolic link '{e.Name}' has no target.", e.Name);
                File.CreateSymbolicLink(path, e.LinkName);
                ApplyMetadata(path, e, isDir: false, isLink: true);
                break;
            case TarEntryType.HardLink:
            {
                var tparts = CleanName(e.LinkName);
                if (tparts.Count == 0)
                    throw PscException.InvalidData("LayerPathEscapes", $"The hard link '{e.Name}' points at the layer root.", e.Name);
                string target = ResolveParent(tparts, e.LinkName) + "/" + tparts[^1];
                if (_sys.Lstat(target, out var tst) != 0)
                    throw PscException.InvalidData("HardlinkTargetMissing", $"The hard link '{e.Name}' points at '{e.LinkName}', which is not in the layer.", e.Name);
                if (tst.IsDirectory)
                    throw PscException.InvalidData("InvalidLayer", $"The hard link '{e.Name}' points at a directory.", e.Name);
                if (target == path) break;
                RemoveExisting(path, keepDirectory: false);
                Check(_sys.Link(target, path), "create the hard link", path);
                break;
            }
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
            {
                RemoveExisting(path, keepDirectory: false);
                uint type = e.EntryType switch
                {
                    TarEntryType.CharacterDevice => FileStatus.S_IFCHR,
                    TarEntryType.BlockDevice => FileStatus.S_IFBLK,
                    _ => FileStatus.S_IFIFO,
                };
                ulong dev = e is PosixTarEntry p ? MakeDev((uint)p.DeviceMajor, (uint)p.DeviceMinor) : 0;
                int r = _sys.Mknod(path, type | 0x1a4, dev);
                if (r != 0)
                {
                    if (!_isRoot && type != FileStatus.S_IFIFO) break; // devices need root; skip like rootless engines do
                    Check(r, "create the device", path);
                }
                ApplyMetadata(path, e, isDir: false, isLink: false);
                break;
            }
            default:
                throw PscException.InvalidData("UnsupportedLayerEntry", $"The layer entry '{e.Name}' has an unsupported type ({e.EntryType}).", e.Name);
        }
    }

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    private void ApplyMetadata(string path, TarEntry e, bool isDir, bool isLink)
    {
        if (_isRoot) _sys.Lchown(path, e.Uid, e.Gid);
        if (!isLink) Check(_sys.Chmod(path, (uint)e.Mode & 0xfff), "set the mode of", path);
        if (e is PaxTarEntry pax)
        {
            foreach (var kv in pax.ExtendedAttributes)
            {
                if (!kv.Key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal)) continue;
                string name = kv.Key["SCHILY.xattr.".Length..];
                // overlay's own attributes would let a layer redirect or hide lower files: never take them from a tar
                if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal)) continue;
                _sys.Lsetxattr(path, name, Encoding.UTF8.GetBytes(kv.Value));
            }
        }
        var t = e.ModificationTime;
        if (isDir) _dirTimes.Add((path, t));
        else _sys.Lutimes(path, t, t);
    }

    private static void Check(int errno, string what, string path)
    {
        if (errno != 0)
            throw new PscException("LayerWriteFailed", PscErrorCategory.WriteError, $"Cannot {what} '{path}' (errno {errno}).", path);
    }
}
