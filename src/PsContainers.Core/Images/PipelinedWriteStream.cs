using System.Buffers;
using System.Collections.Concurrent;

namespace PsContainers.Core.Images;

/// <summary>
/// A write-only stream that replays what is written to <c>inner</c> on a thread of its own, so the producer
/// (<see cref="LayerDiff"/> reading a tree and hashing its tar) and the consumer (the compressor and the blob's hash)
/// run at the same time, as pigz and containers/storage's pipelined compression do. <c>inner</c> gets exactly the same
/// calls as if it were written directly: each write with its own length, each flush at its place, in order (a
/// compressor's output depends on them: zlib-ng at level 1 cuts its blocks where the writes end, and a flush writes a
/// sync marker; so a layer blob keeps its bytes and digest). Writes are gathered in chunks of about
/// <see cref="ChunkSize"/> bytes handed over through a queue of at most <see cref="Depth"/> chunks.
/// <see cref="Complete"/> hands over the last chunk and waits until <c>inner</c> has it all; an exception thrown by
/// <c>inner</c> comes out of a later <see cref="Write(ReadOnlySpan{byte})"/> or of <see cref="Complete"/>.
/// <c>inner</c> is not disposed. Not for concurrent writers.
/// </summary>
internal sealed class PipelinedWriteStream : Stream
{
    /// <summary>Bytes per chunk handed to the consumer (a longer single write gets a chunk of its own size).</summary>
    public const int ChunkSize = 1 << 20;
    /// <summary>Chunks the queue holds at most before a write waits.</summary>
    public const int Depth = 4;

    /// <summary>Writes gathered for the consumer: their bytes back to back, each one's length, and whether a flush follows.</summary>
    private sealed class Chunk(int size)
    {
        public byte[] Buffer = ArrayPool<byte>.Shared.Rent(size);
        public readonly List<int> Lengths = new();
        public int Used;
        public bool FlushAfter;
        public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    private readonly Stream _inner;
    private readonly BlockingCollection<Chunk> _queue = new(Depth);
    private readonly CancellationTokenSource _failed = new();
    private readonly Task _consumer;
    private Exception? _error;
    private Chunk _current = new(ChunkSize);
    private long _length;
    private bool _completed;

    public PipelinedWriteStream(Stream inner)
    {
        _inner = inner;
        _consumer = Task.Factory.StartNew(Consume, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Consume()
    {
        try
        {
            foreach (var chunk in _queue.GetConsumingEnumerable(_failed.Token))
            {
                try
                {
                    int offset = 0;
                    foreach (int n in chunk.Lengths)
                    {
                        _inner.Write(chunk.Buffer, offset, n);
                        offset += n;
                    }
                    if (chunk.FlushAfter) _inner.Flush();
                }
                finally { chunk.Release(); }
            }
        }
        catch (Exception e)
        {
            _error = e;
            _failed.Cancel(); // a writer waiting for room stops waiting
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_completed;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (buffer.IsEmpty) return;
        if (_current.Used + buffer.Length > _current.Buffer.Length) HandOver();
        if (buffer.Length > _current.Buffer.Length)
        {
            _current.Release();
            _current.Buffer = ArrayPool<byte>.Shared.Rent(buffer.Length);
        }
        buffer.CopyTo(_current.Buffer.AsSpan(_current.Used));
        _current.Used += buffer.Length;
        _current.Lengths.Add(buffer.Length);
        _length += buffer.Length;
        if (_current.Used >= ChunkSize) HandOver();
    }

    /// <summary>
    /// Have <c>inner</c> flushed right after what was written so far, on the consumer's thread, without waiting for it.
    /// </summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _current.FlushAfter = true;
        HandOver();
    }

    private void HandOver()
    {
        if (_current.Lengths.Count == 0 && !_current.FlushAfter) return;
        var chunk = _current;
        _current = new Chunk(ChunkSize);
        try { _queue.Add(chunk, _failed.Token); }
        catch (OperationCanceledException)
        {
            chunk.Release();
            ThrowConsumerError();
        }
    }

    private void ThrowConsumerError()
    {
        _consumer.Wait();
        if (_error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_error).Throw();
    }

    /// <summary>Hand over what is left and wait until <c>inner</c> has been given everything (flushed only where asked); rethrows its error.</summary>
    public void Complete()
    {
        if (_completed) return;
        HandOver();
        _completed = true;
        _queue.CompleteAdding();
        ThrowConsumerError();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_completed)
            {
                // abandoned (the producer failed): stop the consumer without writing the rest
                _completed = true;
                _failed.Cancel();
                _queue.CompleteAdding();
                try { _consumer.Wait(); } catch (AggregateException) { }
                while (_queue.TryTake(out var left)) left.Release();
            }
            _current.Release();
            _queue.Dispose();
            _failed.Dispose();
        }
        base.Dispose(disposing);
    }
}
