using System.Text;

namespace PsContainers.Core.Archive;

/// <summary>Options of a <see cref="TarArchiveWriter"/>.</summary>
public sealed class TarWriterOptions
{
    /// <summary>When true, a modification time with a non-zero nanosecond part is written exactly as a pax "mtime" record
    /// (and atime/ctime keep their fraction); when false (the default) times are written in whole seconds (the fraction is
    /// dropped, rounding toward the past), which keeps the output free of pax headers for ordinary files.</summary>
    public bool SubsecondTimes { get; init; }
}

/// <summary>
/// Writes POSIX pax archives (IEEE Std 1003.1, "pax Interchange Format"): a ustar header per entry, preceded by a pax 'x'
/// extended header only when the entry needs one: a name that does not fit the ustar name/prefix split (or a link name over
/// 100 bytes), a size, uid, gid, device number or modification time outside the ustar octal fields, an owner name over 31 bytes,
/// a sub-second time when <see cref="TarWriterOptions.SubsecondTimes"/> is set, atime/ctime when given, extended attributes
/// (as "SCHILY.xattr.NAME" with the raw value, '%' and '=' in NAME escaped as %25/%3D like GNU tar) and the caller's own
/// <see cref="TarEntry.PaxRecords"/>. "hdrcharset=BINARY" is written when a path, link path or owner name in the record is not valid UTF-8.
/// The output is deterministic: it depends only on the entries given.
/// </summary>
/// <remarks>
/// Usage: <see cref="WriteHeader"/>, then exactly <see cref="TarEntry.Size"/> bytes with <see cref="WriteData"/> (or use
/// <see cref="WriteEntry(TarEntry, Stream?)"/>), repeat, then <see cref="Finish"/> (two zero blocks). Sparse entries are not
/// written (a <see cref="TarEntry.SparseMap"/> is refused). Fields that overflow their ustar field are written as 0 in the ustar
/// header (an empty owner name) and exactly in the pax record. Not thread-safe.
/// </remarks>
public sealed class TarArchiveWriter : IDisposable
{
    private const int Block = 512;
    private static readonly byte[] Zeros = new byte[Block * 2];

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly TarWriterOptions _options;
    private long _remaining;
    private int _padding;
    private bool _inEntry;
    private bool _finished;
    private bool _broken;
    private bool _disposed;
    private byte[] _currentName = [];

