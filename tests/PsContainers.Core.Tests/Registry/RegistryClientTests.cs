using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PsContainers.Core;
using PsContainers.Core.Oci;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Registry;

/// <summary>A tiny HTTP server on 127.0.0.1 whose answers each test scripts.</summary>
internal sealed class FakeServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    public int Port { get; }
    public string Host => $"127.0.0.1:{Port}";
    public ConcurrentQueue<(string Method, string Path, string? Auth, string? Range)> Requests { get; } = new();

    public FakeServer(Func<HttpListenerContext, Task> handler, string hostName = "127.0.0.1")
    {
        _handler = handler;
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        _listener.Prefixes.Add($"http://{hostName}:{Port}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch { return; }
            Requests.Enqueue((ctx.Request.HttpMethod, ctx.Request.Url!.PathAndQuery, ctx.Request.Headers["Authorization"], ctx.Request.Headers["Range"]));
            _ = Task.Run(async () =>
            {
                try { await _handler(ctx); }
                catch { try { ctx.Response.Abort(); } catch { } }
            });
        }
    }

    public static async Task Send(HttpListenerContext ctx, int status, string body = "", string type = "application/json", params (string, string)[] headers)
    {
        foreach (var (k, v) in headers) ctx.Response.AddHeader(k, v);
        var b = Encoding.UTF8.GetBytes(body);
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = type;
        ctx.Response.ContentLength64 = b.Length;
        await ctx.Response.OutputStream.WriteAsync(b);
        ctx.Response.Close();
    }

    public void Dispose() { try { _listener.Stop(); _listener.Close(); } catch { } }
}

internal sealed class RecordingSink : IProgressSink
{
    public ConcurrentQueue<string> Warnings { get; } = new();
    public ConcurrentQueue<string> Verbose { get; } = new();
    public void Progress(ProgressInfo p) { }
    public void Warning(string message) => Warnings.Enqueue(message);
    void IProgressSink.Verbose(string message) => Verbose.Enqueue(message);
}

public class RegistryClientTests
{
    [Fact]
    public void A_connection_error_names_each_cause_once()
    {
        // what HttpClient throws for an unknown host: the outer message repeats the socket's with the host after it
        var e = new HttpRequestException("Name or service not known (registry-1.docker.io:443)",
            new SocketException((int)SocketError.HostNotFound, "Name or service not known"));
        Assert.Equal("Name or service not known (registry-1.docker.io:443)", RegistryClient.Flatten(e));
        // an inner message that holds the outer one replaces it; different messages all stay, outermost first
        Assert.Equal("connection refused (10.0.0.1:5000)", RegistryClient.Flatten(new IOException("connection refused", new IOException("connection refused (10.0.0.1:5000)"))));
        Assert.Equal("An error occurred. Connection reset", RegistryClient.Flatten(new IOException("An error occurred.", new IOException("Connection reset"))));
    }

    private static string Path0(HttpListenerContext c) => c.Request.Url!.AbsolutePath;

