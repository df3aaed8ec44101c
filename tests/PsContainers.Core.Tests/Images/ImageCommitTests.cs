using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Images;

/// <summary>ImageStore.CommitLayer / AddImage: a new image = the base's layers + one layer made from an upper directory.</summary>
public sealed class ImageCommitTests
{
    private static readonly DateTime When = new(2025, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private static (TempStore Store, ContainerImage Base) BaseImage()
    {
        var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers());
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/base:1")], NullProgressSink.Instance, default);
        return (t, img);
    }

    /// <summary>An upper directory as overlay leaves it: a new file, a whiteout, an opaque (recreated) directory.</summary>
    private static string Upper(string root)
    {
        string upper = Path.Combine(root, "upper-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(upper);
        using var u = SafeFd.OpenDirectory(upper);
        Fs.Mkdir(u, "data"u8, 0x1ed);
        using (var data = Fs.OpenDirectory(u, "data"u8))
        {
            using (var f = Fs.CreateFile(data, "new.txt"u8)) f.Write("added"u8);
            Fs.Mknod(data, "keep.txt"u8, FsStat.S_IFCHR, 0); // deleted
        }
        Fs.Mkdir(u, "opaque"u8, 0x1ed);
        Fs.SetXattr(u, "opaque"u8, "trusted.overlay.opaque"u8, "y"u8);
        using (var o = Fs.OpenDirectory(u, "opaque"u8))
        using (var f = Fs.CreateFile(o, "only.txt"u8)) f.Write("only"u8);
        return upper;
    }

    [Theory]
    [InlineData(null, MediaTypes.OciLayer, LayerCompression.None)] // the default: a plain tar, as buildah and docker keep local layers
    [InlineData(LayerCompression.Gzip, MediaTypes.OciLayerGzip, LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd, MediaTypes.OciLayerZstd, LayerCompression.Zstd)]
    public void A_commit_adds_one_layer_a_history_entry_and_the_names(LayerCompression? asked, string mediaType, LayerCompression stored)
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        var spec = new ImageCommitSpec
        {
            BaseImageId = baseImg.Id,
            Author = "Ann <ann@example.com>",
            Comment = "first commit",
            CreatedBy = "sh -c echo hi",
            Created = When,
            Config = new ImageExecutionConfig { Cmd = ["/bin/hello"], Env = ["A=1"] },
            Tags = [ImageReference.Parse("test/committed:v1")],
        };
        var img = t.Store.CommitLayer(Upper(t.Root), spec, asked is { } c ? new LayerDiffOptions { Compression = c } : null, NullProgressSink.Instance, default);

        Assert.Equal("test/committed", img.Repository);
        Assert.Equal("v1", img.Tag);
        Assert.Equal(baseImg.Layers.Length + 1, img.Layers.Length);
        Assert.Equal(baseImg.Layers, img.Layers[..^1]);
        Assert.Equal(baseImg.DiffIds, img.DiffIds[..^1]);
        Assert.Equal(When, img.Created);
        Assert.Equal("Ann <ann@example.com>", img.Author);
        Assert.Equal(["/bin/hello"], img.Config.Cmd);
        Assert.Equal(["A=1"], img.Config.Env);
        Assert.Equal(baseImg.History.Length + 1, img.History.Length);
        var h = img.History[^1];
        Assert.Equal(("sh -c echo hi", "first commit", false, (DateTime?)When), (h.CreatedBy, h.Comment, h.EmptyLayer, h.Created));

        // the manifest keeps the base's format; the new layer is a blob in the asked compression whose tar is the diff
        var m = ImageManifest.Parse(t.Store.GetManifest(img));
        Assert.Equal(MediaTypes.OciManifest, m.MediaType);
        Assert.Equal(MediaTypes.OciConfig, m.Config.MediaType);
        Assert.Equal(mediaType, m.Layers[^1].MediaType);
        Assert.Equal(t.Store.GetBlobSize(m.Layers[^1].Digest), m.Layers[^1].Size);
        // a plain layer's blob digest is its diff_id; a compressed one's is not
        Assert.Equal(stored == LayerCompression.None, m.Layers[^1].Digest == img.DiffIds[^1]);
        using (var blob = t.Store.OpenBlob(m.Layers[^1].Digest))
        using (var tar = Compression.OpenDecompressed(blob, out var kind))
        {
            Assert.Equal(stored, kind);
            var ms = new MemoryStream();
            tar.CopyTo(ms);
            Assert.Equal(img.DiffIds[^1], Digest.Of(ms.ToArray()));
            var names = new List<string>();
            using var r = new PsContainers.Core.Archive.TarArchiveReader(new MemoryStream(ms.ToArray()));
            while (r.Next() is { } e) names.Add(e.DisplayName);
            Assert.Equal(["data/", "data/.wh.keep.txt", "data/new.txt", "opaque/", "opaque/.wh..wh..opq", "opaque/only.txt"], names);
        }
        var config = ImageConfiguration.Parse(t.Store.GetConfig(img));
        Assert.Equal("amd64", config.Architecture);
        Assert.Equal("linux", config.Os);
        Assert.Equal("Ann <ann@example.com>", config.History[^1].Author);

        // the unpacked layer is the upper directory again, in overlay form, and runs on top of the base's
        var paths = t.Store.GetLayerPaths(img);
        Assert.Equal(t.Store.GetLayerPaths(baseImg), paths.Take(paths.Count - 1));
        string top = paths[^1];
        using var topFd = SafeFd.OpenDirectory(top);
        var wh = Fs.Stat(topFd, "data/keep.txt"u8);
        Assert.True(wh.IsCharDevice && wh.RdevMajor == 0 && wh.RdevMinor == 0);
        Assert.Equal("added", File.ReadAllText(Path.Combine(top, "data/new.txt")));
        using (var data = Fs.OpenDirectory(topFd, "opaque"u8))
            Assert.Equal("y"u8.ToArray(), Fs.GetXattr(topFd, "opaque"u8, "trusted.overlay.opaque"u8));

        // still found by its name after a reopen, and the base is untouched
        var again = t.Reopen().FindImage("test/committed:v1");
        Assert.Equal(img.Id, again!.Id);
        Assert.Equal(baseImg.Id, t.Store.FindImage("test/base:1")!.Id);
    }

