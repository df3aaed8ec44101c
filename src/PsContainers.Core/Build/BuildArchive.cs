using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using PsContainers.Core.Images;

namespace PsContainers.Core.Build;

/// <summary>
/// The local archives ADD extracts (Dockerfile reference, ADD "Adding local tar archives"; BuildKit's
/// <c>archive.DecompressStream</c>): a tar, plain or compressed with gzip, bzip2, xz or zstd, recognised by its first
/// bytes, never by its name. gzip and zstd are left to the layer extractor (<see cref="Compression"/>, the store's
/// codecs); bzip2 (<c>BZh</c>) and xz (<c>FD 37 7A 58 5A 00</c>) are unwrapped here with SharpCompress's managed
/// decompressors (concatenated bzip2 streams read to the end, as bzip2 -d does).
/// </summary>
public static class BuildArchive
{
    private static ReadOnlySpan<byte> XzMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    /// <summary>
    /// <paramref name="raw"/> with a bzip2 or xz compression removed; any other stream as it is, at its start. The
    /// result owns <paramref name="raw"/> (disposing it disposes <paramref name="raw"/>). A seekable stream (a file)
    /// is rewound after the sniff, as SharpCompress's xz reader wants its stream's position; another one is read
    /// through a <see cref="PrefixedStream"/> over the sniffed bytes.
    /// </summary>
    public static Stream Open(Stream raw)
    {
        var head = new byte[6];
        int n = raw.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        Stream s;
        if (raw.CanSeek) { raw.Seek(-n, SeekOrigin.Current); s = raw; }
        else s = new PrefixedStream(head[..n], raw, leaveOpen: false);
        var h = head.AsSpan(0, n);
        if (h.Length >= 3 && h[0] == (byte)'B' && h[1] == (byte)'Z' && h[2] == (byte)'h')
            return BZip2Stream.Create(s, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false);
        if (h.SequenceEqual(XzMagic)) return new XZStream(s);
        return s;
    }

    /// <summary>
    /// Whether <paramref name="e"/> is how a decompressor or the tar sniff reports a file that is not a readable archive
    /// (SharpCompress throws its own format exceptions, ZstdSharp its own); cancellation and out-of-memory are not.
    /// </summary>
    public static bool IsNotAnArchive(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);
}
