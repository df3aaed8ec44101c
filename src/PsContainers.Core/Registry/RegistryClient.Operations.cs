using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Registry;

public sealed partial class RegistryClient
{
    // ---------------------------------------------------------------- manifests

    private static void AddManifestAccept(HttpRequestMessage req)
    {
        foreach (var a in MediaTypes.ManifestAccept) req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(a));
    }

    /// <summary>
    /// GET a manifest or index by tag or digest. Refuses bodies over 4 MiB and schema 1, checks the
    /// Content-Type against the body's mediaType, and verifies the digest when fetched by digest.
    /// </summary>
    public async Task<ManifestDocument> GetManifestAsync(string repository, string reference, CancellationToken ct)
    {
        string target = $"{Registry}/{repository}{(reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":")}{reference}";
        using var resp = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
            AddManifestAccept(r);
            return r;
        }, PullScope(repository), ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode)
            throw await ErrorAsync(resp, $"Cannot get manifest {target}", target, ct).ConfigureAwait(false);
        if (resp.Content.Headers.ContentLength is long len && len > ManifestDocument.MaxSize)
            throw PscException.InvalidData(ErrorIds.RegistryManifestTooLarge, $"The manifest of {target} is {len} bytes; manifests over 4 MiB are refused.", target);
        var bytes = await ReadLimitedAsync(resp, ManifestDocument.MaxSize, target, ct).ConfigureAwait(false);
        var doc = RegistryManifests.Parse(bytes, resp.Content.Headers.ContentType?.ToString(), target);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && doc.Digest != reference)
            throw PscException.InvalidData(ErrorIds.RegistryDigestMismatch, $"The manifest served for {target} has digest {doc.Digest}.", target);
        if (resp.Headers.TryGetValues("Docker-Content-Digest", out var dcd) && dcd.FirstOrDefault() is string hd &&
            hd.StartsWith("sha256:", StringComparison.Ordinal) && hd != doc.Digest)
            throw PscException.InvalidData(ErrorIds.RegistryDigestMismatch, $"The manifest served for {target} has digest {doc.Digest}, but the registry says {hd}.", target);
        return doc;
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage resp, int limit, string target, CancellationToken ct)
    {
        await using var s = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var ms = new MemoryStream();
        var buf = new byte[81920];
        int n;
        while ((n = await s.ReadAsync(buf, ct).ConfigureAwait(false)) > 0)
        {
            ms.Write(buf, 0, n);
            if (ms.Length > limit)
                throw PscException.InvalidData(ErrorIds.RegistryManifestTooLarge, $"The manifest of {target} is over 4 MiB and is refused.", target);
        }
        return ms.ToArray();
    }

    /// <summary>HEAD a manifest: its digest (Docker-Content-Digest) or null when unknown.</summary>
    public async Task<string?> HeadManifestAsync(string repository, string reference, CancellationToken ct)
    {
        using var resp = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/{reference}");
            AddManifestAccept(r);
            return r;
        }, PullScope(repository), ct).ConfigureAwait(false);
        if (resp.StatusCode == HttpStatusCode.NotFound) return null;
        if (!resp.IsSuccessStatusCode) throw await ErrorAsync(resp, $"Cannot check manifest {repository}:{reference}", repository, ct).ConfigureAwait(false);
        return resp.Headers.TryGetValues("Docker-Content-Digest", out var v) ? v.FirstOrDefault() : null;
    }

    /// <summary>PUT a manifest with its exact bytes and media type. Returns the digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, byte[] bytes, string mediaType, CancellationToken ct)
    {
        using var resp = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}") { Content = new ByteArrayContent(bytes) };
            r.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return r;
        }, PushScope(repository), ct).ConfigureAwait(false);
        if (resp.StatusCode != HttpStatusCode.Created && !resp.IsSuccessStatusCode)
            throw await ErrorAsync(resp, $"Cannot push manifest {Registry}/{repository}:{reference}", $"{Registry}/{repository}:{reference}", ct).ConfigureAwait(false);
        string local = Util.Digest.Of(bytes);
        if (resp.Headers.TryGetValues("Docker-Content-Digest", out var v) && v.FirstOrDefault() is string d && d != local && d.StartsWith("sha256:", StringComparison.Ordinal))
            throw PscException.InvalidData(ErrorIds.RegistryDigestMismatch, $"The registry stored the manifest as {d}, expected {local}.", repository);
        return local;
    }

    // ---------------------------------------------------------------- blobs (pull)

    /// <summary>
    /// Open a blob for reading from <paramref name="offset"/> (Range request when &gt; 0; a server that
    /// ignores Range gets the first bytes skipped). Redirects to storage URLs are followed.
    /// </summary>
    public async Task<(Stream Body, long? Length)> OpenBlobAsync(string repository, string digest, long offset, CancellationToken ct)
    {
        var resp = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}");
            if (offset > 0) r.Headers.Range = new RangeHeaderValue(offset, null);
            return r;
        }, PullScope(repository), ct).ConfigureAwait(false);
        try
        {
            if (!resp.IsSuccessStatusCode)
                throw await ErrorAsync(resp, $"Cannot get blob {digest} of {Registry}/{repository}", digest, ct).ConfigureAwait(false);
            var body = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            long? len = resp.Content.Headers.ContentLength;
            if (offset > 0 && resp.StatusCode == HttpStatusCode.OK)
            {
                // Range not honoured: skip what we already have
                long skip = offset;
                var buf = new byte[81920];
                while (skip > 0)
                {
                    int n = await body.ReadAsync(buf.AsMemory(0, (int)Math.Min(buf.Length, skip)), ct).ConfigureAwait(false);
                    if (n == 0) throw new IOException("blob ended before the resume offset");
                    skip -= n;
                }
                if (len is long l) len = l - offset;
            }
            return (new ResponseStream(body, resp), len);
        }
        catch
        {
            resp.Dispose();
            throw;
        }
    }

    /// <summary>Does the repository have this blob? (HEAD)</summary>
    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct, string? scope = null)
    {
        using var resp = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}"),
            scope ?? PushScope(repository), ct).ConfigureAwait(false);
        if (resp.IsSuccessStatusCode) return true;
        if (resp.StatusCode == HttpStatusCode.NotFound) return false;
        throw await ErrorAsync(resp, $"Cannot check blob {digest} in {Registry}/{repository}", digest, ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- blobs (push)

    private static Uri WithDigest(Uri location, string digest)
    {
        var ub = new UriBuilder(location);
        string q = ub.Query.TrimStart('?');
        ub.Query = (q.Length == 0 ? "" : q + "&") + "digest=" + Uri.EscapeDataString(digest);
        return ub.Uri;
    }

    private Uri LocationOf(HttpResponseMessage resp)
    {
        var loc = resp.Headers.Location ?? throw new PscException(ErrorIds.RegistryProtocolError, PscErrorCategory.ProtocolError,
            $"{Registry}: the upload response has no Location header.", Registry);
        return loc.IsAbsoluteUri ? loc : new Uri(resp.RequestMessage?.RequestUri ?? _base!, loc);
    }

    /// <summary>
    /// Try to mount a blob from another repository of this registry. Returns null when mounted (201),
    /// otherwise the Location of the upload session the registry opened instead (202).
    /// </summary>
    public async Task<(bool Mounted, Uri? Location, long ChunkMin)> StartUploadAsync(string repository, string? mountDigest, string? fromRepository, CancellationToken ct)
    {
        string path = $"/v2/{repository}/blobs/uploads/";
        string scope = PushScope(repository);
        if (mountDigest is not null && fromRepository is not null)
        {
            path += $"?mount={Uri.EscapeDataString(mountDigest)}&from={Uri.EscapeDataString(fromRepository)}";
            scope += " " + PullScope(fromRepository);
        }
        using var resp = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Array.Empty<byte>()) }, scope, ct).ConfigureAwait(false);
        if (resp.StatusCode == HttpStatusCode.Created) return (true, null, 0);
        if (resp.StatusCode != HttpStatusCode.Accepted)
            throw await ErrorAsync(resp, $"Cannot start an upload to {Registry}/{repository}", repository, ct).ConfigureAwait(false);
        long min = resp.Headers.TryGetValues("OCI-Chunk-Min-Length", out var v) && long.TryParse(v.FirstOrDefault(), out var m) ? m : 0;
        return (false, LocationOf(resp), min);
    }

    /// <summary>Monolithic upload: PUT &lt;location&gt;?digest= with the whole blob.</summary>
    public async Task UploadMonolithicAsync(Uri location, string repository, string digest, long size, Func<Stream> open, Action<long>? progress, CancellationToken ct)
    {
        using var resp = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = new ProgressStreamContent(open(), size, progress) };
            r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            r.Content.Headers.ContentLength = size;
            return r;
        }, PushScope(repository), ct).ConfigureAwait(false);
        if (resp.StatusCode != HttpStatusCode.Created && !resp.IsSuccessStatusCode)
            throw await ErrorAsync(resp, $"Cannot upload blob {digest} to {Registry}/{repository}", digest, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Chunked upload: PATCH chunks with Content-Range (at least the registry's OCI-Chunk-Min-Length),
    /// following the Location returned after each, then PUT ?digest= to close.
    /// </summary>
    public async Task UploadChunkedAsync(Uri location, string repository, string digest, long size, Func<Stream> open, long chunkSize, Action<long>? progress, CancellationToken ct)
    {
        await using var src = open();
        long offset = 0;
        var buf = new byte[(int)Math.Min(chunkSize, Math.Max(size, 1))];
        while (offset < size)
        {
            int len = (int)Math.Min(buf.Length, size - offset);
            src.Position = offset;
            int got = 0;
            while (got < len)
            {
                int n = await src.ReadAsync(buf.AsMemory(got, len - got), ct).ConfigureAwait(false);
                if (n == 0) throw new IOException("the blob file is shorter than its size");
                got += n;
            }
            long start = offset;
            var loc = location;
            using var resp = await SendAsync(() =>
            {
                var r = new HttpRequestMessage(HttpMethod.Patch, loc) { Content = new ByteArrayContent(buf, 0, len) };
                r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                r.Content.Headers.ContentLength = len;
                r.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + len - 1}");
                return r;
            }, PushScope(repository), ct).ConfigureAwait(false);
            if (resp.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // resync: ask the registry how much it has
                location = LocationOf(resp);
                offset = await UploadStatusAsync(location, repository, ct).ConfigureAwait(false);
                continue;
            }
            if (resp.StatusCode != HttpStatusCode.Accepted)
                throw await ErrorAsync(resp, $"Cannot upload a chunk of {digest} to {Registry}/{repository}", digest, ct).ConfigureAwait(false);
            location = LocationOf(resp);
            offset = start + len;
            if (resp.Headers.TryGetValues("Range", out var rv) && ParseRangeEnd(rv.FirstOrDefault()) is long end) offset = end + 1;
            progress?.Invoke(offset);
        }
        using var fin = await SendAsync(() =>
        {
            var r = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = new ByteArrayContent(Array.Empty<byte>()) };
            r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            return r;
        }, PushScope(repository), ct).ConfigureAwait(false);
        if (fin.StatusCode != HttpStatusCode.Created && !fin.IsSuccessStatusCode)
            throw await ErrorAsync(fin, $"Cannot complete the upload of {digest} to {Registry}/{repository}", digest, ct).ConfigureAwait(false);
    }

    private async Task<long> UploadStatusAsync(Uri location, string repository, CancellationToken ct)
    {
        using var resp = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, location), PushScope(repository), ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode) throw await ErrorAsync(resp, "Cannot get the upload status", repository, ct).ConfigureAwait(false);
        return resp.Headers.TryGetValues("Range", out var rv) && ParseRangeEnd(rv.FirstOrDefault()) is long end ? end + 1 : 0;
    }

    /// <summary>"0-1023" or "bytes=0-1023" → 1023.</summary>
    internal static long? ParseRangeEnd(string? range)
    {
        if (string.IsNullOrEmpty(range)) return null;
        string r = range.StartsWith("bytes=", StringComparison.Ordinal) ? range[6..] : range;
        int dash = r.IndexOf('-');
        return dash >= 0 && long.TryParse(r[(dash + 1)..], out long e) ? e : null;
    }

    // ---------------------------------------------------------------- tags

    /// <summary>All tags of a repository, following the Link header (n per page).</summary>
    public async Task<List<string>> ListTagsAsync(string repository, CancellationToken ct, int pageSize = 100)
    {
        var tags = new List<string>();
        string? next = $"/v2/{repository}/tags/list?n={pageSize}";
        int pages = 0;
        while (next is not null && pages++ < 10000)
        {
            string url = next;
            using var resp = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), PullScope(repository), ct).ConfigureAwait(false);
            if (!resp.IsSuccessStatusCode)
                throw await ErrorAsync(resp, $"Cannot list the tags of {Registry}/{repository}", $"{Registry}/{repository}", ct).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            int before = tags.Count;
            if (doc.RootElement.TryGetProperty("tags", out var ta) && ta.ValueKind == JsonValueKind.Array)
                tags.AddRange(ta.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
            next = null;
            if (resp.Headers.TryGetValues("Link", out var links))
            {
                foreach (var l in links.SelectMany(x => x.Split(',')))
                {
                    if (!l.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase) && !l.Contains("rel=next", StringComparison.OrdinalIgnoreCase)) continue;
                    int a = l.IndexOf('<'), b = l.IndexOf('>');
                    if (a >= 0 && b > a) next = l[(a + 1)..b];
                }
            }
            if (tags.Count == before) break; // a page with nothing new: stop
        }
        return tags;
    }

    // ---------------------------------------------------------------- helper streams

    /// <summary>A response body stream that disposes its response.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage resp) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); resp.Dispose(); }
            base.Dispose(disposing);
        }
    }

    private sealed class ProgressStreamContent(Stream source, long size, Action<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buf = new byte[1 << 17];
            long done = 0;
            int n;
            while ((n = await source.ReadAsync(buf).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buf.AsMemory(0, n)).ConfigureAwait(false);
                done += n;
                progress?.Invoke(done);
            }
        }
        protected override bool TryComputeLength(out long length) { length = size; return true; }
        protected override void Dispose(bool disposing) { if (disposing) source.Dispose(); base.Dispose(disposing); }
    }
}
