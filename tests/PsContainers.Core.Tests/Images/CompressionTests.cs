using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

/// <summary>Compression.CompressFile: what a push makes of a plain layer.</summary>
public sealed class CompressionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-compress-" + Guid.NewGuid().ToString("N")[..8]);

    public CompressionTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Source()
    {
        // a tar-sized payload with both compressible and random parts
        var data = new byte[3 << 20];
        new Random(15).NextBytes(data.AsSpan(0, 1 << 20));
        for (int i = 1 << 20; i < data.Length; i++) data[i] = (byte)(i % 7);
        string p = Path.Combine(_dir, "plain");
        File.WriteAllBytes(p, data);
        return p;
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void Compressing_the_same_file_twice_gives_the_same_blob_which_decompresses_to_it(LayerCompression kind)
    {
        string src = Source();
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        var ra = Compression.CompressFile(src, a, kind, default);
        var rb = Compression.CompressFile(src, b, kind, default);
        Assert.Equal(ra, rb);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(Digest.Of(File.ReadAllBytes(a)), ra.Digest);
        Assert.Equal(new FileInfo(a).Length, ra.Size);
        Assert.True(ra.Size < new FileInfo(src).Length);
        Assert.Equal(kind, Compression.DetectFile(a));
        using var back = Compression.OpenDecompressed(File.OpenRead(a), out var detected);
        Assert.Equal(kind, detected);
        var plain = new MemoryStream();
        back.CopyTo(plain);
        Assert.Equal(File.ReadAllBytes(src), plain.ToArray());
    }

    [Fact]
    public void An_existing_destination_is_not_overwritten()
    {
        string src = Source();
        string dst = Path.Combine(_dir, "exists");
        File.WriteAllText(dst, "keep");
        Assert.Throws<IOException>(() => Compression.CompressFile(src, dst, LayerCompression.Gzip, default));
        Assert.Equal("keep", File.ReadAllText(dst));
    }

    [Fact]
    public void Cancellation_stops_it()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Compression.CompressFile(Source(), Path.Combine(_dir, "c"), LayerCompression.Gzip, cts.Token));
    }
}