    [Fact]
    public void An_unchanged_container_adds_no_layer_only_an_empty_layer_history_entry()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        string empty = Path.Combine(t.Root, "empty-upper");
        Directory.CreateDirectory(empty);
        var img = t.Store.CommitLayer(empty, new ImageCommitSpec { BaseImageId = baseImg.Id, Comment = "nothing", Tags = [ImageReference.Parse("test/same:1")] },
            null, NullProgressSink.Instance, default);
        Assert.NotEqual(baseImg.Id, img.Id);
        Assert.Equal(baseImg.Layers, img.Layers);
        Assert.Equal(baseImg.DiffIds, img.DiffIds);
        Assert.True(img.History[^1].EmptyLayer);
        Assert.Equal("nothing", img.History[^1].Comment);
        // the base's execution config is kept when none is given
        Assert.Equal(baseImg.Config.Cmd, img.Config.Cmd);
        Assert.Equal(baseImg.Config.Env, img.Config.Env);
        Assert.Equal(baseImg.Config.Labels, img.Config.Labels);
    }

    [Fact]
    public void A_metadata_only_image_and_a_scratch_image()
    {
        using var t = new TempStore();
        string upper = Upper(t.Root);
        var scratch = t.Store.CommitLayer(upper, new ImageCommitSpec { Tags = [ImageReference.Parse("test/scratch:1")], Created = When },
            null, NullProgressSink.Instance, default);
        Assert.Single(scratch.Layers);
        Assert.Single(scratch.History);
        var m = ImageManifest.Parse(t.Store.GetManifest(scratch));
        Assert.Equal(MediaTypes.DockerManifest, m.MediaType);
        Assert.Equal(MediaTypes.DockerLayer, m.Layers[0].MediaType); // plain, in the Docker family
        Assert.Equal(scratch.DiffIds[0], m.Layers[0].Digest);
        Assert.Equal(Platform.Host.Architecture, scratch.Architecture);

        var meta = t.Store.AddImage(new ImageCommitSpec
        {
            BaseImageId = scratch.Id,
            Config = new ImageExecutionConfig { Labels = new Dictionary<string, string> { ["k"] = "v" } },
            CreatedBy = "LABEL k=v",
        }, null, NullProgressSink.Instance, default);
        Assert.Equal(scratch.Layers, meta.Layers);
        Assert.Equal(2, meta.History.Length);
        Assert.True(meta.History[1].EmptyLayer);
        Assert.Equal("v", meta.Config.Labels["k"]);
        Assert.True(meta.Dangling);
    }

    [Fact]
    public void A_missing_base_is_an_error_and_leaves_nothing_behind()
    {
        using var t = new TempStore();
        string upper = Upper(t.Root);
        var before = t.Store.EnumerateBlobs().ToHashSet();
        var ex = Assert.ThrowsAny<PscException>(() => t.Store.CommitLayer(upper,
            new ImageCommitSpec { BaseImageId = "sha256:" + new string('a', 64) }, null, NullProgressSink.Instance, default));
        Assert.Equal(ErrorIds.ImageNotFound, ex.ErrorId);
        Assert.Empty(t.Store.ListImages());
        Assert.Equal(before, t.Store.EnumerateBlobs().ToHashSet());
        Assert.Empty(Directory.EnumerateFileSystemEntries(t.Store.TmpDir).Where(e => !Path.GetFileName(e).StartsWith("pins-")));
    }

    [Fact]
    public void A_taken_upper_directory_becomes_the_layer_and_the_image_is_the_same_as_unpacked()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        ImageCommitSpec Spec(string tag) => new() { BaseImageId = baseImg.Id, CreatedBy = "RUN x", Created = When, Tags = [ImageReference.Parse(tag)] };
        // the same upper directory committed the usual way (unpacked from the blob) into a second store, and taken here
        var (t2, base2) = BaseImage();
        using var __ = t2;
        string upper = SameTimes(Upper(t.Root));
        string copy = SameTimes(Upper(t2.Root));
        var unpacked = t2.Store.CommitLayer(copy, Spec("test/unpacked:1"), null, NullProgressSink.Instance, default);
        var taken = t.Store.CommitLayer(upper, Spec("test/taken:1"), null, NullProgressSink.Instance, default, takeDirectory: true);

        Assert.False(Directory.Exists(upper));   // moved into the store
        Assert.True(Directory.Exists(copy));     // the usual commit leaves the directory to its owner
        Assert.Equal(unpacked.Id, taken.Id);
        Assert.Equal(unpacked.Layers, taken.Layers);
        Assert.Equal(unpacked.DiffIds, taken.DiffIds);
        Assert.Equal(unpacked.Size, taken.Size);
        string top = t.Store.GetLayerPaths(taken)[^1];
        var chain = "sha256:" + Path.GetFileName(Path.GetDirectoryName(top));
        Assert.Equal(t.Store.LayerDir(chain), Path.GetDirectoryName(top));
        var recTaken = t.Store.ReadLayerRecord(chain)!;
        var recUnpacked = t2.Store.ReadLayerRecord(chain)!;
        Assert.Equal((recUnpacked.DiffId, recUnpacked.Parent, recUnpacked.Size, recUnpacked.UncompressedBytes),
            (recTaken.DiffId, recTaken.Parent, recTaken.Size, recTaken.UncompressedBytes));
        using var topFd = SafeFd.OpenDirectory(top);
        var wh = Fs.Stat(topFd, "data/keep.txt"u8);
        Assert.True(wh.IsCharDevice && wh.RdevMajor == 0 && wh.RdevMinor == 0);
        Assert.Equal("added", File.ReadAllText(Path.Combine(top, "data/new.txt")));
        Assert.Equal("y"u8.ToArray(), Fs.GetXattr(topFd, "opaque"u8, "trusted.overlay.opaque"u8));
        // the layer directory is the one unpacking gives, file for file, time for time
        string other = t2.Store.GetLayerPaths(unpacked)[^1];
        foreach (var rel in new[] { "data", "data/new.txt", "opaque", "opaque/only.txt" })
        {
            var a = Fs.Stat(topFd, System.Text.Encoding.UTF8.GetBytes(rel));
            using var o = SafeFd.OpenDirectory(other);
            var b = Fs.Stat(o, System.Text.Encoding.UTF8.GetBytes(rel));
            Assert.Equal((rel, b.Mode, b.Uid, b.Gid, b.Mtime, b.Size), (rel, a.Mode, a.Uid, a.Gid, a.Mtime, a.Size));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(t.Store.TmpDir).Where(e => !Path.GetFileName(e).StartsWith("pins-")));
        // a layer the store already holds is not taken: the directory stays with its owner
        string again = SameTimes(Upper(t.Root));
        var same = t.Store.CommitLayer(again, Spec("test/taken:2"), null, NullProgressSink.Instance, default, takeDirectory: true);
        Assert.Equal(taken.Layers, same.Layers);
        Assert.True(Directory.Exists(again));
        Assert.Equal(top, t.Store.GetLayerPaths(same)[^1]);
    }

    /// <summary>
    /// Give every entry of an <see cref="Upper"/> tree one fixed modification time, so trees made a second apart have
    /// the same layer (the tar keeps whole-second times).
    /// </summary>
    private static string SameTimes(string upper)
    {
        foreach (var rel in new[] { "data/new.txt", "data/keep.txt", "opaque/only.txt", "data", "opaque" })
            File.SetLastWriteTimeUtc(Path.Combine(upper, rel), When);
        return upper;
    }

    [Fact]
    public void A_directory_that_cannot_be_taken_is_unpacked_from_the_blob_as_before()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        string upper = Upper(t.Root);
        // a file named like a whiteout: the layer spells it as one, so only unpacking gives the layer's tree
        File.WriteAllText(Path.Combine(upper, "data", ".wh.old.txt"), "");
        var img = t.Store.CommitLayer(upper, new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When }, null, NullProgressSink.Instance, default, takeDirectory: true);
        string top = t.Store.GetLayerPaths(img)[^1];
        using var topFd = SafeFd.OpenDirectory(top);
        var wh = Fs.Stat(topFd, "data/old.txt"u8);
        Assert.True(wh.IsCharDevice && wh.RdevMajor == 0 && wh.RdevMinor == 0);
        Assert.False(Fs.Exists(topFd, "data/.wh.old.txt"u8));
        Assert.Equal("added", File.ReadAllText(Path.Combine(top, "data/new.txt")));
    }

    [Fact]
    public void A_taken_uncompressed_layer_keeps_no_tar_until_read_then_gives_the_same_bytes_as_a_written_one()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        var (t2, base2) = BaseImage();
        using var __ = t2;
        ImageCommitSpec Spec(string tag) => new() { BaseImageId = baseImg.Id, CreatedBy = "RUN x", Created = When, Tags = [ImageReference.Parse(tag)] };
        var written = t2.Store.CommitLayer(SameTimes(Upper(t2.Root)), Spec("test/written:1"), null, NullProgressSink.Instance, default);
        var kept = t.Store.CommitLayer(SameTimes(Upper(t.Root)), Spec("test/kept:1"), null, NullProgressSink.Instance, default, takeDirectory: true);
        string layer = kept.Layers[^1];
        Assert.Equal(written.Layers, kept.Layers);

        // no tar on disk: a marker, counted once among the blobs, with the descriptor's size
        Assert.True(t.Store.IsLayerBlob(layer));
        Assert.False(File.Exists(Path.Combine(t.Store.BlobsDir, Digest.Hex(layer))));
        Assert.True(t.Store.HasBlob(layer));
        Assert.Single(t.Store.EnumerateBlobs(), b => b == layer);
        Assert.Equal(t2.Store.GetBlobSize(layer), t.Store.GetBlobSize(layer));
        Assert.True(t.Store.VerifyBlob(layer));
        Assert.Empty(StorageChecker.Check(t.Store, repair: false, NullProgressSink.Instance, default).Where(p => p.Severity != "Warning"));

        // read: the tar is written again from the layer directory, byte for byte what the usual commit stored
        Assert.Equal(t2.Store.ReadBlob(layer), t.Store.ReadBlob(layer));
        Assert.False(t.Store.IsLayerBlob(layer));
        Assert.Equal(layer, Digest.OfFile(t.Store.GetBlobPath(layer)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(t.Store.TmpDir).Where(e => !Path.GetFileName(e).StartsWith("pins-")));

        // removing the image removes the file and the marker
        t.Store.Remove("test/kept:1", force: false);
        Assert.False(t.Store.HasBlob(layer));
        Assert.Empty(Directory.EnumerateFiles(t.Store.BlobsDir, Digest.Hex(layer) + "*"));
    }

    [Fact]
    public void A_layer_blob_whose_directory_changed_is_corrupt_and_never_read_as_something_else()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        var kept = t.Store.CommitLayer(Upper(t.Root), new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When, Tags = [ImageReference.Parse("test/kept:1")] },
            null, NullProgressSink.Instance, default, takeDirectory: true);
        string layer = kept.Layers[^1];
        Assert.True(t.Store.IsLayerBlob(layer));
        File.AppendAllText(Path.Combine(t.Store.GetLayerPaths(kept)[^1], "data", "new.txt"), " and changed");

        Assert.False(t.Store.VerifyBlob(layer));
        var ex = Assert.Throws<PscException>(() => t.Store.ReadBlob(layer));
        Assert.Equal(ErrorIds.MissingBlob, ex.ErrorId);
        Assert.False(File.Exists(Path.Combine(t.Store.BlobsDir, Digest.Hex(layer))));
        Assert.Contains(StorageChecker.Check(t.Store, repair: false, NullProgressSink.Instance, default), p => p.Kind == "CorruptBlob" && p.Target == layer && p.ImageId == kept.Id && p.Message.Contains(Digest.Short(kept.Id)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_export_of_an_image_whose_layer_blob_was_removed_by_hand_is_a_MissingBlob_with_the_repair_remedy(bool marker)
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        var img = t.Store.CommitLayer(Upper(t.Root), new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When, Tags = [ImageReference.Parse("test/gone:1")] },
            null, NullProgressSink.Instance, default, takeDirectory: marker);
        string layer = img.Layers[^1];
        Assert.Equal(marker, t.Store.IsLayerBlob(layer));
        // the marker of a layer kept as its directory, or the blob file of a written one, deleted outside the engine
        foreach (var f in Directory.EnumerateFiles(t.Store.BlobsDir, Digest.Hex(layer) + "*")) File.Delete(f);
        string archive = Path.Combine(t.Root, "gone.tar");

        var ex = Assert.Throws<PscException>(() => ImageArchive.Export(t.Store, [new ImageArchive.ExportItem(img, [ImageReference.Parse("test/gone:1")])],
            archive, ImageArchiveFormat.DockerArchive, NullProgressSink.Instance, default));
        Assert.Equal(ErrorIds.MissingBlob, ex.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidData, ex.Category);
        Assert.Equal(Remedy.RepairStorage, ex.Remedy);
        Assert.Equal(layer, ex.Target);
        Assert.False(File.Exists(archive));
        // an unknown blob read directly is still BlobNotFound
        Assert.Equal(ErrorIds.BlobNotFound, Assert.ThrowsAny<PscException>(() => t.Store.OpenBlob(layer)).ErrorId);
    }

    [Fact]
    public void A_compressed_or_kept_commit_writes_its_tar_as_before()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        var gz = t.Store.CommitLayer(Upper(t.Root), new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When }, new LayerDiffOptions { Compression = LayerCompression.Gzip },
            NullProgressSink.Instance, default, takeDirectory: true);
        Assert.True(File.Exists(Path.Combine(t.Store.BlobsDir, Digest.Hex(gz.Layers[^1]))));
        string upper = Upper(t.Root);
        var plain = t.Store.CommitLayer(upper, new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When.AddDays(1) }, null, NullProgressSink.Instance, default);
        Assert.True(Directory.Exists(upper));
        Assert.False(t.Store.IsLayerBlob(plain.Layers[^1]));
        Assert.True(File.Exists(Path.Combine(t.Store.BlobsDir, Digest.Hex(plain.Layers[^1]))));
    }

    [Fact]
    public void A_changed_layer_directory_is_a_CorruptLayer_of_its_images_even_when_another_chain_gives_the_blob_back()
    {
        var (t, baseImg) = BaseImage();
        using var _ = t;
        // the same changes on the base and on nothing: one diff_id, two chains, two directories
        var onBase = t.Store.CommitLayer(SameTimes(Upper(t.Root)), new ImageCommitSpec { BaseImageId = baseImg.Id, Created = When, Tags = [ImageReference.Parse("test/on-base:1")] },
            null, NullProgressSink.Instance, default, takeDirectory: true);
        var alone = t.Store.CommitLayer(SameTimes(Upper(t.Root)), new ImageCommitSpec { Created = When, Tags = [ImageReference.Parse("test/alone:1")] },
            null, NullProgressSink.Instance, default, takeDirectory: true);
        string layer = onBase.Layers[^1];
        Assert.Equal(layer, alone.Layers[^1]);
        Assert.True(t.Store.IsLayerBlob(layer));
        Assert.Empty(StorageChecker.Check(t.Store, repair: false, NullProgressSink.Instance, default).Where(p => p.Severity != "Warning"));

        File.AppendAllText(Path.Combine(t.Store.GetLayerPaths(onBase)[^1], "data", "new.txt"), " and changed");
        var problems = StorageChecker.Check(t.Store, repair: false, NullProgressSink.Instance, default).Where(p => p.Severity != "Warning").ToList();
        var p = Assert.Single(problems);
        Assert.Equal(("CorruptLayer", onBase.Id), (p.Kind, p.ImageId));
        Assert.True(t.Store.VerifyBlob(layer)); // the other chain still gives the blob
        // repaired: the damaged image goes, the sound one stays and still gives its blob
        StorageChecker.Check(t.Store, repair: true, NullProgressSink.Instance, default);
        Assert.Null(t.Store.FindImage("test/on-base:1"));
        Assert.NotNull(t.Store.FindImage("test/alone:1"));
        Assert.Equal(layer, Digest.Of(t.Store.ReadBlob(layer)));
    }
}
