using System.Buffers.Binary;
using System.Security.Cryptography;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// The content hashes of build-context files, remembered between builds by what stat(2) says of them, as BuildKit's
/// contenthash cache and git's index do: a file whose device, inode, size, modification time and change time (both with
/// nanoseconds) are those recorded when it was last hashed is not read again; any write, truncation, rename over it,
/// chmod/chown or time change moves its change time (which no caller can set back), so it is read and hashed anew.
/// <para>
/// A file changed in the same clock tick as it was hashed would keep its times ("racy git"): a hash is therefore only
/// remembered when the file's change and modification times lie at least <see cref="SettleTime"/> before the moment its
/// status was taken; a younger file is hashed on every build until it has settled.
/// </para>
/// Kept in one file, <c>content-hashes</c> in the build cache directory (removed with the build cache), read once per
/// build and written back atomically when it changed, with at most <see cref="MaxEntries"/> entries (those of this build
/// first). A damaged or foreign file is ignored (everything is hashed again). Concurrent builds may each write it: the
/// last one wins, the other's new hashes are simply computed again next time.
/// The stages of one build may hash at the same time (<see cref="BuildStageRunner{TStage,TState}"/>): <see cref="Sha256"/> is thread-safe.
/// </summary>
public sealed class BuildContentHashes
{
    /// <summary>The file's name in the build cache directory.</summary>
    public const string FileName = "content-hashes";

    /// <summary>How old a file's last change must be before its hash is remembered (well above any file system's time granularity).</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    /// <summary>The most entries kept in the file (80 bytes each).</summary>
    public const int MaxEntries = 200_000;

    private static readonly byte[] Magic = "PSCHASH1"u8.ToArray();
    private const int RecordSize = 8 + 8 + 8 + 12 + 12 + 32;

    private readonly string _file;
    private readonly Dictionary<(ulong Device, ulong Inode), Entry> _entries = new();
    private readonly HashSet<(ulong, ulong)> _used = new();
    private bool _changed;

    private readonly record struct Entry(long Size, FsTime Mtime, FsTime Ctime, byte[] Sha256);

    private BuildContentHashes(string file) => _file = file;

    /// <summary>Files hashed by reading them since this object was loaded (misses).</summary>
    public int Hashed { get; private set; }

    /// <summary>Files whose remembered hash was used (hits).</summary>
    public int Reused { get; private set; }

    /// <summary>Read the remembered hashes of <paramref name="directory"/> (none when the file is missing or damaged).</summary>
    /// <param name="directory">The build cache directory.</param>
    public static BuildContentHashes Load(string directory)
    {
        var h = new BuildContentHashes(Path.Combine(directory, FileName));
        byte[] data;
        try { data = File.ReadAllBytes(h._file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return h; }
        if (data.Length < Magic.Length || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic) || (data.Length - Magic.Length) % RecordSize != 0) return h;
        for (int o = Magic.Length; o < data.Length; o += RecordSize)
        {
            var r = data.AsSpan(o, RecordSize);
            ulong dev = BinaryPrimitives.ReadUInt64LittleEndian(r), ino = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]);
            long size = BinaryPrimitives.ReadInt64LittleEndian(r[16..]);
            var mtime = new FsTime(BinaryPrimitives.ReadInt64LittleEndian(r[24..]), BinaryPrimitives.ReadUInt32LittleEndian(r[32..]));
            var ctime = new FsTime(BinaryPrimitives.ReadInt64LittleEndian(r[36..]), BinaryPrimitives.ReadUInt32LittleEndian(r[44..]));
            h._entries[(dev, ino)] = new Entry(size, mtime, ctime, r.Slice(48, 32).ToArray());
        }
        return h;
    }

    /// <summary>
    /// The sha256 of the content of the regular file <paramref name="name"/> in <paramref name="parent"/>, whose status
    /// the caller just took (<paramref name="status"/>): the remembered one when the status matches, else read (opened
    /// without following a link) and hashed, and remembered when the file has settled.
    /// </summary>
    /// <returns>The 32 hash bytes.</returns>
    /// <exception cref="FsException">The file cannot be opened or read.</exception>
    public byte[] Sha256(SafeFd parent, byte[] name, in FsStat status)
    {
        var id = status.Identity;
        lock (_entries)
            if (_entries.TryGetValue(id, out var e) && e.Size == status.Size && e.Mtime == status.Mtime && e.Ctime == status.Ctime)
            {
                _used.Add(id);
                Reused++;
                return e.Sha256;
            }
        var now = DateTimeOffset.UtcNow;
        var fd = Fs.OpenAt(parent, name, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.NoCtty | OpenFlags.NonBlock);
        FsStat st, after;
        byte[] hash;
        try
        {
            st = Fs.Stat(fd);
            if (!st.IsRegular) throw new FsException(Errno.EINVAL, "open", name, "not a regular file");
            hash = HashOf(fd, st.Size);
            after = Fs.Stat(fd);
        }
        finally { fd.Dispose(); }
        lock (_entries) Hashed++;
        // remembered under what the open file said before it was read, and only when it changed long enough ago
        var settled = now - SettleTime;
        if (st.IsRegular && st.Identity == id && st.Ctime.ToDateTimeOffset() <= settled && st.Mtime.ToDateTimeOffset() <= settled
            && after.Size == st.Size && after.Mtime == st.Mtime && after.Ctime == st.Ctime)
            lock (_entries)
            {
                _entries[id] = new Entry(st.Size, st.Mtime, st.Ctime, hash);
                _used.Add(id);
                _changed = true;
            }
        return hash;
    }

    private static byte[] HashOf(SafeFd fd, long size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long done = 0;
        int n;
        while ((n = Fs.Pread(fd, buffer, done)) > 0) { sha.AppendData(buffer, 0, n); done += n; }
        return sha.GetHashAndReset();
    }

    /// <summary>Write the hashes back (atomically, not synced: a lost file only costs hashing again) when any was added.</summary>
    public void Save()
    {
        if (!_changed) return;
        var keep = _entries.OrderByDescending(kv => _used.Contains(kv.Key)).Take(MaxEntries).ToList();
        var data = new byte[Magic.Length + keep.Count * RecordSize];
        Magic.CopyTo(data, 0);
        int o = Magic.Length;
        foreach (var (key, e) in keep)
        {
            var r = data.AsSpan(o, RecordSize);
            BinaryPrimitives.WriteUInt64LittleEndian(r, key.Device);
            BinaryPrimitives.WriteUInt64LittleEndian(r[8..], key.Inode);
            BinaryPrimitives.WriteInt64LittleEndian(r[16..], e.Size);
            BinaryPrimitives.WriteInt64LittleEndian(r[24..], e.Mtime.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(r[32..], e.Mtime.Nanoseconds);
            BinaryPrimitives.WriteInt64LittleEndian(r[36..], e.Ctime.Seconds);
            BinaryPrimitives.WriteUInt32LittleEndian(r[44..], e.Ctime.Nanoseconds);
            e.Sha256.CopyTo(r[48..]);
            o += RecordSize;
        }
        try { AtomicFile.WriteAllBytes(_file, data, UnixFileMode.UserRead | UnixFileMode.UserWrite, durable: false); }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException) { return; }
        _changed = false;
    }
}
