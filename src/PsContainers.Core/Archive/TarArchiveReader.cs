using System.Text;

namespace PsContainers.Core.Archive;

/// <summary>How the archive ended, once <see cref="TarArchiveReader.Next"/> has returned null.</summary>
public enum TarArchiveEnd
{
    /// <summary>The end has not been reached yet.</summary>
    None,
    /// <summary>Two zero blocks, as POSIX requires.</summary>
    TwoZeroBlocks,
    /// <summary>One zero block, then the end of the stream (or a short all-zero tail).</summary>
    OneZeroBlock,
    /// <summary>One zero block followed by a block that is not zero. Reading stopped at the zero block, as GNU tar does
    /// without --ignore-zeros (it warns "A lone zero block"); what follows was not read.</summary>
    ZeroBlockThenData,
    /// <summary>The stream ended on a block boundary right after a complete entry (its header, data and padding), or was empty.</summary>
    EndOfStream,
    /// <summary>The stream ended right after the last byte of the last entry's data, without the padding to the block boundary
    /// (umoci 0.4 layers end this way). Reported only when all the entry's data was present.</summary>
    EndOfStreamWithoutPadding,
}

/// <summary>Receives a chunk of an entry's data and the byte offset in the file where the chunk belongs.
/// The span is only valid during the call.</summary>
/// <param name="offset">Byte offset of <paramref name="data"/> in the file.</param>
/// <param name="data">The bytes.</param>
public delegate void TarDataSink(long offset, ReadOnlySpan<byte> data);

/// <summary>
/// A forward-only, streaming tar reader that keeps every byte: names, link names and owner names are raw bytes, extended
/// attribute values binary-exact. Reads V7, ustar, old GNU and GNU (long names 'L'/'K', base-256 numbers, old sparse 'S'),
/// and POSIX pax (IEEE Std 1003.1 "pax Interchange Format": 'x' and 'g' headers) with the GNU sparse formats 0.0, 0.1 and 1.0
/// (GNU tar manual, "Storing Sparse Files" / "GNU sparse formats").
/// </summary>
/// <remarks>
/// Usage: call <see cref="Next"/> until it returns null; after each entry optionally read its data with
/// <see cref="GetDataStream"/>, <see cref="CopyDataTo"/> or <see cref="ReadDataSegments"/>. Unread data is skipped by the next
/// <see cref="Next"/>. The stream is read in large buffered chunks and never seeked; nothing beyond the end marker is read
/// except the block after a first zero block. Errors are <see cref="TarFormatException"/> (kinds Invalid, Truncated,
/// Unsupported); after one the reader refuses further use. Not thread-safe.
/// </remarks>
public sealed class TarArchiveReader : IDisposable
{
    private const int Block = 512;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _buf = new byte[256 * 1024];
    private byte[]? _copyBuf;
    private int _bufPos, _bufLen;
    private bool _eof;
    private long _pos;

    private readonly List<KeyValuePair<string, byte[]>> _global = new();

    // the current entry
    private TarEntry? _current;
    private int _generation;
    private long _storedRemaining;   // data bytes of the entry still in the stream (after any sparse map)
    private int _padding;            // padding bytes after the data
    private bool _dataStarted;
    private long _logicalPos;
    private int _segIndex;
    private long _segDone;
    private TarEntryDataStream? _dataStream;
    private Exception? _failed;
    private bool _disposed;

