using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

/// <summary>
/// PipelinedWriteStream (LayerDiff's tar → compressor hand-over): the inner stream sees the same bytes and the same
/// flushes, in the same order, as written directly, so a layer blob's bytes and digests do not change; an error of the
/// inner stream comes out to the writer.
/// </summary>
public sealed class PipelinedWriteStreamTests
{
    /// <summary>Records every write and flush it receives.</summary>
    private sealed class Recorder : MemoryStream
    {
        public List<string> Events { get; } = new();
        public override void Flush() { Events.Add("flush@" + Length); base.Flush(); }
    }

    private static byte[] Data(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        // half compressible, half not
        for (int i = 0; i < n / 2; i++) b[i] = (byte)(i % 7);
        return b;
    }

    [Fact]
    public void The_inner_stream_gets_every_byte_in_order_and_each_flush_at_its_place()
    {
        var data = Data(5 * PipelinedWriteStream.ChunkSize + 12345, 1);
        var rec = new Recorder();
        using (var p = new PipelinedWriteStream(rec))
        {
            int pos = 0, step = 1;
            while (pos < data.Length)
            {
                int n = Math.Min(step, data.Length - pos);
                p.Write(data, pos, n);
                pos += n;
                step = step * 3 % 1_500_007 + 1; // odd sizes, some larger than a chunk
                if (pos == 3 * PipelinedWriteStream.ChunkSize + 17 || (pos > 2_000_000 && pos - n < 2_000_000)) p.Flush();
            }
            p.Flush();
            Assert.Equal(data.Length, p.Length);
            p.Complete();
        }
        Assert.Equal(data, rec.ToArray());
        // the last flush came after every byte
        Assert.Equal("flush@" + data.Length, rec.Events[^1]);
        Assert.All(rec.Events, e => Assert.StartsWith("flush@", e));
    }

    /// <summary>Writes of the sizes a tar writer makes: 512-byte headers, data in pieces up to 128 KiB, some larger.</summary>
    private static List<int> TarLikeSizes(int total, int seed)
    {
        var r = new Random(seed);
        var sizes = new List<int>();
        int sum = 0;
        while (sum < total)
        {
            int n = r.Next(4) switch { 0 => 512, 1 => r.Next(1, 1 << 17), 2 => 1 << 17, _ => r.Next(1, 3 * PipelinedWriteStream.ChunkSize) };
            n = Math.Min(n, total - sum);
            sizes.Add(n);
            sum += n;
        }
        return sizes;
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void A_compressed_blob_is_byte_for_byte_the_one_written_directly(LayerCompression kind)
    {
        var data = Data(6 * PipelinedWriteStream.ChunkSize + 999, 2);
        var sizes = TarLikeSizes(data.Length, 5);
        void Replay(Stream s)
        {
            int pos = 0;
            foreach (int n in sizes) { s.Write(data, pos, n); pos += n; }
            s.Flush();
        }
        var direct = new MemoryStream();
        using (var c = Compression.OpenCompressor(direct, kind, leaveOpen: true))
        {
            Replay(c);
            c.Flush();
        }
        var piped = new MemoryStream();
        using (var c = Compression.OpenCompressor(piped, kind, leaveOpen: true))
        {
            using (var p = new PipelinedWriteStream(c))
            {
                Replay(p);
                p.Complete();
            }
            c.Flush();
        }
        Assert.Equal(Digest.Of(direct.ToArray()), Digest.Of(piped.ToArray()));
        using var back = Compression.OpenDecompressed(new MemoryStream(piped.ToArray()), out var detected);
        Assert.Equal(kind, detected);
        var plain = new MemoryStream();
        back.CopyTo(plain);
        Assert.Equal(data, plain.ToArray());
    }

    /// <summary>Counts the writes it receives with their lengths.</summary>
    private sealed class WriteLog : MemoryStream
    {
        public List<int> Lengths { get; } = new();
        public override void Write(byte[] buffer, int offset, int count) { Lengths.Add(count); base.Write(buffer, offset, count); }
    }

    [Fact]
    public void Each_write_reaches_the_inner_stream_as_one_write_of_its_own_length()
    {
        var data = Data(4 * PipelinedWriteStream.ChunkSize, 6);
        var sizes = TarLikeSizes(data.Length, 7);
        var log = new WriteLog();
        using (var p = new PipelinedWriteStream(log))
        {
            int pos = 0;
            foreach (int n in sizes) { p.Write(data, pos, n); pos += n; }
            p.Complete();
        }
        Assert.Equal(sizes, log.Lengths);
        Assert.Equal(data, log.ToArray());
    }

    /// <summary>Fails its second write.</summary>
    private sealed class Failing : MemoryStream
    {
        private int _writes;
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (++_writes == 2) throw new IOException("disk full");
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public void An_error_of_the_inner_stream_reaches_the_writer()
    {
        var data = Data(PipelinedWriteStream.ChunkSize, 3);
        using var p = new PipelinedWriteStream(new Failing());
        var ex = Assert.Throws<IOException>(() =>
        {
            for (int i = 0; i < 20; i++) p.Write(data);
            p.Complete();
        });
        Assert.Equal("disk full", ex.Message);
    }

    [Fact]
    public void An_abandoned_pipeline_stops_without_writing_the_rest()
    {
        var inner = new MemoryStream();
        var p = new PipelinedWriteStream(inner);
        p.Write(Data(100, 4));
        p.Dispose(); // the producer failed before Complete: the unfinished chunk is dropped, not written
        Assert.Equal(0, inner.Length);
        Assert.Throws<ObjectDisposedException>(() => p.Write(new byte[1]));
    }
}
