using System.Security.Cryptography;

namespace PsContainers.Core.Images;

/// <summary>
/// A write-only pass-through that hashes (sha256) and counts what goes through to <paramref name="inner"/> (left open):
/// the digest and size of a blob as it is written (<see cref="LayerDiff"/>, <see cref="Compression.CompressFile"/>).
/// </summary>
internal sealed class DigestWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    /// <summary>Bytes written so far.</summary>
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    /// <summary>"sha256:&lt;hex&gt;" of the bytes written so far.</summary>
    public string Digest => "sha256:" + Convert.ToHexStringLower(_hash.GetCurrentHash());
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        _hash.AppendData(buffer);
        _length += buffer.Length;
    }
    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
