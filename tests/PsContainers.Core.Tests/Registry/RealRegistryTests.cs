using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PsContainers.Core;
using PsContainers.Core.Oci;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Registry;

/// <summary>Debian's docker-registry (CNCF distribution) on a free 127.0.0.1 port with temp storage.</summary>
public sealed class LocalRegistryFixture : IDisposable
{
    public string Host { get; } = "";
    public bool Available { get; }
    private readonly Process? _process;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-xreg-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalRegistryFixture()
    {
        if (!File.Exists("/usr/bin/docker-registry")) return;
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        Directory.CreateDirectory(_dir);
        string cfg = Path.Combine(_dir, "config.yml");
        File.WriteAllText(cfg, $"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {_dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: x{port}\n");
        var psi = new ProcessStartInfo("/usr/bin/docker-registry", new[] { "serve", cfg }) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(k);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Host = $"127.0.0.1:{port}";
        for (int i = 0; i < 200; i++)
        {
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); Available = true; break; }
            catch (SocketException) { Thread.Sleep(25); }
        }
    }

    public void Dispose()
    {
        try { if (_process is { HasExited: false }) { _process.Kill(true); _process.WaitForExit(5000); } } catch { }
        _process?.Dispose();
        try { Directory.Delete(_dir, true); } catch { }
    }
}

public class RealRegistryTests : IClassFixture<LocalRegistryFixture>
{
    private readonly LocalRegistryFixture _reg;
    public RealRegistryTests(LocalRegistryFixture reg) { _reg = reg; }

    private RegistryClient Client(RegistryOptions? o = null) => new(_reg.Host, o ?? new RegistryOptions(), null, null, new TokenCache());

    private static byte[] Random(int n, int seed) { var b = new byte[n]; new Random(seed).NextBytes(b); return b; }

    [Fact]
    public async Task UploadsChunkedAndMonolithicBlobsAndMountsThemElsewhere()
    {
        Assert.True(_reg.Available, "docker-registry did not start");
        using var c = Client();
        var big = Random(700_000, 1);
        var small = Random(1000, 2);
        string bigDigest = Util.Digest.Of(big), smallDigest = Util.Digest.Of(small);
        Assert.False(await c.BlobExistsAsync("x/one", bigDigest, default));

        var (mounted, loc, min) = await c.StartUploadAsync("x/one", null, null, default);
        Assert.False(mounted);
        var reported = new List<long>();
        await c.UploadChunkedAsync(loc!, "x/one", bigDigest, big.Length, () => new MemoryStream(big), Math.Max(128 * 1024, min), reported.Add, default);
        Assert.Equal(6, reported.Count); // 5 full chunks + the rest
        Assert.Equal(big.Length, reported[^1]);
        Assert.True(await c.BlobExistsAsync("x/one", bigDigest, default));

        (mounted, loc, _) = await c.StartUploadAsync("x/one", null, null, default);
        await c.UploadMonolithicAsync(loc!, "x/one", smallDigest, small.Length, () => new MemoryStream(small), null, default);
        var (body, len) = await c.OpenBlobAsync("x/one", smallDigest, 0, default);
        using (body) { var ms = new MemoryStream(); body.CopyTo(ms); Assert.Equal(small, ms.ToArray()); }

        // a range read from the middle (what a resumed download does)
        (body, len) = await c.OpenBlobAsync("x/one", bigDigest, 500_000, default);
        using (body) { var ms = new MemoryStream(); body.CopyTo(ms); Assert.Equal(big.AsSpan(500_000).ToArray(), ms.ToArray()); }
        Assert.Equal(200_000, len);

        (mounted, loc, _) = await c.StartUploadAsync("x/two", bigDigest, "x/one", default);
        Assert.True(mounted);
        Assert.Null(loc);
        Assert.True(await c.BlobExistsAsync("x/two", bigDigest, default));
    }

    [Fact]
    public async Task PutsAManifestByteExactAndReadsItBackByTagAndDigest()
    {
        Assert.True(_reg.Available, "docker-registry did not start");
        using var c = Client();
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        string cd = Util.Digest.Of(config);
        var (_, loc, _) = await c.StartUploadAsync("m/img", null, null, default);
        await c.UploadMonolithicAsync(loc!, "m/img", cd, config.Length, () => new MemoryStream(config), null, default);
        // odd but valid formatting: the digest must be of these exact bytes
        var manifest = Encoding.UTF8.GetBytes($"{{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"{MediaTypes.OciManifest}\",\n  \"config\": {{\"mediaType\": \"{MediaTypes.OciConfig}\", \"digest\": \"{cd}\", \"size\": {config.Length}}},\n  \"layers\": []\n}}");
        string digest = await c.PutManifestAsync("m/img", "v1", manifest, MediaTypes.OciManifest, default);
        Assert.Equal(Util.Digest.Of(manifest), digest);
        var byTag = await c.GetManifestAsync("m/img", "v1", default);
        Assert.Equal(manifest, byTag.Bytes);
        Assert.Equal(digest, (await c.GetManifestAsync("m/img", digest, default)).Digest);
        Assert.Equal(digest, await c.HeadManifestAsync("m/img", "v1", default));
        Assert.Null(await c.HeadManifestAsync("m/img", "nope", default));
        Assert.Equal(new[] { "v1" }, await c.ListTagsAsync("m/img", default));

        var e = await Assert.ThrowsAsync<PscException>(() => c.GetManifestAsync("m/img", "nope", default));
        Assert.Equal("RegistryManifestUnknown", e.ErrorId);
        Assert.Equal(PscErrorCategory.ObjectNotFound, e.Category);
        var bad = await Assert.ThrowsAsync<PscException>(() =>
            c.PutManifestAsync("m/img", "v2", Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest).Replace(cd, "sha256:" + new string('0', 64))), MediaTypes.OciManifest, default));
        Assert.Equal(PscErrorCategory.ObjectNotFound, bad.Category); // MANIFEST_BLOB_UNKNOWN
        Assert.StartsWith("RegistryManifestBlobUnknown", bad.ErrorId);
    }

    [Fact]
    public async Task UsesPlainHttpForLoopbackAfterHttpsFails()
    {
        Assert.True(_reg.Available, "docker-registry did not start");
        using var c = Client();
        await c.EnsurePingedAsync(default);
        Assert.Equal("http", c.BaseUri!.Scheme);
        Assert.Null(c.Challenge);
    }
}
