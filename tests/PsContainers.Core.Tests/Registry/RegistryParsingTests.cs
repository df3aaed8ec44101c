using System.Net;
using System.Text;
using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Registry;

namespace PsContainers.Core.Tests.Registry;

public class AuthChallengeTests
{
    [Fact]
    public void ParsesBearerWithQuotedCommasInScope()
    {
        var chs = AuthChallenge.Parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"");
        var c = Assert.Single(chs);
        Assert.Equal("bearer", c.Scheme);
        Assert.Equal("https://auth.docker.io/token", c.Realm);
        Assert.Equal("registry.docker.io", c.Service);
        Assert.Equal("repository:samalba/my-app:pull,push", c.Scope);
    }

    [Fact]
    public void ParsesSeveralChallengesInOneHeaderAndPrefersBearer()
    {
        var chs = AuthChallenge.Parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://a.example/t\",service=\"svc\"");
        Assert.Equal(2, chs.Count);
        Assert.Equal("bearer", chs[0].Scheme);
        Assert.Equal("https://a.example/t", chs[0].Realm);
        Assert.Equal("basic", chs[1].Scheme);
        Assert.Equal("Registry Realm", chs[1].Realm);
    }

    [Fact]
    public void ParsesRfc7235ExampleWithEscapesAndUnquotedValues()
    {
        var chs = AuthChallenge.Parse("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"");
        Assert.Equal(2, chs.Count);
        Assert.Equal("basic", chs[0].Scheme);
        Assert.Equal("simple", chs[0].Realm);
        var n = chs[1];
        Assert.Equal("newauth", n.Scheme);
        Assert.Equal("1", n["type"]);
        Assert.Equal("Login to \"apps\"", n["title"]);
    }

    [Fact]
    public void AcceptsMultipleHeaderValuesAndCaseInsensitiveNames()
    {
        var chs = AuthChallenge.Parse(new[] { "BASIC Realm=x", "bearer REALM=\"https://t\" , Service=s" });
        Assert.Equal("bearer", chs[0].Scheme);
        Assert.Equal("https://t", chs[0].Realm);
        Assert.Equal("s", chs[0].Service);
        Assert.Equal("x", chs[1].Realm);
    }

    [Fact]
    public void ParsesBareSchemesAndToken68()
    {
        var chs = AuthChallenge.Parse("Negotiate abc123==, Basic");
        Assert.Contains(chs, c => c.Scheme == "negotiate" && c.Token68 == "abc123==");
        Assert.Contains(chs, c => c.Scheme == "basic" && c.Parameters.Count == 0);
    }
}

public class RegistryErrorTests
{
    [Theory]
    [InlineData("MANIFEST_UNKNOWN", "RegistryManifestUnknown", PscErrorCategory.ObjectNotFound)]
    [InlineData("BLOB_UNKNOWN", "RegistryBlobUnknown", PscErrorCategory.ObjectNotFound)]
    [InlineData("NAME_UNKNOWN", "RegistryNameUnknown", PscErrorCategory.ObjectNotFound)]
    [InlineData("UNAUTHORIZED", "RegistryUnauthorized", PscErrorCategory.PermissionDenied)]
    [InlineData("DENIED", "RegistryDenied", PscErrorCategory.PermissionDenied)]
    [InlineData("TOOMANYREQUESTS", "RegistryTooManyRequests", PscErrorCategory.LimitsExceeded)]
    [InlineData("DIGEST_INVALID", "RegistryDigestInvalid", PscErrorCategory.InvalidData)]
    [InlineData("MANIFEST_INVALID", "RegistryManifestInvalid", PscErrorCategory.InvalidData)]
    [InlineData("UNSUPPORTED", "RegistryUnsupported", PscErrorCategory.NotImplemented)]
    public void MapsErrorCodes(string code, string id, PscErrorCategory cat)
    {
        var body = $"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"m\",\"detail\":{{\"x\":1}}}}]}}";
        var e = RegistryErrors.FromResponse(HttpStatusCode.BadRequest, body, "op", "t");
        Assert.Equal(id, e.ErrorId);
        Assert.Equal(cat, e.Category);
        Assert.Equal("t", e.Target);
        Assert.Contains(code, e.Message);
    }

