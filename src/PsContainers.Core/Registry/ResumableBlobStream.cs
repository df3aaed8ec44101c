namespace PsContainers.Core.Registry;

/// <summary>
/// A blob download that survives dropped connections: when the body ends early or the connection fails,
/// it reopens the blob with a Range request at the current offset (up to 5 times).
/// </summary>
public sealed class ResumableBlobStream : Stream
{
    private readonly RegistryClient _client;
    private readonly string _repository, _digest;
    private readonly long _size;
    private readonly IProgressSink _sink;
    private readonly CancellationToken _ct;
    private readonly CancellationTokenRegistration _reg;
    private Stream? _inner;
    private long _pos;
    public int Resumes { get; private set; }
    public const int MaxResumes = 5;

    public ResumableBlobStream(RegistryClient client, string repository, string digest, long size, IProgressSink sink, CancellationToken ct)
    {
        _client = client; _repository = repository; _digest = digest; _size = size; _sink = sink; _ct = ct;
        _reg = ct.Register(() => { try { _inner?.Dispose(); } catch { } });
    }

    public override int Read(Span<byte> buffer)
    {
        var tmp = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = Read(tmp, 0, buffer.Length);
            tmp.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(tmp); }
    }

    private int ReadInner(byte[] buffer, int offset, int count)
    {
        // a connection that stays silent for ReadTimeoutSeconds counts as dropped
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        stall.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, _client.Options.ReadTimeoutSeconds)));
        try { return _inner!.ReadAsync(buffer.AsMemory(offset, count), stall.Token).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) when (!_ct.IsCancellationRequested)
        {
            throw new IOException($"no data for {_client.Options.ReadTimeoutSeconds} s");
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_size >= 0 && _pos >= _size) return 0;
        while (true)
        {
            _ct.ThrowIfCancellationRequested();
            try
            {
                _inner ??= _client.OpenBlobAsync(_repository, _digest, _pos, _ct).GetAwaiter().GetResult().Body;
                int n = ReadInner(buffer, offset, count);
                if (n == 0 && _size >= 0 && _pos < _size) throw new IOException($"the connection closed after {_pos} of {_size} bytes");
                _pos += n;
                return n;
            }
            catch (Exception e) when (!_ct.IsCancellationRequested && Resumes < MaxResumes &&
                                      e is IOException or HttpRequestException or ObjectDisposedException ||
                                      !_ct.IsCancellationRequested && Resumes < MaxResumes && e is PscException { Category: PscErrorCategory.ConnectionError })
            {
                Resumes++;
                try { _inner?.Dispose(); } catch { }
                _inner = null;
                _sink.Verbose($"Download of {_digest} interrupted at {_pos} bytes ({e.Message}); resuming (attempt {Resumes}).");
                Thread.Sleep(TimeSpan.FromMilliseconds(200 * Resumes));
            }
            catch (Exception) when (_ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(_ct);
            }
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _size;
    public override long Position { get => _pos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) { _reg.Dispose(); _inner?.Dispose(); _inner = null; }
        base.Dispose(disposing);
    }
}
