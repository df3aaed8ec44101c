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
}
