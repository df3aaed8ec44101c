using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

public class ImageStoreAtomicityTests
{
    private static void AssertSound(ImageStore store)
    {
        var problems = StorageChecker.Check(store, repair: false, NullProgressSink.Instance, default);
        Assert.DoesNotContain(problems, p => p.Severity == "Error");
    }

    [Theory]
    [InlineData("layers-published")]
    [InlineData("record-written")]
    public void A_commit_interrupted_before_the_index_leaves_nothing_visible_and_is_cleaned(string point)
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("fault"));
        t.Store.FaultPoint = p => { if (p == point) throw new IOException("injected fault at " + p); };
        Assert.Throws<IOException>(() => t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("fault:1")], NullProgressSink.Instance, default));
        t.Store.FaultPoint = null;

        var fresh = t.Reopen();
        Assert.Empty(fresh.ListImages());
        Assert.Null(fresh.FindImage("fault:1"));
        var problems = StorageChecker.Check(fresh, repair: false, NullProgressSink.Instance, default);
        Assert.DoesNotContain(problems, p => p.Severity == "Error");
        // the next command that takes the lock removes what the interrupted commit left
        Assert.DoesNotContain(problems, p => p.Kind is "OrphanLayer" or "OrphanRecord");
        Assert.Empty(Directory.EnumerateDirectories(fresh.LayersDir));
        Assert.Empty(Directory.EnumerateFiles(fresh.ImagesDir));
        // and the image can be committed again
        var img = fresh.CommitImage(b.ManifestDigest, [ImageReference.Parse("fault:1")], NullProgressSink.Instance, default);
        Assert.Equal(b.ConfigDigest, img.Id);
        AssertSound(fresh);
    }

    [Fact]
    public void A_commit_interrupted_after_the_index_is_complete()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("after"));
        t.Store.FaultPoint = p => { if (p == "index-written") throw new IOException("injected"); };
        Assert.Throws<IOException>(() => t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("after:1")], NullProgressSink.Instance, default));
        var fresh = t.Reopen();
        Assert.NotNull(fresh.FindImage("after:1"));
        Assert.Equal(3, fresh.GetLayerPaths(fresh.FindImage("after:1")!).Count);
        AssertSound(fresh);
    }

    [Fact]
    public void Work_of_a_dead_process_is_swept_but_live_work_is_not()
    {
        using var t = new TempStore();
        // a dead owner: lock file not held, directory half written
        string dead = Path.Combine(t.Store.TmpDir, "commit-dead");
        Directory.CreateDirectory(Path.Combine(dead, "x/diff"));
        File.WriteAllText(dead + ".lock", "");
        File.WriteAllText(Path.Combine(t.Store.TmpDir, "stray"), "no owner");
        // a live owner
        using var live = t.Store.NewTemp("live");
        var fresh = t.Reopen();
        Assert.False(Directory.Exists(dead));
        Assert.False(File.Exists(dead + ".lock"));
        Assert.False(File.Exists(Path.Combine(t.Store.TmpDir, "stray")));
        Assert.True(Directory.Exists(live.Dir));
    }

    [Fact]
    public void A_cancelled_commit_leaves_no_temp_work()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("cancel"));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("c:1")], NullProgressSink.Instance, cts.Token));
        // only this process's pins remain (blobs put but not committed)
        Assert.All(Directory.EnumerateFileSystemEntries(t.Store.TmpDir), e => Assert.StartsWith("pins-", Path.GetFileName(e)));
        Assert.Empty(t.Store.ListImages());
    }

    [Fact]
    public void Commit_refuses_missing_blobs_and_bad_media_types()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("missing"));
        File.Delete(t.Store.GetBlobPath(b.LayerDigests[1]));
        var ex = Assert.Throws<PscException>(() => t.Store.CommitImage(b.ManifestDigest, [], NullProgressSink.Instance, default));
        Assert.Equal("MissingBlob", ex.ErrorId);

        var b2 = TestImages.PutImage(t.Store, TestImages.ThreeLayers("mt"), layerMediaType: "application/x-strange");
        var ex2 = Assert.Throws<PscException>(() => t.Store.CommitImage(b2.ManifestDigest, [], NullProgressSink.Instance, default));
        Assert.Equal("UnsupportedMediaType", ex2.ErrorId);
        var ex3 = Assert.Throws<PscException>(() => t.Store.CommitImage(Digest.Of("nothing"u8), [], NullProgressSink.Instance, default));
        Assert.Equal("MissingBlob", ex3.ErrorId);
        Assert.Empty(t.Store.ListImages());
        Assert.Empty(Directory.EnumerateDirectories(t.Store.LayersDir));
    }

    [Fact]
    public void Commit_refuses_a_layer_that_does_not_match_its_diff_id()
    {
        using var t = new TempStore();
        var layers = TestImages.ThreeLayers("diff");
        var b = TestImages.PutImage(t.Store, layers, LayerCompression.None);
        // corrupt the stored layer blob behind the store's back: its name no longer matches its content
        var bytes = File.ReadAllBytes(t.Store.GetBlobPath(b.LayerDigests[0]));
        bytes[600] ^= 0x20;
        File.WriteAllBytes(t.Store.GetBlobPath(b.LayerDigests[0]), bytes);
        var ex = Assert.Throws<PscException>(() => t.Store.CommitImage(b.ManifestDigest, [], NullProgressSink.Instance, default));
        Assert.Equal("DiffIdMismatch", ex.ErrorId);
        var problems = StorageChecker.Check(t.Store, repair: true, NullProgressSink.Instance, default);
        Assert.Contains(problems, p => p.Kind == "CorruptBlob" && p.Target == b.LayerDigests[0]);
        Assert.False(t.Store.HasBlob(b.LayerDigests[0]));
    }

    [Fact]
    public void Test_storage_finds_and_repairs_damage()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("damage"));
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("damage:1")], NullProgressSink.Instance, default);
        var b2 = TestImages.PutImage(t.Store, TestImages.ThreeLayers("other"));
        var other = t.Store.CommitImage(b2.ManifestDigest, [ImageReference.Parse("other:1")], NullProgressSink.Instance, default);
        Assert.Empty(StorageChecker.Check(t.Store, false, NullProgressSink.Instance, default));

        File.Delete(t.Store.GetBlobPath(b.ConfigDigest));
        ImageStore.DeleteTree(Path.GetDirectoryName(t.Store.GetLayerPaths(other)[2])!);
        var problems = StorageChecker.Check(t.Store, false, NullProgressSink.Instance, default);
        Assert.Contains(problems, p => p.Kind == "MissingBlob" && p.Target == b.ConfigDigest && p.ImageId == img.Id);
        Assert.Contains(problems, p => p.Kind == "MissingLayer" && p.ImageId == other.Id);

        var repaired = StorageChecker.Check(t.Store, true, NullProgressSink.Instance, default);
        Assert.All(repaired, p => Assert.True(p.Repaired));
        Assert.Empty(t.Store.ListImages());
        Assert.Empty(StorageChecker.Check(t.Store, false, NullProgressSink.Instance, default));
    }

    [Fact]
    public void Concurrent_imports_and_removals_keep_the_store_consistent()
    {
        using var t = new TempStore();
        var built = Enumerable.Range(0, 3).Select(i => TestImages.PutImage(t.Store, TestImages.ThreeLayers("c" + i))).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 4).Select(w => new Thread(() =>
        {
            var store = new ImageStore(t.Paths); // its own descriptors: flock excludes it from the others
            for (int round = 0; round < 8; round++)
            {
                var b = built[(w + round) % built.Length];
                string name = $"conc{(w + round) % built.Length}:w{w}";
                try
                {
                    // blobs may be gone if another worker deleted the last image using them: put them back like a pull would
                    var again = TestImages.PutImage(store, TestImages.ThreeLayers("c" + ((w + round) % built.Length)));
                    Assert.Equal(b.ManifestDigest, again.ManifestDigest);
                    store.CommitImage(b.ManifestDigest, [ImageReference.Parse(name)], NullProgressSink.Instance, default);
                    var found = store.FindImage(name);
                    if (found is not null) Assert.Equal(3, store.GetLayerPaths(found).Count);
                    store.Remove(name, force: false);
                }
                catch (PscException e) when (e.ErrorId is "ImageHasMultipleReferences") { }
                catch (Exception e) { errors.Add(e); }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(errors);
        AssertSound(t.Reopen());
        foreach (var img in t.Store.ListImages())
            Assert.Equal(3, t.Store.GetLayerPaths(img).Count);
    }

    [Fact]
    public void Blobs_put_for_an_image_not_yet_committed_survive_the_removal_of_an_image_sharing_them()
    {
        using var t = new TempStore();
        var a = TestImages.PutImage(t.Store, TestImages.ThreeLayers("pin-a"));
        t.Store.CommitImage(a.ManifestDigest, [ImageReference.Parse("pin-a:1")], NullProgressSink.Instance, default);
        // another image with the same first layer is being pulled: its blobs are put, not yet committed
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("pin-b"));
        Assert.Equal(a.LayerDigests[0], b.LayerDigests[0]);
        // a removal in another process (here: another store instance) must not take the shared blob away
        new Engine(t.Paths).Images.Remove("pin-a:1", force: false);
        Assert.True(t.Store.HasBlob(b.LayerDigests[0]));
        Assert.False(t.Store.HasBlob(a.LayerDigests[1]));
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("pin-b:1")], NullProgressSink.Instance, default);
        Assert.Equal(3, t.Store.GetLayerPaths(img).Count);
        // once committed the pins are gone: removing the image frees everything
        t.Store.Remove("pin-b:1", force: false);
        Assert.Empty(t.Store.EnumerateBlobs());
        Assert.Empty(StorageChecker.Check(t.Store, false, NullProgressSink.Instance, default));
    }

    [Fact]
    public void Pins_of_a_dead_process_are_swept()
    {
        using var t = new TempStore();
        string dead = Path.Combine(t.Store.TmpDir, "pins-deadbeef");
        Directory.CreateDirectory(dead);
        File.WriteAllText(dead + ".lock", "");
        string orphan = Digest.Of("orphan"u8);
        File.WriteAllBytes(Path.Combine(dead, orphan[7..]), []);
        Assert.DoesNotContain(orphan, t.Store.PinnedBlobs());
        var fresh = t.Reopen();
        Assert.False(Directory.Exists(dead));
    }

    [Fact]
    public void Remove_follows_docker_rmi_rules()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("rmi"));
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("rmi:1"), ImageReference.Parse("rmi:2")], NullProgressSink.Instance, default);
        var ex = Assert.Throws<PscException>(() => t.Store.Remove(img.Id, force: false));
        Assert.Equal("ImageHasMultipleReferences", ex.ErrorId);
        var r = t.Store.Remove("rmi:1", force: false);
        Assert.Equal(["rmi:1"], r.Untagged);
        Assert.Empty(r.Deleted);

        string cid = new string('a', 64);
        string cdir = Path.Combine(t.Paths.Containers, cid);
        Directory.CreateDirectory(cdir);
        File.WriteAllText(Path.Combine(cdir, "container.json"), $$"""{"Id":"{{cid}}","Name":"web","ImageId":"{{img.Id}}"}""");
        var inUse = Assert.Throws<ConflictException>(() => t.Store.Remove("rmi:2", force: false));
        Assert.Equal("ImageInUse", inUse.ErrorId);
        Assert.Equal(PscErrorCategory.ResourceBusy, inUse.Category);
        var forced = t.Store.Remove("rmi:2", force: true);
        Assert.Empty(forced.Deleted);
        Assert.NotNull(t.Store.FindImage(img.Id));
        Directory.Delete(cdir, true);
        var del = t.Store.Remove(img.Id, force: false);
        Assert.Equal([img.Id], del.Deleted);
        Assert.Empty(Directory.EnumerateDirectories(t.Store.LayersDir));
        Assert.Empty(t.Store.EnumerateBlobs());
    }

    [Fact]
    public void References_resolve_like_docker()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers("refs"));
        var img = t.Store.CommitImage(b.ManifestDigest,
            [ImageReference.Parse("busybox"), ImageReference.Parse("ghcr.io/o/r:1"), ImageReference.Parse("busybox@" + b.ManifestDigest)],
            NullProgressSink.Instance, default);
        Assert.Equal("busybox", img.Repository);
        Assert.Equal("latest", img.Tag);
        Assert.Equal(["busybox:latest", "ghcr.io/o/r:1"], img.RepoTags.Order().ToArray());
        Assert.Equal(["busybox@" + b.ManifestDigest], img.RepoDigests);
        foreach (var r in new[] { "busybox", "busybox:latest", "docker.io/library/busybox:latest", "library/busybox", "busybox@" + b.ManifestDigest,
                     img.Id, img.Id[7..], img.Id[7..11], "sha256:" + img.Id[7..15], "ghcr.io/o/r:1" })
            Assert.Equal(img.Id, t.Store.FindImage(r)?.Id);
        Assert.Equal("ghcr.io/o/r", t.Store.FindImage("ghcr.io/o/r:1")!.Repository);
        Assert.Null(t.Store.FindImage("busybox:2"));
        Assert.Null(t.Store.FindImage("ghcr.io/o/r"));
        Assert.Null(t.Store.FindImage(img.Id[7..10]));
    }
}