    /// <summary>Read an archive from <paramref name="stream"/> (uncompressed tar bytes), from its current position.</summary>
    /// <param name="stream">A readable stream; need not be seekable.</param>
    /// <param name="leaveOpen">When false, <see cref="Dispose"/> disposes <paramref name="stream"/>.</param>
    public TarArchiveReader(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Largest pax extended header ('x' or 'g') accepted, in bytes (default 64 MiB); a larger one is
    /// <see cref="TarFormatErrorKind.Unsupported"/>.</summary>
    public long MaxExtendedHeaderSize { get; init; } = 64L << 20;

    /// <summary>Largest GNU long name or long link name ('L'/'K') accepted, in bytes (default 1 MiB).</summary>
    public long MaxLongNameSize { get; init; } = 1L << 20;

    /// <summary>Most segments a sparse map may have (default 4 194 304).</summary>
    public int MaxSparseSegments { get; init; } = 4 << 20;

    /// <summary>The global pax records ('g' headers) in force at this point, in order, values as raw bytes.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> GlobalPaxRecords => _global;

    /// <summary>How the archive ended; <see cref="TarArchiveEnd.None"/> until <see cref="Next"/> returned null.</summary>
    public TarArchiveEnd End { get; private set; }

    /// <summary>Number of bytes consumed from the stream so far (header, data and padding blocks of the entries read).</summary>
    public long Position => _pos;

    /// <summary>The entry returned by the last <see cref="Next"/>, or null.</summary>
    public TarEntry? Current => _current;

    /// <summary>
    /// Advance to the next entry, skipping the unread data of the current one. Extended headers ('x', 'g', 'L', 'K') are
    /// consumed and applied; global records apply to every following entry (POSIX pax, "g" typeflag).
    /// </summary>
    /// <returns>The entry, or null at the end of the archive (see <see cref="End"/> for how it ended).</returns>
    /// <exception cref="TarFormatException">The archive is invalid, truncated, or uses an unsupported feature.</exception>
    public TarEntry? Next()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed is not null) throw new InvalidOperationException("The archive reader failed earlier: " + _failed.Message, _failed);
        try { return NextCore(); }
        catch (TarFormatException e) { _failed = e; throw; }
    }

    /// <summary>
    /// The current entry's logical content as a read-only, forward-only stream of exactly <see cref="TarEntry.Size"/> bytes
    /// (for a sparse file, holes read as zeros). The same instance is returned on each call; it stops working at the next
    /// <see cref="Next"/>. Reading past the stored data throws a <see cref="TarFormatException"/> (Truncated).
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no current entry, or its data was taken with <see cref="ReadDataSegments"/>.</exception>
    public Stream GetDataStream()
    {
        RequireEntry();
        if (_dataStream is not null) return _dataStream;
        if (_dataStarted) throw new InvalidOperationException("The data of this entry was already read.");
        _dataStarted = true;
        _dataStream = new TarEntryDataStream(this, _generation);
        return _dataStream;
    }

    /// <summary>
    /// Deliver the current entry's stored data to <paramref name="sink"/> as (file offset, bytes) chunks, in increasing offset
    /// order: for a file stored whole, its content from offset 0; for a sparse file only its data segments, so an extractor
    /// can pwrite/lseek and keep the holes (then set the file length to <see cref="TarEntry.Size"/>). Chunks are at most 256 KiB.
    /// </summary>
    /// <returns>The number of data bytes delivered.</returns>
    /// <exception cref="InvalidOperationException">No current entry, or its data was already (partly) read.</exception>
    /// <exception cref="TarFormatException">The data is cut short (Truncated).</exception>
    public long ReadDataSegments(TarDataSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        RequireEntry();
        if (_dataStarted) throw new InvalidOperationException("The data of this entry was already read.");
        _dataStarted = true;
        var e = _current!;
        long total = 0;
        try
        {
            if (e.SparseMap is null)
            {
                total += Deliver(0, _storedRemaining, sink);
            }
            else
            {
                foreach (var seg in e.SparseMap)
                    total += Deliver(seg.Offset, seg.Length, sink);
            }
        }
        catch (TarFormatException ex) { _failed = ex; throw; }
        _logicalPos = e.Size;
        _segIndex = e.SparseMap?.Count ?? 0;
        return total;
    }

    /// <summary>
    /// Copy the current entry's logical content to <paramref name="destination"/>, starting at its current position. When the
    /// entry is sparse and the destination is seekable, holes are skipped with seeks and the length is then set to
    /// start + <see cref="TarEntry.Size"/> (so a file keeps its holes); otherwise zeros are written for holes.
    /// </summary>
    /// <returns>The logical number of bytes (<see cref="TarEntry.Size"/>).</returns>
    /// <exception cref="InvalidOperationException">No current entry, or its data was already (partly) read.</exception>
    /// <exception cref="TarFormatException">The data is cut short (Truncated).</exception>
    public long CopyDataTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RequireEntry();
        var e = _current!;
        if (e.SparseMap is not null && destination.CanSeek)
        {
            long start = destination.Position;
            ReadDataSegments((off, data) =>
            {
                long want = start + off;
                if (destination.Position != want) destination.Position = want;
                destination.Write(data);
            });
            destination.SetLength(start + e.Size);
            destination.Position = start + e.Size;
            return e.Size;
        }
        var s = GetDataStream();
        var buf = _copyBuf ??= new byte[1 << 20];
        long n = 0;
        int r;
        while ((r = s.Read(buf, 0, buf.Length)) > 0) { destination.Write(buf, 0, r); n += r; }
        return n;
    }

    /// <summary>Dispose the reader (and the stream unless leaveOpen was given).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_leaveOpen) _stream.Dispose();
    }

    private void RequireEntry()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed is not null) throw new InvalidOperationException("The archive reader failed earlier: " + _failed.Message, _failed);
        if (_current is null) throw new InvalidOperationException("There is no current entry.");
    }

    // ---------------------------------------------------------------- buffered input

    private bool Fill()
    {
        if (_bufPos < _bufLen) return true;
        if (_eof) return false;
        _bufPos = 0;
        _bufLen = 0;
        int n = _stream.Read(_buf, 0, _buf.Length);
        if (n <= 0) { _eof = true; return false; }
        _bufLen = n;
        return true;
    }

    /// <summary>Read up to dst.Length bytes, stopping only at end of stream. Returns the count read.</summary>
    private int ReadUpTo(Span<byte> dst)
    {
        int got = 0;
        while (got < dst.Length)
        {
            if (_bufPos < _bufLen)
            {
                int n = Math.Min(_bufLen - _bufPos, dst.Length - got);
                _buf.AsSpan(_bufPos, n).CopyTo(dst[got..]);
                _bufPos += n;
                got += n;
                continue;
            }
            if (_eof) break;
            int want = dst.Length - got;
            if (want >= _buf.Length)
            {
                int r = _stream.Read(dst[got..]);
                if (r <= 0) { _eof = true; break; }
                got += r;
                continue;
            }
            if (!Fill()) break;
        }
        _pos += got;
        return got;
    }

    /// <summary>Skip up to n bytes; returns the count skipped (less only at end of stream).</summary>
    private long SkipUpTo(long n)
    {
        long done = 0;
        while (done < n)
        {
            if (!Fill()) break;
            int k = (int)Math.Min(_bufLen - _bufPos, n - done);
            _bufPos += k;
            done += k;
        }
        _pos += done;
        return done;
    }

    // ---------------------------------------------------------------- data

    private long Deliver(long fileOffset, long length, TarDataSink sink)
    {
        long done = 0;
        while (done < length)
        {
            if (!Fill()) throw DataTruncated();
            int k = (int)Math.Min(Math.Min(_bufLen - _bufPos, length - done), _storedRemaining);
            if (k <= 0) throw DataTruncated();
            var span = _buf.AsSpan(_bufPos, k);
            _bufPos += k;
            _pos += k;
            _storedRemaining -= k;
            sink(fileOffset + done, span);
            done += k;
        }
        return done;
    }

    private TarFormatException DataTruncated()
    {
        var e = _current!;
        return new TarFormatException(TarFormatErrorKind.Truncated,
            $"The archive ends inside the data of an entry ({_storedRemaining} stored bytes missing)", e.Name, e.HeaderOffset);
    }

    internal int ReadLogical(int generation, Span<byte> dst)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (generation != _generation || _current is null)
            throw new InvalidOperationException("The data stream belongs to an earlier entry; read data before calling Next().");
        if (_failed is not null) throw new InvalidOperationException("The archive reader failed earlier: " + _failed.Message, _failed);
        var e = _current;
        if (dst.Length == 0 || _logicalPos >= e.Size) return 0;
        try
        {
            if (e.SparseMap is null)
            {
                int want = (int)Math.Min(dst.Length, _storedRemaining);
                int got = ReadUpTo(dst[..want]);
                _storedRemaining -= got;
                _logicalPos += got;
                if (got < want || (got == 0 && _logicalPos < e.Size)) throw DataTruncated();
                return got;
            }
            var map = e.SparseMap;
            // skip finished segments
            while (_segIndex < map.Count && _segDone >= map[_segIndex].Length) { _segIndex++; _segDone = 0; }
            if (_segIndex >= map.Count)
            {
                int z = (int)Math.Min(dst.Length, e.Size - _logicalPos);
                dst[..z].Clear();
                _logicalPos += z;
                return z;
            }
            var seg = map[_segIndex];
            long segPos = seg.Offset + _segDone;
            if (_logicalPos < segPos)
            {
                int z = (int)Math.Min(dst.Length, segPos - _logicalPos);
                dst[..z].Clear();
                _logicalPos += z;
                return z;
            }
            int w = (int)Math.Min(dst.Length, seg.Length - _segDone);
            int g = ReadUpTo(dst[..w]);
            _storedRemaining -= g;
            if (g < w) throw DataTruncated();
            _segDone += g;
            _logicalPos += g;
            return g;
        }
        catch (TarFormatException ex) { _failed = ex; throw; }
    }

    internal long LogicalPosition => _logicalPos;

    // ---------------------------------------------------------------- headers

    private TarEntry? NextCore()
    {
        if (End != TarArchiveEnd.None) return null;
        if (_current is not null)
        {
            var prev = _current;
            _current = null;
            _generation++;
            _dataStream = null;
            if (_storedRemaining > 0)
            {
                long skipped = SkipUpTo(_storedRemaining);
                _storedRemaining -= skipped;
                if (_storedRemaining > 0)
                    throw new TarFormatException(TarFormatErrorKind.Truncated,
                        $"The archive ends inside the data of an entry ({_storedRemaining} stored bytes missing)", prev.Name, prev.HeaderOffset);
            }
            if (_padding > 0)
            {
                long p = SkipUpTo(_padding);
                if (p == 0 && _eof)
                {
                    End = TarArchiveEnd.EndOfStreamWithoutPadding;
                    return null;
                }
                if (p < _padding)
                    throw new TarFormatException(TarFormatErrorKind.Truncated,
                        "The archive ends inside the padding after an entry's data", prev.Name, prev.HeaderOffset);
            }
        }

        var header = new byte[Block];
        List<KeyValuePair<string, byte[]>>? local = null;
        byte[]? longName = null, longLink = null;
        long firstOffset = _pos;
        bool sawPax = _global.Count > 0;
        bool sawGnu = false;
        while (true)
        {
            long headerOffset = _pos;
            int got = ReadUpTo(header);
            bool pendingExt = local is not null || longName is not null || longLink is not null;
            if (got == 0)
            {
                if (pendingExt)
                    throw new TarFormatException(TarFormatErrorKind.Truncated, "The archive ends after an extended header, before the entry it describes", null, headerOffset);
                End = TarArchiveEnd.EndOfStream;
                return null;
            }
            if (got < Block)
                throw new TarFormatException(TarFormatErrorKind.Truncated, $"The archive ends inside a header block ({got} of 512 bytes)", null, headerOffset);
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                if (pendingExt)
                    throw new TarFormatException(TarFormatErrorKind.Invalid, "An extended header is followed by the end-of-archive marker instead of an entry", null, headerOffset);
                var second = new byte[Block];
                int g2 = ReadUpTo(second);
                if (g2 == Block && second.AsSpan().IndexOfAnyExcept((byte)0) < 0) End = TarArchiveEnd.TwoZeroBlocks;
                else if (second.AsSpan(0, g2).IndexOfAnyExcept((byte)0) < 0) End = TarArchiveEnd.OneZeroBlock;
                else End = TarArchiveEnd.ZeroBlockThenData;
                return null;
            }
            VerifyChecksum(header, headerOffset);

            byte type = header[156];
            var rawName = TarText.CString(header.AsSpan(0, 100));
            switch (type)
            {
                case (byte)'x' or (byte)'X' or (byte)'g':
                {
                    byte[] data = ReadExtensionData(header, headerOffset, rawName, MaxExtendedHeaderSize, "pax extended header");
                    var records = ParsePaxRecords(data, rawName, headerOffset);
                    if (type == (byte)'g')
                    {
                        foreach (var r in records) SetRecord(_global, r.Key, r.Value);
                    }
                    else
                    {
                        local ??= new();
                        local.AddRange(records);
                    }
                    sawPax = true;
                    continue;
                }
                case (byte)'L':
                    longName = TarText.CString(ReadExtensionData(header, headerOffset, rawName, MaxLongNameSize, "GNU long name"));
                    sawGnu = true;
                    continue;
                case (byte)'K':
                    longLink = TarText.CString(ReadExtensionData(header, headerOffset, rawName, MaxLongNameSize, "GNU long link name"));
                    sawGnu = true;
                    continue;
            }

            var e = ParseMain(header, headerOffset, longName);
            e.HeaderOffset = firstOffset;
            if (longName is not null) e.Name = longName;
            if (longLink is not null) e.LinkName = longLink;
            if (e.Format == TarHeaderFormat.Gnu) sawGnu = true;

            long stored = ParseSize(header, e, headerOffset);
            long? realSize = null;
            List<TarSparseSegment>? sparse = null;
            if (type == (byte)'S') sparse = ReadOldGnuSparse(header, e, headerOffset, out realSize);

            bool sparse10 = false;
            if (_global.Count > 0 || local is not null)
                ApplyPax(e, local, headerOffset, ref stored, ref realSize, ref sparse, ref sparse10);
            e.Format = sawPax ? TarHeaderFormat.Pax : sawGnu ? TarHeaderFormat.Gnu : e.Format;

            if (IsHeaderOnly(e.Kind)) stored = 0;
            _padding = (int)((Block - (stored % Block)) % Block);
            _storedRemaining = stored;
            if (sparse10)
            {
                sparse = ReadSparse10Map(e, headerOffset);
            }
            if (sparse is not null)
            {
                if (realSize is null)
                    throw new TarFormatException(TarFormatErrorKind.Invalid, "A sparse file does not give its real size", e.Name, headerOffset);
                ValidateSparse(sparse, realSize.Value, _storedRemaining, e, headerOffset);
                e.SparseMap = sparse;
                e.Size = realSize.Value;
            }
            else
            {
                e.Size = stored;
            }
            _current = e;
            _dataStarted = false;
            _logicalPos = 0;
            _segIndex = 0;
            _segDone = 0;
            return e;
        }
    }

    private static bool IsHeaderOnly(TarEntryKind k) =>
        k is TarEntryKind.Directory or TarEntryKind.Symlink or TarEntryKind.HardLink
            or TarEntryKind.CharDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo;

    private static void VerifyChecksum(byte[] h, long offset)
    {
        var st = TarText.ParseNumeric(h.AsSpan(148, 8), out long stored);
        if (st != TarText.NumberStatus.Ok || (h[148] & 0x80) != 0)
            throw new TarFormatException(TarFormatErrorKind.Invalid, "The header checksum field is not an octal number (not a tar header)", TarText.CString(h.AsSpan(0, 100)), offset);
        long unsignedSum = 0, signedSum = 0;
        for (int i = 0; i < Block; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : h[i];
            unsignedSum += b;
            signedSum += (sbyte)b;
        }
        if (stored != unsignedSum && stored != signedSum)
            throw new TarFormatException(TarFormatErrorKind.Invalid,
                $"Bad header checksum (recorded {Convert.ToString(stored, 8)}, computed {Convert.ToString(unsignedSum, 8)})", TarText.CString(h.AsSpan(0, 100)), offset);
    }

    private static long Numeric(byte[] h, int off, int len, string what, TarEntry? e, byte[] name, long offset, bool allowNegative = false)
    {
        var st = TarText.ParseNumeric(h.AsSpan(off, len), out long v);
        if (st == TarText.NumberStatus.Invalid)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The {what} field is not a number", e?.Name ?? name, offset);
        if (st == TarText.NumberStatus.Overflow)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The {what} field overflows a 64-bit number", e?.Name ?? name, offset);
        if (v < 0 && !allowNegative)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The {what} field is negative", e?.Name ?? name, offset);
        return v;
    }

    private byte[] ReadExtensionData(byte[] header, long offset, byte[] name, long max, string what)
    {
        long size = Numeric(header, 124, 12, "size", null, name, offset);
        if (size > max)
            throw new TarFormatException(TarFormatErrorKind.Unsupported, $"The {what} is {size} bytes, more than the {max} accepted", name, offset);
        var data = new byte[size];
        int got = ReadUpTo(data);
        if (got < size)
            throw new TarFormatException(TarFormatErrorKind.Truncated, $"The archive ends inside a {what}", name, offset);
        int pad = (int)((Block - (size % Block)) % Block);
        if (SkipUpTo(pad) < pad)
            throw new TarFormatException(TarFormatErrorKind.Truncated, $"The archive ends inside the padding of a {what}", name, offset);
        return data;
    }

    /// <summary>POSIX pax records: "%d %s=%s\n", the length counting the whole record in bytes.</summary>
    private static List<KeyValuePair<string, byte[]>> ParsePaxRecords(byte[] data, byte[] name, long offset)
    {
        var list = new List<KeyValuePair<string, byte[]>>();
        int p = 0;
        while (p < data.Length)
        {
            // GNU tar and others may pad the extended data with NULs; a NUL where a record should start ends the records
            if (data[p] == 0)
            {
                if (data.AsSpan(p).IndexOfAnyExcept((byte)0) >= 0)
                    throw new TarFormatException(TarFormatErrorKind.Invalid, $"Garbage after the pax records at byte {p} of the extended header", name, offset);
                break;
            }
            int sp = data.AsSpan(p).IndexOf((byte)' ');
            if (sp <= 0 || sp > 20)
                throw new TarFormatException(TarFormatErrorKind.Invalid, $"Malformed pax record length at byte {p} of the extended header", name, offset);
            if (!TarText.TryParsePaxUnsigned(data.AsSpan(p, sp), out long len))
                throw new TarFormatException(TarFormatErrorKind.Invalid, $"Malformed pax record length at byte {p} of the extended header", name, offset);
            if (len < sp + 4 || len > data.Length - p)
                throw new TarFormatException(TarFormatErrorKind.Invalid,
                    $"A pax record claims {len} bytes at byte {p} of the extended header, but {(len > data.Length - p ? $"only {data.Length - p} remain" : "that cannot hold a record")}", name, offset);
            var rec = data.AsSpan(p, (int)len);
            if (rec[^1] != (byte)'\n')
                throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax record at byte {p} of the extended header does not end where its length says", name, offset);
            var body = rec[(sp + 1)..^1];
            int eq = body.IndexOf((byte)'=');
            if (eq <= 0)
                throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax record at byte {p} of the extended header has no keyword", name, offset);
            string? key = TarText.TryDecodeUtf8(body[..eq]);
            if (key is null)
                throw new TarFormatException(TarFormatErrorKind.Invalid, $"A pax keyword at byte {p} of the extended header is not UTF-8", name, offset);
            list.Add(new(key, body[(eq + 1)..].ToArray()));
            p += (int)len;
        }
        return list;
    }

    private static void SetRecord(List<KeyValuePair<string, byte[]>> list, string key, byte[] value)
    {
        int i = list.FindIndex(kv => kv.Key == key);
        if (value.Length == 0)
        {
            if (i >= 0) list.RemoveAt(i);
            return;
        }
        if (i >= 0) list[i] = new(key, value);
        else list.Add(new(key, value));
    }

    private TarEntry ParseMain(byte[] h, long offset, byte[]? longName)
    {
        var e = new TarEntry();
        var name = TarText.CString(h.AsSpan(0, 100));
        var errName = longName ?? name;
        var magic = h.AsSpan(257, 8);
        TarHeaderFormat fmt;
        if (magic.SequenceEqual("ustar  \0"u8)) fmt = TarHeaderFormat.Gnu;
        else if (magic[..6].SequenceEqual("ustar\0"u8)) fmt = TarHeaderFormat.Ustar;
        else fmt = TarHeaderFormat.V7;
        e.Format = fmt;
        if (fmt == TarHeaderFormat.Ustar)
        {
            var prefix = TarText.CString(h.AsSpan(345, 155));
            if (prefix.Length > 0)
            {
                var joined = new byte[prefix.Length + 1 + name.Length];
                prefix.CopyTo(joined, 0);
                joined[prefix.Length] = (byte)'/';
                name.CopyTo(joined, prefix.Length + 1);
                name = joined;
                errName = longName ?? name;
            }
        }
        e.Name = name;
        e.LinkName = TarText.CString(h.AsSpan(157, 100));
        e.Mode = (int)(Numeric(h, 100, 8, "mode", null, errName, offset, allowNegative: true) & 0xFFF);
        e.Uid = Numeric(h, 108, 8, "uid", null, errName, offset);
        e.Gid = Numeric(h, 116, 8, "gid", null, errName, offset);
        e.ModificationTime = TarTimestamp.FromSeconds(Numeric(h, 136, 12, "mtime", null, errName, offset, allowNegative: true));
        byte type = h[156];
        e.TypeFlag = type;
        e.Kind = type switch
        {
            (byte)'0' or (byte)'7' or (byte)'S' => TarEntryKind.RegularFile,
            0 => TarEntryKind.RegularFile,
            (byte)'1' => TarEntryKind.HardLink,
            (byte)'2' => TarEntryKind.Symlink,
            (byte)'3' => TarEntryKind.CharDevice,
            (byte)'4' => TarEntryKind.BlockDevice,
            (byte)'5' => TarEntryKind.Directory,
            (byte)'6' => TarEntryKind.Fifo,
            (byte)'D' => throw new TarFormatException(TarFormatErrorKind.Unsupported, "GNU incremental dump directories (typeflag 'D') are not supported", errName, offset),
            (byte)'M' => throw new TarFormatException(TarFormatErrorKind.Unsupported, "GNU multi-volume continuation entries (typeflag 'M') are not supported", errName, offset),
            (byte)'V' => throw new TarFormatException(TarFormatErrorKind.Unsupported, "GNU volume labels (typeflag 'V') are not supported", errName, offset),
            (byte)'N' => throw new TarFormatException(TarFormatErrorKind.Unsupported, "Old GNU long-name scripts (typeflag 'N') are not supported", errName, offset),
            _ => TarEntryKind.Unknown,
        };
        // old archives mark directories with a trailing slash on a regular-file type
        if ((type == 0 || (type == (byte)'0' && fmt == TarHeaderFormat.V7)) && (longName ?? name) is { Length: > 0 } n && n[^1] == (byte)'/')
            e.Kind = TarEntryKind.Directory;
        if (fmt != TarHeaderFormat.V7)
        {
            e.UserName = TarText.CString(h.AsSpan(265, 32));
            e.GroupName = TarText.CString(h.AsSpan(297, 32));
            if (e.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice)
            {
                e.DevMajor = Numeric(h, 329, 8, "devmajor", null, errName, offset);
                e.DevMinor = Numeric(h, 337, 8, "devminor", null, errName, offset);
            }
        }
        if (fmt == TarHeaderFormat.Gnu)
        {
            if (h.AsSpan(345, 12).IndexOfAnyExcept((byte)0) >= 0)
                e.AccessTime = TarTimestamp.FromSeconds(Numeric(h, 345, 12, "atime", null, errName, offset, allowNegative: true));
            if (h.AsSpan(357, 12).IndexOfAnyExcept((byte)0) >= 0)
                e.ChangeTime = TarTimestamp.FromSeconds(Numeric(h, 357, 12, "ctime", null, errName, offset, allowNegative: true));
        }
        return e;
    }

    private static long ParseSize(byte[] h, TarEntry e, long offset) => Numeric(h, 124, 12, "size", e, e.Name, offset);

    /// <summary>Old GNU sparse ('S'): 4 (offset, numbytes) pairs at byte 386, an "isextended" flag at 482, the real size at 483;
    /// extension blocks hold 21 more pairs and their own flag at 504 (GNU tar manual, "Old GNU Format").</summary>
    private List<TarSparseSegment> ReadOldGnuSparse(byte[] h, TarEntry e, long offset, out long? realSize)
    {
        var list = new List<TarSparseSegment>();
        realSize = Numeric(h, 483, 12, "sparse realsize", e, e.Name, offset);
        bool more = ReadSparsePairs(h, 386, 4, list, e, offset);
        more &= h[482] != 0;
        var ext = new byte[Block];
        while (more)
        {
            long extOffset = _pos;
            if (ReadUpTo(ext) < Block)
                throw new TarFormatException(TarFormatErrorKind.Truncated, "The archive ends inside a GNU sparse extension header", e.Name, extOffset);
            more = ReadSparsePairs(ext, 0, 21, list, e, extOffset) && ext[504] != 0;
        }
        return list;
    }

    /// <summary>Returns false when an empty slot ended the list.</summary>
    private bool ReadSparsePairs(byte[] b, int start, int count, List<TarSparseSegment> list, TarEntry e, long offset)
    {
        for (int i = 0; i < count; i++)
        {
            int o = start + i * 24;
            if (b[o] == 0 && b[o + 12] == 0) return false;
            long off = Numeric(b, o, 12, "sparse offset", e, e.Name, offset);
            long len = Numeric(b, o + 12, 12, "sparse numbytes", e, e.Name, offset);
            if (list.Count >= MaxSparseSegments)
                throw new TarFormatException(TarFormatErrorKind.Unsupported, $"The sparse map has more than {MaxSparseSegments} segments", e.Name, offset);
            list.Add(new TarSparseSegment(off, len));
        }
        return true;
    }

    private void ApplyPax(TarEntry e, List<KeyValuePair<string, byte[]>>? local, long offset,
        ref long stored, ref long? realSize, ref List<TarSparseSegment>? sparse, ref bool sparse10)
    {
        var merged = new List<KeyValuePair<string, byte[]>>(_global);
        List<TarSparseSegment>? sparse00 = null;
        long? pendingOffset = null;
        if (local is not null)
        {
            foreach (var r in local)
            {
                // GNU sparse 0.0 repeats these two keywords, one pair per segment: keep their order
                if (r.Key == "GNU.sparse.offset")
                {
                    if (pendingOffset is not null)
                        throw new TarFormatException(TarFormatErrorKind.Invalid, "GNU.sparse.offset is not followed by GNU.sparse.numbytes", e.Name, offset);
                    pendingOffset = PaxNumber(r, e, offset);
                    continue;
                }
                if (r.Key == "GNU.sparse.numbytes")
                {
                    if (pendingOffset is null)
                        throw new TarFormatException(TarFormatErrorKind.Invalid, "GNU.sparse.numbytes without a GNU.sparse.offset before it", e.Name, offset);
                    sparse00 ??= new();
                    if (sparse00.Count >= MaxSparseSegments)
                        throw new TarFormatException(TarFormatErrorKind.Unsupported, $"The sparse map has more than {MaxSparseSegments} segments", e.Name, offset);
                    sparse00.Add(new TarSparseSegment(pendingOffset.Value, PaxNumber(r, e, offset)));
                    pendingOffset = null;
                    continue;
                }
                SetRecord(merged, r.Key, r.Value);
                // POSIX: an empty value deletes the keyword (so a global value or the header field applies). An extended
                // attribute with an empty value is still an attribute: GNU tar writes it that way and restores it, so keep it.
                if (r.Value.Length == 0 && r.Key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal)) merged.Add(r);
            }
        }
        if (pendingOffset is not null)
            throw new TarFormatException(TarFormatErrorKind.Invalid, "GNU.sparse.offset is not followed by GNU.sparse.numbytes", e.Name, offset);

        byte[]? sparseName = null, sparseMap = null;
        long? major = null, minor = null, numBlocks = null;
        foreach (var r in merged)
        {
            string k = r.Key;
            byte[] v = r.Value;
            switch (k)
            {
                case "path": e.Name = NoNul(r, e, offset); break;
                case "linkpath": e.LinkName = NoNul(r, e, offset); break;
                case "size": stored = PaxNumber(r, e, offset); break;
                case "uid": e.Uid = PaxNumber(r, e, offset); break;
                case "gid": e.Gid = PaxNumber(r, e, offset); break;
                case "uname": e.UserName = NoNul(r, e, offset); break;
                case "gname": e.GroupName = NoNul(r, e, offset); break;
                case "mtime": e.ModificationTime = PaxTime(r, e, offset); break;
                case "atime": e.AccessTime = PaxTime(r, e, offset); break;
                case "ctime": e.ChangeTime = PaxTime(r, e, offset); break;
                case "SCHILY.devmajor": e.DevMajor = PaxNumber(r, e, offset); break;
                case "SCHILY.devminor": e.DevMinor = PaxNumber(r, e, offset); break;
                case "hdrcharset": break; // names are kept as bytes whatever the charset
                case "GNU.sparse.size" or "GNU.sparse.realsize": realSize = PaxNumber(r, e, offset); break;
                case "GNU.sparse.numblocks": numBlocks = PaxNumber(r, e, offset); break;
                case "GNU.sparse.name": sparseName = NoNul(r, e, offset); break;
                case "GNU.sparse.map": sparseMap = v; break;
                case "GNU.sparse.major": major = PaxNumber(r, e, offset); break;
                case "GNU.sparse.minor": minor = PaxNumber(r, e, offset); break;
                default:
                    if (k.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                        AddXattr(e, TarText.UnescapeXattrName(k["SCHILY.xattr.".Length..]), v);
                    else if (k.StartsWith("LIBARCHIVE.xattr.", StringComparison.Ordinal))
                    {
                        var nameBytes = TarText.UrlDecode(Encoding.UTF8.GetBytes(k["LIBARCHIVE.xattr.".Length..]));
                        string? xname = nameBytes is null ? null : TarText.TryDecodeUtf8(nameBytes);
                        if (xname is null)
                            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax keyword '{k}' has a malformed or non-UTF-8 attribute name", e.Name, offset);
                        byte[] value;
                        try { value = Convert.FromBase64String(Encoding.ASCII.GetString(v).TrimEnd('\n')); }
                        catch (FormatException)
                        {
                            // libarchive writes base64 without padding; add it back
                            try
                            {
                                string b = Encoding.ASCII.GetString(v);
                                value = Convert.FromBase64String(b + new string('=', (4 - b.Length % 4) % 4));
                            }
                            catch (FormatException)
                            {
                                throw new TarFormatException(TarFormatErrorKind.Invalid, $"The value of '{k}' is not base64", e.Name, offset);
                            }
                        }
                        AddXattr(e, xname, value);
                    }
                    else if (k.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                    {
                        // other GNU.sparse keywords carry nothing needed
                    }
                    else e.PaxRecords.Add(r);
                    break;
            }
        }
        if (major is not null || minor is not null)
        {
            if (major == 1 && minor == 0) sparse10 = true;
            else if (!(major == 0 && (minor is 0 or 1)))
                throw new TarFormatException(TarFormatErrorKind.Unsupported, $"GNU sparse format {major}.{minor} is not supported", sparseName ?? e.Name, offset);
        }
        if (sparse10)
        {
            if (e.Kind != TarEntryKind.RegularFile)
                throw new TarFormatException(TarFormatErrorKind.Invalid, "A GNU sparse 1.0 entry is not a regular file", e.Name, offset);
        }
        else if (sparseMap is not null)
        {
            sparse = ParseSparse01Map(sparseMap, e, offset);
        }
        else if (sparse00 is not null)
        {
            sparse = sparse00;
        }
        if (numBlocks is not null && sparse is not null && numBlocks != sparse.Count)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"GNU.sparse.numblocks says {numBlocks} segments but the map has {sparse.Count}", e.Name, offset);
        if (sparseName is not null) e.Name = sparseName;
    }

    /// <summary>A name from a pax record: a NUL byte would make it a different name for every C API, so it is refused.</summary>
    private static byte[] NoNul(KeyValuePair<string, byte[]> r, TarEntry e, long offset)
    {
        if (r.Value.AsSpan().IndexOf((byte)0) >= 0)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax record '{r.Key}' contains a NUL byte", e.Name, offset);
        return r.Value;
    }

    private static void AddXattr(TarEntry e, string name, byte[] value)
    {
        int i = e.Xattrs.FindIndex(x => x.Name == name);
        if (i >= 0) e.Xattrs[i] = new TarXattr(name, value);
        else e.Xattrs.Add(new TarXattr(name, value));
    }

    private static long PaxNumber(KeyValuePair<string, byte[]> r, TarEntry e, long offset)
    {
        if (!TarText.TryParsePaxUnsigned(r.Value, out long v))
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax record '{r.Key}' is not a non-negative decimal number that fits 64 bits ('{TarText.Display(r.Value)}')", e.Name, offset);
        return v;
    }

    private static TarTimestamp PaxTime(KeyValuePair<string, byte[]> r, TarEntry e, long offset)
    {
        if (!TarText.TryParsePaxTime(r.Value, out var t))
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The pax record '{r.Key}' is not a decimal time ('{TarText.Display(r.Value)}')", e.Name, offset);
        return t;
    }

    private List<TarSparseSegment> ParseSparse01Map(byte[] v, TarEntry e, long offset)
    {
        var list = new List<TarSparseSegment>();
        if (v.Length == 0) return list;
        var parts = new List<long>();
        int start = 0;
        for (int i = 0; i <= v.Length; i++)
        {
            if (i < v.Length && v[i] != (byte)',') continue;
            if (!TarText.TryParsePaxUnsigned(v.AsSpan(start, i - start), out long n))
                throw new TarFormatException(TarFormatErrorKind.Invalid, "GNU.sparse.map is not a list of decimal numbers", e.Name, offset);
            parts.Add(n);
            start = i + 1;
        }
        if (parts.Count % 2 != 0)
            throw new TarFormatException(TarFormatErrorKind.Invalid, "GNU.sparse.map has an odd count of numbers", e.Name, offset);
        if (parts.Count / 2 > MaxSparseSegments)
            throw new TarFormatException(TarFormatErrorKind.Unsupported, $"The sparse map has more than {MaxSparseSegments} segments", e.Name, offset);
        for (int i = 0; i < parts.Count; i += 2) list.Add(new TarSparseSegment(parts[i], parts[i + 1]));
        return list;
    }

    /// <summary>GNU sparse 1.0: the map is at the start of the data, decimal numbers each ended by '\n' (the segment count,
    /// then offset and size per segment), padded with NULs to a block boundary.</summary>
    private List<TarSparseSegment> ReadSparse10Map(TarEntry e, long offset)
    {
        var list = new List<TarSparseSegment>();
        var block = new byte[Block];
        int pos = Block; // no block loaded
        long ReadLine()
        {
            long v = 0;
            int digits = 0;
            while (true)
            {
                if (pos == Block)
                {
                    if (_storedRemaining < Block)
                        throw new TarFormatException(TarFormatErrorKind.Invalid, "The GNU sparse 1.0 map runs past the entry's data", e.Name, offset);
                    if (ReadUpTo(block) < Block)
                        throw new TarFormatException(TarFormatErrorKind.Truncated, "The archive ends inside a GNU sparse 1.0 map", e.Name, offset);
                    _storedRemaining -= Block;
                    pos = 0;
                }
                byte b = block[pos++];
                if (b == (byte)'\n')
                {
                    if (digits == 0) throw new TarFormatException(TarFormatErrorKind.Invalid, "Empty number in a GNU sparse 1.0 map", e.Name, offset);
                    return v;
                }
                if (b < (byte)'0' || b > (byte)'9' || digits >= 19)
                    throw new TarFormatException(TarFormatErrorKind.Invalid, "Malformed number in a GNU sparse 1.0 map", e.Name, offset);
                v = v * 10 + (b - '0');
                digits++;
            }
        }
        long count = ReadLine();
        if (count > MaxSparseSegments)
            throw new TarFormatException(TarFormatErrorKind.Unsupported, $"The sparse map has more than {MaxSparseSegments} segments", e.Name, offset);
        for (long i = 0; i < count; i++)
        {
            long o = ReadLine();
            long n = ReadLine();
            list.Add(new TarSparseSegment(o, n));
        }
        return list;
    }

    private static void ValidateSparse(List<TarSparseSegment> map, long realSize, long stored, TarEntry e, long offset)
    {
        long end = 0, total = 0;
        foreach (var s in map)
        {
            if (s.Offset < end || s.Length < 0 || s.Offset > realSize || s.Length > realSize - s.Offset)
                throw new TarFormatException(TarFormatErrorKind.Invalid,
                    $"The sparse map is inconsistent (segment {s.Offset}+{s.Length} in a file of {realSize} bytes, previous segment ending at {end})", e.Name, offset);
            end = s.Offset + s.Length;
            total += s.Length;
        }
        if (total != stored)
            throw new TarFormatException(TarFormatErrorKind.Invalid, $"The sparse map covers {total} bytes but {stored} data bytes are stored", e.Name, offset);
    }
}

/// <summary>The logical content of the current entry as a read-only stream.</summary>
internal sealed class TarEntryDataStream : Stream
{
    private readonly TarArchiveReader _reader;
    private readonly int _generation;
    private readonly long _length;

    public TarEntryDataStream(TarArchiveReader reader, int generation)
    {
        _reader = reader;
        _generation = generation;
        _length = reader.Current!.Size;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _reader.LogicalPosition; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer) => _reader.ReadLogical(_generation, buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
