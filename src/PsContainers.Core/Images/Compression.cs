using System.IO.Compression;
using System.Security.Cryptography;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Images;

/// <summary>Detects gzip/zstd by their magic bytes and opens a decompressing stream.</summary>
public static class Compression
{
    public static LayerCompression Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b) return LayerCompression.Gzip;
        if (head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return LayerCompression.Zstd;
        return LayerCompression.None;
    }

    public static LayerCompression DetectFile(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> b = stackalloc byte[4];
        int n = fs.ReadAtLeast(b, 4, throwOnEndOfStream: false);
        return Detect(b[..n]);
    }

    /// <summary>Wrap <paramref name="raw"/> in the right decompressor (detected from its first bytes).</summary>
    public static Stream OpenDecompressed(Stream raw, out LayerCompression kind, bool leaveOpen = false)
    {
        var head = new byte[4];
        int n = raw.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        kind = Detect(head.AsSpan(0, n));
        Stream s = new PrefixedStream(head[..n], raw, leaveOpen);
        return kind switch
        {
            LayerCompression.Gzip => new GZipStream(s, CompressionMode.Decompress, leaveOpen: false),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(s, leaveOpen: false),
            _ => s,
        };
    }

    /// <summary>
    /// Compress the file <paramref name="source"/> (a plain layer tar) into the new file <paramref name="destination"/>
    /// with <see cref="OpenCompressor"/> (gzip at zlib's fastest level with no name and time in its header, or zstd
    /// level 3), so the same tar always gives the same bytes on the same build of the engine, as docker and
    /// containers/image compress a layer on push.
    /// </summary>
    /// <param name="source">The file to compress.</param>
    /// <param name="destination">The file to write (must not exist).</param>
    /// <param name="kind">Gzip or Zstd (None copies the bytes).</param>
    /// <param name="ct">Checked between 1 MiB blocks.</param>
    /// <returns>The written file's digest ("sha256:&lt;hex&gt;") and size in bytes.</returns>
    /// <exception cref="IOException">Reading or writing failed, or <paramref name="destination"/> exists.</exception>
    public static (string Digest, long Size) CompressFile(string source, string destination, LayerCompression kind, CancellationToken ct)
    {
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var hashed = new DigestWriteStream(output);
        using (var compressor = OpenCompressor(hashed, kind, leaveOpen: true))
        {
            var buffer = new byte[1 << 20];
            int n;
            while ((n = input.Read(buffer)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                compressor.Write(buffer, 0, n);
            }
        }
        hashed.Flush();
        return (hashed.Digest, hashed.Length);
    }

    /// <summary>
    /// A stream compressing what is written into <paramref name="output"/>: gzip (zlib's fastest level, no file name or
    /// time in the header, so deterministic), zstd (level 3), or none (a pass-through).
    /// </summary>
    public static Stream OpenCompressor(Stream output, LayerCompression kind, bool leaveOpen = true) => kind switch
    {
        LayerCompression.Gzip => new GZipStream(output, CompressionLevel.Fastest, leaveOpen),
        LayerCompression.Zstd => new ZstdSharp.CompressionStream(output, 3, leaveOpen: leaveOpen),
        _ => new PrefixedStream([], output, leaveOpen),
    };
}

/// <summary>A read-only stream that returns some already-read bytes, then the rest of another stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner, bool leaveOpen) : Stream
{
    private int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite && prefix.Length == 0;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        if (_pos < prefix.Length)
        {
            int n = Math.Min(buffer.Length, prefix.Length - _pos);
            prefix.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }
        return inner.Read(buffer);
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A read-only pass-through stream that hashes (sha256) and counts what is read.</summary>
public sealed class HashingStream(Stream inner, bool leaveOpen = false) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    public long BytesRead { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n > 0) { _hash.AppendData(buffer[..n]); BytesRead += n; }
        return n;
    }
    /// <summary>Read the rest of the stream (so the digest covers all of it).</summary>
    public void Drain()
    {
        var buf = new byte[81920];
        while (Read(buf, 0, buf.Length) > 0) { }
    }
    public string Digest => "sha256:" + Convert.ToHexStringLower(_hash.GetCurrentHash());
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) { if (!leaveOpen) inner.Dispose(); _hash.Dispose(); }
        base.Dispose(disposing);
    }
}