    /// <summary>Write an archive to <paramref name="stream"/> from its current position.</summary>
    /// <param name="stream">A writable stream; need not be seekable.</param>
    /// <param name="leaveOpen">When false, <see cref="Dispose"/> disposes the stream.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public TarArchiveWriter(Stream stream, bool leaveOpen = false, TarWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? new TarWriterOptions();
    }

    /// <summary>Bytes written so far.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Write the header block(s) of <paramref name="entry"/>. For a regular file, exactly <see cref="TarEntry.Size"/> data bytes
    /// must follow through <see cref="WriteData"/>; other kinds carry no data (their Size must be 0).
    /// </summary>
    /// <exception cref="ArgumentException">The entry cannot be written: empty name; a NUL byte in a name; a mode outside 0..07777;
    /// a negative id, size, device number; data for a non-regular entry; a missing link target; an <see cref="TarEntryKind.Unknown"/>
    /// kind; a sparse map; an xattr name that is empty or contains NUL; a pax record key that is empty, contains '=' or NUL, or is one
    /// the writer generates itself (path, linkpath, size, uid, gid, uname, gname, mtime, atime, ctime, hdrcharset, SCHILY.devmajor,
    /// SCHILY.devminor, SCHILY.xattr.*, LIBARCHIVE.xattr.*, GNU.sparse.*).</exception>
    /// <exception cref="InvalidOperationException">The previous entry's data is incomplete, or the archive is finished.</exception>
    public void WriteHeader(TarEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) throw new InvalidOperationException("The archive is already finished.");
        if (_broken) throw new InvalidOperationException("An earlier write failed; the archive is incomplete.");
        if (_inEntry && _remaining > 0)
            throw new InvalidOperationException($"The entry '{TarText.Display(_currentName)}' still expects {_remaining} data bytes.");
        Validate(entry);

        // ---- decide what needs pax records
        var records = new List<KeyValuePair<string, byte[]>>();
        bool binary = false;
        byte[] nameField, prefixField = [];
        if (entry.Name.Length <= 100) nameField = entry.Name;
        else if (SplitUstar(entry.Name) is { } split) (prefixField, nameField) = split;
        else
        {
            nameField = entry.Name.AsSpan(0, 100).ToArray();
            records.Add(new("path", entry.Name));
            binary |= !TarText.IsValidUtf8(entry.Name);
        }
        byte[] linkField = entry.LinkName;
        if (entry.LinkName.Length > 100)
        {
            linkField = entry.LinkName.AsSpan(0, 100).ToArray();
            records.Add(new("linkpath", entry.LinkName));
            binary |= !TarText.IsValidUtf8(entry.LinkName);
        }
        long size = entry.Kind == TarEntryKind.RegularFile ? entry.Size : 0;
        long sizeField = size, uidField = entry.Uid, gidField = entry.Gid;
        if (size > TarText.MaxOctal(12)) { records.Add(new("size", TarText.Decimal(size))); sizeField = 0; }
        if (entry.Uid > TarText.MaxOctal(8)) { records.Add(new("uid", TarText.Decimal(entry.Uid))); uidField = 0; }
        if (entry.Gid > TarText.MaxOctal(8)) { records.Add(new("gid", TarText.Decimal(entry.Gid))); gidField = 0; }
        byte[] unameField = entry.UserName, gnameField = entry.GroupName;
        if (entry.UserName.Length > 31)
        {
            records.Add(new("uname", entry.UserName));
            binary |= !TarText.IsValidUtf8(entry.UserName);
            unameField = [];
        }
        if (entry.GroupName.Length > 31)
        {
            records.Add(new("gname", entry.GroupName));
            binary |= !TarText.IsValidUtf8(entry.GroupName);
            gnameField = [];
        }
        var mtime = entry.ModificationTime;
        long mtimeField = mtime.Seconds;
        bool sub = _options.SubsecondTimes;
        if ((sub && mtime.Nanoseconds != 0) || mtime.Seconds < 0 || mtime.Seconds > TarText.MaxOctal(12))
        {
            records.Add(new("mtime", TarText.Ascii(sub ? mtime.ToPaxString() : mtime.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            if (mtime.Seconds < 0 || mtime.Seconds > TarText.MaxOctal(12)) mtimeField = 0;
        }
        if (entry.AccessTime is { } at)
            records.Add(new("atime", TarText.Ascii(sub ? at.ToPaxString() : at.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        if (entry.ChangeTime is { } ct)
            records.Add(new("ctime", TarText.Ascii(sub ? ct.ToPaxString() : ct.Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        bool isDevice = entry.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice;
        long majorField = isDevice ? entry.DevMajor : 0, minorField = isDevice ? entry.DevMinor : 0;
        if (majorField > TarText.MaxOctal(8)) { records.Add(new("SCHILY.devmajor", TarText.Decimal(majorField))); majorField = 0; }
        if (minorField > TarText.MaxOctal(8)) { records.Add(new("SCHILY.devminor", TarText.Decimal(minorField))); minorField = 0; }
        foreach (var x in entry.Xattrs)
            records.Add(new("SCHILY.xattr." + TarText.EscapeXattrName(x.Name), x.Value));
        foreach (var r in entry.PaxRecords) records.Add(r);
        if (binary) records.Insert(0, new("hdrcharset", "BINARY"u8.ToArray()));

        try
        {
            if (records.Count > 0) WritePaxHeader(entry, records, mtimeField);

            var h = new byte[Block];
            nameField.CopyTo(h, 0);
            PutOctal(h, 100, 8, entry.Mode);
            PutOctal(h, 108, 8, uidField);
            PutOctal(h, 116, 8, gidField);
            PutOctal(h, 124, 12, sizeField);
            PutOctal(h, 136, 12, mtimeField);
            h[156] = entry.Kind switch
            {
                TarEntryKind.RegularFile => (byte)'0',
                TarEntryKind.HardLink => (byte)'1',
                TarEntryKind.Symlink => (byte)'2',
                TarEntryKind.CharDevice => (byte)'3',
                TarEntryKind.BlockDevice => (byte)'4',
                TarEntryKind.Directory => (byte)'5',
                TarEntryKind.Fifo => (byte)'6',
                _ => throw new ArgumentException("Unknown entry kind.", nameof(entry)),
            };
            linkField.CopyTo(h, 157);
            "ustar\0"u8.CopyTo(h.AsSpan(257));
            "00"u8.CopyTo(h.AsSpan(263));
            unameField.CopyTo(h, 265);
            gnameField.CopyTo(h, 297);
            PutOctal(h, 329, 8, majorField);
            PutOctal(h, 337, 8, minorField);
            prefixField.CopyTo(h, 345);
            SetChecksum(h);
            Emit(h);
        }
        catch { _broken = true; throw; }

        _currentName = entry.Name;
        _inEntry = true;
        _remaining = size;
        _padding = (int)((Block - (size % Block)) % Block);
        if (_remaining == 0) EndData();
    }

    /// <summary>Write data of the current entry. The total over all calls must equal the entry's <see cref="TarEntry.Size"/>;
    /// the block padding is written when the last byte is.</summary>
    /// <exception cref="InvalidOperationException">No entry expects data, or more bytes than remain were given.</exception>
    public void WriteData(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.Length == 0) return;
        if (!_inEntry || data.Length > _remaining)
            throw new InvalidOperationException(_inEntry
                ? $"The entry '{TarText.Display(_currentName)}' expects {_remaining} more data bytes, not {data.Length}."
                : "No entry expects data; call WriteHeader first.");
        try { Emit(data); }
        catch { _broken = true; throw; }
        _remaining -= data.Length;
        if (_remaining == 0) EndData();
    }

    /// <summary>Write an entry's header and then exactly <see cref="TarEntry.Size"/> bytes read from <paramref name="data"/>
    /// (null for entries without data). Bytes of <paramref name="data"/> after Size are not read.</summary>
    /// <exception cref="EndOfStreamException"><paramref name="data"/> ended before Size bytes (the archive is then unusable).</exception>
    public void WriteEntry(TarEntry entry, Stream? data = null)
    {
        WriteHeader(entry);
        if (_remaining == 0) return;
        if (data is null)
        {
            _broken = true;
            throw new ArgumentNullException(nameof(data), "The entry has data but no stream was given.");
        }
        var buf = new byte[(int)Math.Min(_remaining, 256 * 1024)];
        while (_remaining > 0)
        {
            int n = data.Read(buf, 0, (int)Math.Min(buf.Length, _remaining));
            if (n <= 0)
            {
                _broken = true;
                throw new EndOfStreamException($"The data of '{TarText.Display(_currentName)}' ended {_remaining} bytes short of its size.");
            }
            WriteData(buf.AsSpan(0, n));
        }
    }

    /// <summary>Write an entry's header and its data (whose length must equal <see cref="TarEntry.Size"/>).</summary>
    public void WriteEntry(TarEntry entry, ReadOnlySpan<byte> data)
    {
        if (data.Length != (entry.Kind == TarEntryKind.RegularFile ? entry.Size : 0))
            throw new ArgumentException($"The data is {data.Length} bytes but the entry's size is {entry.Size}.", nameof(data));
        WriteHeader(entry);
        WriteData(data);
    }

    /// <summary>End the archive with two zero blocks (POSIX ustar end-of-archive) and flush the stream.</summary>
    /// <exception cref="InvalidOperationException">The current entry's data is incomplete or an earlier write failed.</exception>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_finished) return;
        if (_broken) throw new InvalidOperationException("An earlier write failed; the archive is incomplete.");
        if (_inEntry && _remaining > 0)
            throw new InvalidOperationException($"The entry '{TarText.Display(_currentName)}' still expects {_remaining} data bytes.");
        Emit(Zeros);
        _stream.Flush();
        _finished = true;
    }

    /// <summary>Finish the archive if it is complete (no entry missing data, no failed write), then release the stream
    /// unless leaveOpen was given. An incomplete archive is left without its end marker.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            if (!_finished && !_broken && !(_inEntry && _remaining > 0)) Finish();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen) _stream.Dispose();
        }
    }

    private void EndData()
    {
        if (_padding > 0) Emit(Zeros.AsSpan(0, _padding));
        _padding = 0;
        _inEntry = false;
    }

    private void Emit(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        Position += bytes.Length;
    }

    private static void Validate(TarEntry e)
    {
        if (e.Kind == TarEntryKind.Unknown || !Enum.IsDefined(e.Kind))
            throw new ArgumentException($"Entries of kind {e.Kind} cannot be written.", nameof(e));
        if (e.Name.Length == 0) throw new ArgumentException("The entry name is empty.", nameof(e));
        if (e.Name.AsSpan().IndexOf((byte)0) >= 0) throw new ArgumentException($"The entry name '{TarText.Display(e.Name)}' contains a NUL byte.", nameof(e));
        if (e.LinkName.AsSpan().IndexOf((byte)0) >= 0) throw new ArgumentException($"The link name of '{TarText.Display(e.Name)}' contains a NUL byte.", nameof(e));
        if (e.UserName.AsSpan().IndexOf((byte)0) >= 0 || e.GroupName.AsSpan().IndexOf((byte)0) >= 0)
            throw new ArgumentException($"An owner name of '{TarText.Display(e.Name)}' contains a NUL byte.", nameof(e));
        if (e.Kind is TarEntryKind.Symlink or TarEntryKind.HardLink && e.LinkName.Length == 0)
            throw new ArgumentException($"The link '{TarText.Display(e.Name)}' has no target.", nameof(e));
        if (e.Mode is < 0 or > 0xFFF) throw new ArgumentException($"The mode of '{TarText.Display(e.Name)}' is outside 0..07777.", nameof(e));
        if (e.Uid < 0 || e.Gid < 0) throw new ArgumentException($"'{TarText.Display(e.Name)}' has a negative uid or gid.", nameof(e));
        if (e.Size < 0) throw new ArgumentException($"'{TarText.Display(e.Name)}' has a negative size.", nameof(e));
        if (e.Size != 0 && e.Kind != TarEntryKind.RegularFile)
            throw new ArgumentException($"'{TarText.Display(e.Name)}' is a {e.Kind} and cannot carry data (size {e.Size}).", nameof(e));
        if (e.DevMajor < 0 || e.DevMinor < 0) throw new ArgumentException($"'{TarText.Display(e.Name)}' has a negative device number.", nameof(e));
        if (e.SparseMap is not null) throw new ArgumentException($"'{TarText.Display(e.Name)}' is sparse; writing sparse entries is not supported.", nameof(e));
        foreach (var t in new[] { e.ModificationTime, e.AccessTime ?? default, e.ChangeTime ?? default })
            if (t.Nanoseconds is < 0 or > 999_999_999) throw new ArgumentException($"A time of '{TarText.Display(e.Name)}' has nanoseconds outside 0..999999999.", nameof(e));
        foreach (var x in e.Xattrs)
        {
            if (string.IsNullOrEmpty(x.Name) || x.Name.Contains('\0'))
                throw new ArgumentException($"An extended attribute of '{TarText.Display(e.Name)}' has an empty name or one with NUL.", nameof(e));
            ArgumentNullException.ThrowIfNull(x.Value);
        }
        foreach (var r in e.PaxRecords)
        {
            string k = r.Key;
            if (string.IsNullOrEmpty(k) || k.Contains('=') || k.Contains('\0'))
                throw new ArgumentException($"The pax record key '{k}' is empty or contains '=' or NUL.", nameof(e));
            if (k is "path" or "linkpath" or "size" or "uid" or "gid" or "uname" or "gname" or "mtime" or "atime" or "ctime" or "hdrcharset"
                    or "SCHILY.devmajor" or "SCHILY.devminor"
                || k.StartsWith("SCHILY.xattr.", StringComparison.Ordinal) || k.StartsWith("LIBARCHIVE.xattr.", StringComparison.Ordinal)
                || k.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                throw new ArgumentException($"The pax record '{k}' is generated by the writer from the entry's properties; set the property instead.", nameof(e));
            ArgumentNullException.ThrowIfNull(r.Value);
        }
    }

    /// <summary>Split a name of 101..256 bytes at a '/' into a prefix of at most 155 bytes and a name of 1..100 bytes (ustar).</summary>
    private static (byte[] Prefix, byte[] Name)? SplitUstar(byte[] name)
    {
        if (name.Length > 256) return null;
        for (int i = Math.Min(155, name.Length - 2); i >= 1; i--)
        {
            if (name[i] != (byte)'/') continue;
            int rest = name.Length - i - 1;
            if (rest > 100) return null; // a shorter prefix only makes the rest longer
            return (name.AsSpan(0, i).ToArray(), name.AsSpan(i + 1).ToArray());
        }
        return null;
    }

    private void WritePaxHeader(TarEntry entry, List<KeyValuePair<string, byte[]>> records, long mtimeField)
    {
        var data = new MemoryStream();
        foreach (var r in records)
        {
            byte[] key = Encoding.UTF8.GetBytes(r.Key);
            // "%d %s=%s\n": the length counts its own digits
            long body = 1 + key.Length + 1 + r.Value.Length + 1;
            long len = body + 1;
            while (len != body + Digits(len)) len = body + Digits(len);
            data.Write(TarText.Decimal(len));
            data.WriteByte((byte)' ');
            data.Write(key);
            data.WriteByte((byte)'=');
            data.Write(r.Value);
            data.WriteByte((byte)'\n');
        }
        var h = new byte[Block];
        PaxHeaderName(entry.Name).CopyTo(h, 0);
        PutOctal(h, 100, 8, 0x1A4); // 0644
        PutOctal(h, 108, 8, 0);
        PutOctal(h, 116, 8, 0);
        PutOctal(h, 124, 12, data.Length);
        PutOctal(h, 136, 12, mtimeField);
        h[156] = (byte)'x';
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        PutOctal(h, 329, 8, 0);
        PutOctal(h, 337, 8, 0);
        SetChecksum(h);
        Emit(h);
        Emit(data.GetBuffer().AsSpan(0, (int)data.Length));
        int pad = (int)((Block - (data.Length % Block)) % Block);
        if (pad > 0) Emit(Zeros.AsSpan(0, pad));
    }

    private static int Digits(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    /// <summary>"PaxHeaders/" + the last component of the name (at most 89 bytes): deterministic, like GNU tar's "%d/PaxHeaders/%f" without the directory.</summary>
    private static byte[] PaxHeaderName(byte[] name)
    {
        var n = name.AsSpan();
        while (n.Length > 1 && n[^1] == (byte)'/') n = n[..^1];
        int slash = n.LastIndexOf((byte)'/');
        var baseName = slash >= 0 && slash < n.Length - 1 ? n[(slash + 1)..] : n;
        if (baseName.Length > 89) baseName = baseName[..89];
        var prefix = "PaxHeaders/"u8;
        var o = new byte[prefix.Length + baseName.Length];
        prefix.CopyTo(o);
        baseName.CopyTo(o.AsSpan(prefix.Length));
        return o;
    }

    private static void PutOctal(byte[] h, int off, int len, long value)
    {
        if (!TarText.TryFormatOctal(h.AsSpan(off, len), value))
            throw new InvalidOperationException($"Internal error: {value} does not fit a {len}-byte octal field.");
    }

    private static void SetChecksum(byte[] h)
    {
        h.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in h) sum += b;
        TarText.TryFormatOctal(h.AsSpan(148, 7), sum); // six digits and a NUL, then the space already there
    }
}