    [Fact]
    public void FallsBackToTheStatusWithoutAnErrorsBody()
    {
        var e = RegistryErrors.FromResponse(HttpStatusCode.NotFound, "<html>nope</html>", "op", null);
        Assert.Equal(PscErrorCategory.ObjectNotFound, e.Category);
        Assert.Equal(PscErrorCategory.LimitsExceeded, RegistryErrors.FromResponse((HttpStatusCode)429, "", "op", null).Category);
        Assert.Equal(PscErrorCategory.PermissionDenied, RegistryErrors.FromResponse(HttpStatusCode.Forbidden, null, "op", null).Category);
    }

    [Fact]
    public void MentionsFurtherErrors()
    {
        var e = RegistryErrors.FromResponse(HttpStatusCode.BadRequest,
            "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"a\"},{\"code\":\"BLOB_UNKNOWN\",\"message\":\"b\"}]}", "op", null);
        Assert.Equal("RegistryManifestBlobUnknown", e.ErrorId);
        Assert.Contains("BLOB_UNKNOWN", e.Message[e.Message.IndexOf("more", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void ParsesWarning299Only()
    {
        var w = RegistryErrors.ParseWarnings(new[] { "299 - \"this repository is deprecated\"", "199 - \"ignored\"" }).ToList();
        Assert.Equal(new[] { "this repository is deprecated" }, w);
    }
}

public class TokenCacheTests
{
    [Fact]
    public void KeepsTokensUntilTheyExpire()
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var cache = new TokenCache(() => now);
        string k = TokenCache.Key("https://auth", "svc", null, "repository:a:pull");
        cache.Put(k, "T1", 300);
        Assert.True(cache.TryGet(k, out var t));
        Assert.Equal("T1", t);
        now = now.AddSeconds(250);
        Assert.True(cache.TryGet(k, out _));
        now = now.AddSeconds(49); // inside the safety margin before 300 s
        Assert.False(cache.TryGet(k, out _));
    }

    [Fact]
    public void DefaultsToSixtySecondsAndSeparatesScopesAndUsers()
    {
        var now = DateTimeOffset.UtcNow;
        var cache = new TokenCache(() => now);
        string pull = TokenCache.Key("r", "s", null, "repository:a:pull");
        string push = TokenCache.Key("r", "s", null, "repository:a:pull,push");
        string bob = TokenCache.Key("r", "s", "bob", "repository:a:pull");
        cache.Put(pull, "P", null);
        Assert.False(cache.TryGet(push, out _));
        Assert.False(cache.TryGet(bob, out _));
        now = now.AddSeconds(50);
        Assert.True(cache.TryGet(pull, out _));
        now = now.AddSeconds(11);
        Assert.False(cache.TryGet(pull, out _));
    }
}

/// <summary>Index selection and manifest parsing with the registry's ErrorIds (<see cref="RegistryManifests"/>).</summary>
public class RegistryManifestsTests
{
    private static ImageIndex Index(params (string arch, string? variant, char fill)[] entries)
    {
        var items = entries.Select(e =>
            $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"sha256:{new string(e.fill, 64)}\",\"size\":10," +
            $"\"platform\":{{\"os\":\"linux\",\"architecture\":\"{e.arch}\"{(e.variant is null ? "" : $",\"variant\":\"{e.variant}\"")}}}}}");
        var json = $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{string.Join(",", items)}]}}";
        return (ImageIndex)RegistryManifests.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciIndex, "x");
    }

    [Fact]
    public void SelectsTheFirstMatchingEntry()
    {
        var idx = Index(("amd64", null, 'a'), ("arm", "v6", 'b'), ("arm", "v7", 'c'), ("arm64", null, 'd'), ("arm64", "v8", 'e'));
        Assert.True(idx.IsIndex);
        Assert.Equal("sha256:" + new string('a', 64), RegistryManifests.SelectPlatform(idx, Platform.Parse("linux/amd64")).Digest);
        Assert.Equal("sha256:" + new string('c', 64), RegistryManifests.SelectPlatform(idx, Platform.Parse("linux/arm/v7")).Digest);
        Assert.Equal("sha256:" + new string('b', 64), RegistryManifests.SelectPlatform(idx, Platform.Parse("linux/arm/v6")).Digest);
        // arm64 with no variant counts as v8; the first match wins
        Assert.Equal("sha256:" + new string('d', 64), RegistryManifests.SelectPlatform(idx, Platform.Parse("linux/arm64/v8")).Digest);
        var e = Assert.Throws<ResourceNotFoundException>(() => RegistryManifests.SelectPlatform(idx, Platform.Parse("linux/s390x"), "img"));
        Assert.Equal(PscErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains("linux/arm/v7", e.Message);
    }

    private const string Cfg = "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\"size\":5}";
    private const string Layer = "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:2222222222222222222222222222222222222222222222222222222222222222\",\"size\":7}";

    [Fact]
    public void ParsesAnOciManifestWithExactBytes()
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",{Cfg},\"layers\":[{Layer}]}}");
        var m = RegistryManifests.Parse(bytes, MediaTypes.OciManifest + "; charset=utf-8");
        Assert.False(m.IsIndex);
        Assert.Equal(5, Assert.IsType<ImageManifest>(m).Config.Size);
        Assert.Single(((ImageManifest)m).Layers);
        Assert.Same(bytes, m.Bytes);
        Assert.Equal(Util.Digest.Of(bytes), m.Digest);
    }

    [Fact]
    public void InfersTheTypeWhenMediaTypeIsAbsent()
    {
        var m = RegistryManifests.Parse(Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,{Cfg},\"layers\":[]}}"), MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
    }

    [Fact]
    public void RefusesAContentTypeThatContradictsTheBody()
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",{Cfg},\"layers\":[]}}");
        var e = Assert.Throws<PscException>(() => RegistryManifests.Parse(bytes, MediaTypes.DockerManifest));
        Assert.Equal("RegistryManifestTypeMismatch", e.ErrorId);
    }

    [Theory]
    [InlineData(MediaTypes.DockerSchema1Signed)]
    [InlineData("text/plain")]
    [InlineData(null)]
    public void RefusesSchema1Clearly(string? contentType)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}");
        var e = Assert.Throws<PscException>(() => RegistryManifests.Parse(bytes, contentType));
        Assert.Equal("RegistryManifestSchema1Unsupported", e.ErrorId);
        Assert.Contains("schema 1", e.Message);
    }

    [Fact]
    public void RefusesManifestsOver4MiB()
    {
        var e = Assert.Throws<PscException>(() => RegistryManifests.Parse(new byte[4 * 1024 * 1024 + 1], MediaTypes.OciManifest));
        Assert.Equal("RegistryManifestTooLarge", e.ErrorId);
    }

    [Fact]
    public void RefusesBadDescriptors()
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",{Cfg},\"layers\":[{{\"digest\":\"md5:abc\",\"size\":1}}]}}");
        Assert.Equal("RegistryManifestInvalid", Assert.Throws<PscException>(() => RegistryManifests.Parse(bytes, null)).ErrorId);
        var neg = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",{Cfg.Replace("\"size\":5", "\"size\":-5")},\"layers\":[]}}");
        Assert.Equal("RegistryManifestInvalid", Assert.Throws<PscException>(() => RegistryManifests.Parse(neg, null)).ErrorId);
    }
}

