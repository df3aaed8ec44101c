using System.Text;
using PsContainers.Contract;

namespace PsContainers.Core.Tests.Contract;

public sealed class MonitorProtocolTests
{
    [Fact]
    public void TheWireFormatIsTypeByteLittleEndianLengthPayload()
    {
        var f = MonitorProtocol.Encode(MonitorFrameType.Stdout, "hi\n"u8);
        Assert.Equal(new byte[] { (byte)'1', 3, 0, 0, 0, (byte)'h', (byte)'i', (byte)'\n' }, f);
        Assert.Equal((byte)'S', MonitorProtocol.Encode(MonitorFrameType.Started, 42)[0]);
        Assert.Equal((byte)'E', (byte)MonitorFrameType.Failed);
        Assert.Equal((byte)'2', (byte)MonitorFrameType.Stderr);
        Assert.Equal((byte)'X', (byte)MonitorFrameType.Exit);
    }

    [Fact]
    public void FramesRoundTripInOrderAndTheStreamEndReadsAsNone()
    {
        var ms = new MemoryStream();
        ms.Write(MonitorProtocol.Encode(MonitorFrameType.Started, 12345));
        MonitorProtocol.Write(ms, MonitorFrameType.Stdout, "out ü"u8);
        MonitorProtocol.Write(ms, MonitorFrameType.Stderr, ReadOnlySpan<byte>.Empty);
        ms.Write(MonitorProtocol.Encode(MonitorFrameType.Exit, 137));
        ms.Position = 0;

        var started = MonitorProtocol.Read(ms);
        Assert.Equal(MonitorFrameType.Started, started.Type);
        Assert.Equal(12345, started.Number);
        var stdout = MonitorProtocol.Read(ms);
        Assert.Equal(MonitorFrameType.Stdout, stdout.Type);
        Assert.Equal("out ü", stdout.Text);
        var stderr = MonitorProtocol.Read(ms);
        Assert.Equal(MonitorFrameType.Stderr, stderr.Type);
        Assert.Empty(stderr.Payload);
        var exit = MonitorProtocol.Read(ms);
        Assert.Equal((MonitorFrameType.Exit, 137), (exit.Type, exit.Number));
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(ms).Type);
    }

    [Fact]
    public void AFailedFrameCarriesTheMessage()
    {
        var ms = new MemoryStream(MonitorProtocol.Encode(MonitorFrameType.Failed, "pscrun create failed (exit 1): no such file"));
        var f = MonitorProtocol.Read(ms);
        Assert.Equal(MonitorFrameType.Failed, f.Type);
        Assert.Equal("pscrun create failed (exit 1): no such file", f.Text);
    }

    [Fact]
    public void ATruncatedOrMalformedFrameReadsAsTheEnd()
    {
        var whole = MonitorProtocol.Encode(MonitorFrameType.Stdout, "abcdef"u8);
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(new MemoryStream(whole[..7])).Type); // payload cut short
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(new MemoryStream(whole[..3])).Type); // header cut short
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(new MemoryStream([(byte)'1', 0xff, 0xff, 0xff, 0xff])).Type); // negative length
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(new MemoryStream([(byte)'1', 0, 0, 0, 0x7f])).Type); // oversized
        Assert.Equal(MonitorFrameType.None, MonitorProtocol.Read(new MemoryStream()).Type);
    }

    [Fact]
    public void ReadsAFrameDeliveredInPieces()
    {
        // a pipe returns short reads: the reader must assemble the frame
        var f = MonitorProtocol.Encode(MonitorFrameType.Stdout, Encoding.ASCII.GetBytes(new string('x', 10_000)));
        var frame = MonitorProtocol.Read(new TrickleStream(f));
        Assert.Equal(10_000, frame.Payload.Length);
    }

    [Fact]
    public void TheEndMarkerIsNotAFrame() =>
        Assert.Throws<ArgumentException>(() => MonitorProtocol.Encode(MonitorFrameType.None, ReadOnlySpan<byte>.Empty));

    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _pos;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 7), data.Length - _pos);
            Array.Copy(data, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