    [Fact]
    public async Task FetchesABearerTokenOnceAndReusesItPerScope()
    {
        int tokenRequests = 0;
        FakeServer? srv = null;
        srv = new FakeServer(async ctx =>
        {
            string p = Path0(ctx);
            if (p == "/token")
            {
                Interlocked.Increment(ref tokenRequests);
                Assert.Equal("svc", ctx.Request.QueryString["service"]);
                var scope = ctx.Request.QueryString["scope"];
                await FakeServer.Send(ctx, 200, $"{{\"access_token\":\"tok-{scope}\",\"expires_in\":300}}");
                return;
            }
            string? auth = ctx.Request.Headers["Authorization"];
            if (p == "/v2/" || auth != "Bearer tok-repository:a/b:pull")
            {
                await FakeServer.Send(ctx, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth\"}]}", headers:
                    ("WWW-Authenticate", $"Bearer realm=\"http://127.0.0.1:{srv!.Port}/token\",service=\"svc\",scope=\"repository:a/b:pull\""));
                return;
            }
            await FakeServer.Send(ctx, 200, "{\"name\":\"a/b\",\"tags\":[\"1\",\"2\"]}", headers: ("Warning", "299 - \"a/b is deprecated\""));
        });
        using var _ = srv;
        var sink = new RecordingSink();
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), null, sink, new TokenCache());
        Assert.Equal(new[] { "1", "2" }, await client.ListTagsAsync("a/b", default));
        Assert.Equal(new[] { "1", "2" }, await client.ListTagsAsync("a/b", default));
        Assert.Equal(1, tokenRequests);
        Assert.Equal("bearer", client.Challenge!.Scheme);
        Assert.Equal(new Uri($"http://{srv.Host}/"), client.BaseUri);
        Assert.Single(sink.Warnings); // reported once, not per response
        Assert.Contains("a/b is deprecated", sink.Warnings.Single());
    }

    [Fact]
    public async Task MapsARefusedTokenToPermissionDenied()
    {
        FakeServer? srv = null;
        srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/token") { await FakeServer.Send(ctx, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad password\"}]}"); return; }
            await FakeServer.Send(ctx, 401, "", headers: ("WWW-Authenticate", $"Bearer realm=\"http://127.0.0.1:{srv!.Port}/token\",service=\"svc\""));
        });
        using var _ = srv;
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), new RegistryCredential("u", "wrong"), null, new TokenCache());
        var e = await Assert.ThrowsAsync<PscException>(() => client.VerifyCredentialsAsync(default));
        Assert.Equal(PscErrorCategory.PermissionDenied, e.Category);
        Assert.Contains("bad password", e.Message);
        var auth = srv.Requests.Single(r => r.Path.StartsWith("/token", StringComparison.Ordinal)).Auth;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:wrong")), auth);
    }

    [Fact]
    public async Task FollowsRedirectsWithoutSendingAuthorizationToAnotherHost()
    {
        using var storage = new FakeServer(ctx => FakeServer.Send(ctx, 200, "hello blob", "application/octet-stream"), "localhost");
        FakeServer? srv = null;
        srv = new FakeServer(async ctx =>
        {
            if (ctx.Request.Headers["Authorization"] is null) { await FakeServer.Send(ctx, 401, "", headers: ("WWW-Authenticate", "Basic realm=\"r\"")); return; }
            if (Path0(ctx).StartsWith("/v2/a/blobs/", StringComparison.Ordinal))
            {
                await FakeServer.Send(ctx, 307, "", headers: ("Location", $"http://localhost:{storage.Port}/signed/blob?sig=1"));
                return;
            }
            await FakeServer.Send(ctx, 200, "{}");
        });
        using var _ = srv;
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), new RegistryCredential("u", "p"), null, new TokenCache());
        var digest = Util.Digest.Of(Encoding.UTF8.GetBytes("hello blob"));
        var (body, _) = await client.OpenBlobAsync("a", digest, 0, default);
        using (body) Assert.Equal("hello blob", new StreamReader(body).ReadToEnd());
        Assert.Contains(srv.Requests, r => r.Path.StartsWith("/v2/a/blobs/", StringComparison.Ordinal) && r.Auth is not null);
        var s = Assert.Single(storage.Requests);
        Assert.Equal("/signed/blob?sig=1", s.Path);
        Assert.Null(s.Auth);
    }

    [Fact]
    public async Task HonoursRetryAfterOn429AndBacksOffOn503()
    {
        int calls = 0;
        using var srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/v2/") { await FakeServer.Send(ctx, 200, "{}"); return; }
            int n = Interlocked.Increment(ref calls);
            if (n == 1) { await FakeServer.Send(ctx, 429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"x\"}]}", headers: ("Retry-After", "7")); return; }
            if (n == 2) { await FakeServer.Send(ctx, 503, ""); return; }
            await FakeServer.Send(ctx, 200, "{\"tags\":[\"t\"]}");
        });
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), null, null, new TokenCache());
        var waits = new List<TimeSpan>();
        client.Delay = (t, ct) => { waits.Add(t); return Task.CompletedTask; };
        Assert.Equal(new[] { "t" }, await client.ListTagsAsync("r", default));
        Assert.Equal(2, waits.Count);
        Assert.Equal(TimeSpan.FromSeconds(7), waits[0]);
        Assert.InRange(waits[1].TotalMilliseconds, 400, 600); // second backoff step
    }

    [Fact]
    public async Task RefusesARetryAfterLongerThanAllowed()
    {
        using var srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/v2/") { await FakeServer.Send(ctx, 200, "{}"); return; }
            await FakeServer.Send(ctx, 429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"quota\"}]}", headers: ("Retry-After", "3600"));
        });
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), null, null, new TokenCache());
        client.Delay = (t, ct) => Task.CompletedTask;
        var e = await Assert.ThrowsAsync<PscException>(() => client.ListTagsAsync("r", default));
        Assert.Equal(PscErrorCategory.LimitsExceeded, e.Category);
    }

    [Fact]
    public async Task VerifiesAManifestFetchedByDigest()
    {
        const string body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\"size\":1},\"layers\":[]}";
        using var srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/v2/") { await FakeServer.Send(ctx, 200, "{}"); return; }
            Assert.Contains(MediaTypes.OciIndex, ctx.Request.Headers["Accept"]);
            Assert.Contains(MediaTypes.DockerManifest, ctx.Request.Headers["Accept"]);
            await FakeServer.Send(ctx, 200, body, MediaTypes.OciManifest);
        });
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), null, null, new TokenCache());
        var good = Util.Digest.Of(Encoding.UTF8.GetBytes(body));
        Assert.Equal(good, (await client.GetManifestAsync("r", good, default)).Digest);
        var wrong = "sha256:" + new string('9', 64);
        var e = await Assert.ThrowsAsync<PscException>(() => client.GetManifestAsync("r", wrong, default));
        Assert.Equal("RegistryDigestMismatch", e.ErrorId);
        Assert.Equal(good, (await client.GetManifestAsync("r", "latest", default)).Digest);
    }

    [Fact]
    public async Task ResumesABlobWithRangeAfterTheConnectionDrops()
    {
        var data = new byte[300_000];
        new Random(5).NextBytes(data);
        int gets = 0;
        using var srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/v2/") { await FakeServer.Send(ctx, 200, "{}"); return; }
            int n = Interlocked.Increment(ref gets);
            var range = ctx.Request.Headers["Range"];
            if (n == 1)
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength64 = data.Length;
                await ctx.Response.OutputStream.WriteAsync(data.AsMemory(0, 100_000));
                await ctx.Response.OutputStream.FlushAsync();
                await Task.Delay(50);
                ctx.Response.Abort();
                return;
            }
            Assert.NotNull(range);
            long from = long.Parse(range!["bytes=".Length..^1]);
            ctx.Response.StatusCode = 206;
            ctx.Response.AddHeader("Content-Range", $"bytes {from}-{data.Length - 1}/{data.Length}");
            ctx.Response.ContentLength64 = data.Length - from;
            await ctx.Response.OutputStream.WriteAsync(data.AsMemory((int)from));
            ctx.Response.Close();
        });
        using var client = new RegistryClient(srv.Host, new RegistryOptions(), null, null, new TokenCache());
        var digest = Util.Digest.Of(data);
        await using var s = new ResumableBlobStream(client, "r", digest, data.Length, NullProgressSink.Instance, default);
        var ms = new MemoryStream();
        await Task.Run(() => s.CopyTo(ms));
        Assert.Equal(data, ms.ToArray());
        Assert.Equal(1, s.Resumes);
        Assert.Contains(srv.Requests, r => r.Range is not null && r.Range.StartsWith("bytes=", StringComparison.Ordinal) && r.Range != "bytes=0-");
    }

    [Fact]
    public async Task ResumesABlobWhoseConnectionGoesSilent()
    {
        var data = new byte[200_000];
        new Random(7).NextBytes(data);
        int gets = 0;
        var held = new TaskCompletionSource();
        using var srv = new FakeServer(async ctx =>
        {
            if (Path0(ctx) == "/v2/") { await FakeServer.Send(ctx, 200, "{}"); return; }
            if (Interlocked.Increment(ref gets) == 1)
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength64 = data.Length;
                await ctx.Response.OutputStream.WriteAsync(data.AsMemory(0, 50_000));
                await ctx.Response.OutputStream.FlushAsync();
                await held.Task; // hold the connection open, sending nothing more
                ctx.Response.Abort();
                return;
            }
            long from = long.Parse(ctx.Request.Headers["Range"]!["bytes=".Length..^1]);
            ctx.Response.StatusCode = 206;
            ctx.Response.ContentLength64 = data.Length - from;
            await ctx.Response.OutputStream.WriteAsync(data.AsMemory((int)from));
            ctx.Response.Close();
        });
        try
        {
            using var client = new RegistryClient(srv.Host, new RegistryOptions { ReadTimeoutSeconds = 1 }, null, null, new TokenCache());
            await using var s = new ResumableBlobStream(client, "r", Util.Digest.Of(data), data.Length, NullProgressSink.Instance, default);
            var ms = new MemoryStream();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            await Task.Run(() => s.CopyTo(ms));
            Assert.Equal(data, ms.ToArray());
            Assert.Equal(1, s.Resumes);
            Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 10);
        }
        finally { held.TrySetResult(); }
    }

    [Fact]
    public async Task RefusesPlainHttpForRemoteHosts()
    {
        // 192.0.2.1 (TEST-NET-1) is not reachable: HTTPS fails, and plain HTTP must not be tried
        var o = new RegistryOptions { MaxAttempts = 1 };
        using var client = new RegistryClient("192.0.2.1:1", o, null, null, new TokenCache());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var e = await Assert.ThrowsAsync<PscException>(() => client.EnsurePingedAsync(cts.Token));
        Assert.Equal("RegistryUnreachable", e.ErrorId);
        Assert.DoesNotContain("HTTP:", e.Message.Replace("HTTPS", ""));
    }
}
