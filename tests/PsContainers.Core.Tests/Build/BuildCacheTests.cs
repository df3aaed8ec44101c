using PsContainers.Core.Build;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>The build cache index: a hit only while the image it names is in the store; listing and pruning.</summary>
public sealed class BuildCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-buildcache-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => SafeTree.Delete(_root);

    [Fact]
    public void RememberedDigestsAreKeptPerKeyAndGoWithTheWholeCache()
    {
        var paths = new PscPaths(_root);
        var cache = new BuildCache(paths, new ImageStore(paths));
        string d = "sha256:" + new string('a', 64);
        Assert.Null(cache.LookupDigest("k1"));
        cache.RecordDigest("k1", d);
        Assert.Equal(d, cache.LookupDigest("k1"));
        Assert.Null(cache.LookupDigest("k2"));
        // a COPY --from key names the image and every option the digest depends on
        var o = new BuildCopyOptions { Sources = ["/a"], Destination = "/d/" };
        string img = "sha256:" + new string('1', 64);
        Assert.NotEqual(ImageBuilder.FromDigestKey(img, o), ImageBuilder.FromDigestKey("sha256:" + new string('2', 64), o));
        Assert.NotEqual(ImageBuilder.FromDigestKey(img, o), ImageBuilder.FromDigestKey(img, o with { Destination = "/e/" }));
        Assert.NotEqual(ImageBuilder.FromDigestKey(img, o), ImageBuilder.FromDigestKey(img, o with { WorkingDirectory = "/w" }));
        Assert.NotEqual(ImageBuilder.FromDigestKey(img, o), ImageBuilder.FromDigestKey(img, o with { Sources = ["/a", "/b"] }));
        Assert.NotEqual(ImageBuilder.FromDigestKey(img, o with { Sources = ["a\nb"] }), ImageBuilder.FromDigestKey(img, o with { Sources = ["a", "b"] }));
        Assert.Equal(ImageBuilder.FromDigestKey(img, o), ImageBuilder.FromDigestKey(img, o with { Where = "Dockerfile:9" }));
        File.WriteAllText(Path.Combine(cache.Directory, BuildContentHashes.FileName), "x");
        cache.Prune(e => false);
        Assert.Equal(d, cache.LookupDigest("k1"));
        cache.Prune();
        Assert.Null(cache.LookupDigest("k1"));
        Assert.False(File.Exists(Path.Combine(cache.Directory, BuildContentHashes.FileName)));
    }

    [Fact]
    public void AHitNeedsTheImageAndPruneForgetsEntries()
    {
        var paths = new PscPaths(_root);
        var images = new ImageStore(paths);
        var cache = new BuildCache(paths, images);
        var img = images.AddImage(new ImageCommitSpec { Config = new ImageExecutionConfig { Cmd = ["sh"] }, CreatedBy = "CMD [\"sh\"]" }, null, NullProgressSink.Instance, CancellationToken.None);
        string k1 = BuildCacheKey.Compute("scratch", "a", []), k2 = BuildCacheKey.Compute("scratch", "b", []);
        Assert.Null(cache.Lookup(k1));
        cache.Record(k1, img.Id, "CMD [\"sh\"]");
        cache.Record(k2, "sha256:" + new string('0', 64), "gone");
        Assert.Equal(img.Id, cache.Lookup(k1));
        Assert.Null(cache.Lookup(k2)); // its image is not in the store: never a stale hit
        var list = cache.List();
        Assert.Equal(2, list.Count);
        Assert.True(list.Single(e => e.Key == k1).InUse);
        Assert.False(list.Single(e => e.Key == k2).InUse);
        var pruned = cache.Prune(e => !e.InUse);
        Assert.Equal([k2], pruned.Select(e => e.Key));
        Assert.Equal([k1], cache.List().Select(e => e.Key));
        Assert.Single(cache.Prune());
        Assert.Empty(cache.List());
        Assert.Null(cache.Lookup(k1));
    }

    [Fact]
    public void AnEntryWrittenInTheOldShapeStillReadsAndIsRewrittenInTheSameShape()
    {
        // the file as the hand-built JsonObject of earlier versions wrote it: camelCase, times in "O" form with all seven
        // fraction digits, the default encoder's escapes in createdBy
        var paths = new PscPaths(_root);
        var images = new ImageStore(paths);
        var cache = new BuildCache(paths, images);
        var img = images.AddImage(new ImageCommitSpec { Config = new ImageExecutionConfig { Cmd = ["sh"] }, CreatedBy = "RUN x" }, null, NullProgressSink.Instance, CancellationToken.None);
        string key = BuildCacheKey.Compute(img.Id, "RUN echo \"a\" > /b", []);
        string file = Path.Combine(cache.Directory, Digest.Hex(key) + ".json");
        Directory.CreateDirectory(cache.Directory);
        File.WriteAllText(file,
            "{\"key\":\"" + key + "\",\"imageId\":\"" + img.Id + "\",\"createdBy\":\"RUN echo \\u0022a\\u0022 \\u003E /b\"," +
            "\"created\":\"2025-03-04T05:06:07.1000000Z\",\"lastUsed\":\"2025-03-05T00:00:00.0000000Z\"}");

        var e = Assert.Single(cache.List());
        Assert.Equal(key, e.Key);
        Assert.Equal(img.Id, e.ImageId);
        Assert.Equal("RUN echo \"a\" > /b", e.CreatedBy);
        Assert.Equal(new DateTime(2025, 3, 4, 5, 6, 7, 100, DateTimeKind.Utc), e.Created);
        Assert.Equal(DateTimeKind.Utc, e.Created.Kind);
        Assert.Equal(new DateTime(2025, 3, 5, 0, 0, 0, DateTimeKind.Utc), e.LastUsed);
        Assert.True(e.InUse);

        // a hit rewrites it (lastUsed): same members, same names, times still UTC round-trip text
        var before = DateTime.UtcNow;
        Assert.Equal(img.Id, cache.Lookup(key));
        using (var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file)))
        {
            Assert.Equal(["created", "createdBy", "imageId", "key", "lastUsed"], doc.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("RUN echo \"a\" > /b", doc.RootElement.GetProperty("createdBy").GetString());
            Assert.EndsWith("Z", doc.RootElement.GetProperty("lastUsed").GetString(), StringComparison.Ordinal);
            var reread = DateTime.Parse(doc.RootElement.GetProperty("created").GetString()!, null, System.Globalization.DateTimeStyles.RoundtripKind);
            Assert.Equal(e.Created, reread);
            Assert.Equal(DateTimeKind.Utc, reread.Kind);
        }
        var after = Assert.Single(cache.List());
        Assert.Equal(e with { LastUsed = after.LastUsed }, after);
        Assert.InRange(after.LastUsed, before, DateTime.UtcNow);

        // a damaged entry (no times, not an object, not JSON) is no entry, as before
        File.WriteAllText(Path.Combine(cache.Directory, new string('b', 64) + ".json"), "{\"key\":\"" + key + "\"}");
        File.WriteAllText(Path.Combine(cache.Directory, new string('c', 64) + ".json"), "[1]");
        File.WriteAllText(Path.Combine(cache.Directory, new string('d', 64) + ".json"), "{\"key\":");
        Assert.Equal([key], cache.List().Select(x => x.Key));
    }

    [Fact]
    public void PruneMountsRemovesTheCacheMountDirectoriesButNotALockedOne()
    {
        // docker builder prune -a empties RUN --mount=type=cache too; one a running step holds locked stays
        var paths = new PscPaths(_root);
        var cache = new BuildCache(paths, new ImageStore(paths));
        Assert.Equal(0, cache.PruneMounts()); // no mounts directory yet
        string tmp = Path.Combine(_root, "tmp");
        var apt = BuildRunMount.Parse("type=cache,target=/var/cache/apt", "Dockerfile:2");
        var go = BuildRunMount.Parse("type=cache,target=/go,sharing=locked", "Dockerfile:3");
        using (var m = BuildRunMounts.Prepare([apt], cache.Directory, tmp, _ => throw new InvalidOperationException(), "Dockerfile:2", default))
            File.WriteAllText(Path.Combine(m.Specs[0].Source, "pkg.deb"), "cached");
        string aptDir = BuildRunMounts.CacheDirectory(cache.Directory, apt.Id), goDir = BuildRunMounts.CacheDirectory(cache.Directory, go.Id);
        Directory.CreateDirectory(Path.Combine(aptDir, "sub"));
        File.CreateSymbolicLink(Path.Combine(aptDir, "sub/link"), tmp); // a link inside is removed, never followed
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, "keep"), "k");
        using (var held = BuildRunMounts.Prepare([go], cache.Directory, tmp, _ => throw new InvalidOperationException(), "Dockerfile:3", default))
        {
            File.WriteAllText(Path.Combine(held.Specs[0].Source, "obj"), "o");
            Assert.Equal(1, cache.PruneMounts());
            Assert.False(Directory.Exists(aptDir));
            Assert.True(File.Exists(Path.Combine(goDir, "obj"))); // locked by the running step
        }
        Assert.Equal("k", File.ReadAllText(Path.Combine(tmp, "keep")));
        Assert.Equal(1, cache.PruneMounts());
        Assert.False(Directory.Exists(goDir));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(cache.Directory, "mounts")));
    }
}