public class RegistryReferenceAndOptionsTests
{
    [Theory]
    [InlineData("nginx", "docker.io", "library/nginx", "latest", "registry-1.docker.io")]
    [InlineData("library/nginx:1.25", "docker.io", "library/nginx", "1.25", "registry-1.docker.io")]
    [InlineData("ghcr.io/o/r:tag", "ghcr.io", "o/r", "tag", "ghcr.io")]
    [InlineData("localhost:5000/r", "localhost:5000", "r", "latest", "localhost:5000")]
    public void NormalisesReferencesLikeDocker(string text, string registry, string repo, string tag, string endpoint)
    {
        var r = ImageReference.Parse(text);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repo, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(endpoint, r.RegistryEndpointHost);
        Assert.Equal(endpoint, new RegistryClient(r.Registry, new RegistryOptions(), host: r.RegistryEndpointHost).Host);
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("localhost:5000", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example:5000", false)]
    [InlineData("10.0.0.1:5000", false)]
    public void AllowsPlainHttpOnlyForLoopback(string host, bool plain) =>
        Assert.Equal(plain, new RegistryOptions().AllowsPlainHttp(host));

    [Fact]
    public void AllowsPlainHttpForConfiguredInsecureRegistries()
    {
        var o = new RegistryOptions { Insecure = { "reg.example:5000", "other.example" } };
        Assert.True(o.AllowsPlainHttp("reg.example:5000"));
        Assert.True(o.AllowsPlainHttp("other.example:443"));
        Assert.False(o.AllowsPlainHttp("reg.example"));
    }

    [Fact]
    public void FindsCaFilesByHostAndPortThenHost()
    {
        string dir = Path.Combine(Path.GetTempPath(), "psc-ca-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "reg.example:5000"));
            Directory.CreateDirectory(Path.Combine(dir, "reg.example"));
            File.WriteAllText(Path.Combine(dir, "reg.example:5000", "ca.crt"), "x");
            File.WriteAllText(Path.Combine(dir, "reg.example", "ca.crt"), "y");
            File.WriteAllText(Path.Combine(dir, "reg.example", "client.key"), "z");
            var o = new RegistryOptions { CertDirs = { dir } };
            var files = o.CaFilesFor("reg.example:5000").ToList();
            Assert.Equal(Path.Combine(dir, "reg.example:5000", "ca.crt"), files[0]);
            Assert.Equal(Path.Combine(dir, "reg.example", "ca.crt"), files[1]);
            Assert.DoesNotContain(files, f => f.EndsWith(".key", StringComparison.Ordinal));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ReadsSettingsFromTheStoreRoot()
    {
        string root = Path.Combine(Path.GetTempPath(), "psc-opt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            File.WriteAllText(Path.Combine(root, RegistryOptions.FileName),
                "{\"insecure\":[\"r.example:80\"],\"mirrors\":{\"docker.io\":[\"mirror.example\"]},\"maxConcurrentDownloads\":5}");
            var o = RegistryOptions.Load(new PscPaths(root));
            Assert.True(o.IsInsecure("r.example:80"));
            Assert.Equal(new[] { "mirror.example" }, o.MirrorsFor("docker.io"));
            Assert.Empty(o.MirrorsFor("ghcr.io"));
            Assert.Equal(5, o.MaxConcurrentDownloads);
        }
        finally { Directory.Delete(root, true); }
    }

    [Theory]
    [InlineData("0-1023", 1023L)]
    [InlineData("bytes=0-99", 99L)]
    [InlineData("", null)]
    public void ParsesUploadRanges(string range, long? end) => Assert.Equal(end, RegistryClient.ParseRangeEnd(range));

    [Fact]
    public void BacksOffExponentiallyWithJitter()
    {
        Assert.InRange(RegistryClient.Backoff(1).TotalMilliseconds, 200, 300);
        Assert.InRange(RegistryClient.Backoff(3).TotalMilliseconds, 800, 1200);
        Assert.InRange(RegistryClient.Backoff(10).TotalMilliseconds, 6400, 9600);
    }
}
