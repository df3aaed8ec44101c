using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

public class ImageStoreTests
{
    [Fact]
    public void PutBlob_verifies_digest_and_size()
    {
        using var t = new TempStore();
        var data = "hello"u8.ToArray();
        string d = t.Store.PutBlob(data);
        Assert.Equal(Digest.Of(data), d);
        Assert.True(t.Store.HasBlob(d));
        using (var s = t.Store.OpenBlob(d)) Assert.Equal(5, s.Length);

        var wrong = Digest.Of("other"u8);
        var ex = Assert.Throws<PscException>(() => t.Store.PutBlob(new MemoryStream(data), wrong, -1, default));
        Assert.Equal("DigestMismatch", ex.ErrorId);
        Assert.False(t.Store.HasBlob(wrong));
        var ex2 = Assert.Throws<PscException>(() => t.Store.PutBlob(new MemoryStream("abcdef"u8.ToArray()), null, 3, default));
        Assert.Equal("SizeMismatch", ex2.ErrorId);
        // nothing left behind in tmp
        Assert.Empty(Directory.EnumerateFileSystemEntries(t.Store.TmpDir).Where(e => !Path.GetFileName(e).StartsWith("pins-")));
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void CommitImage_unpacks_layers_in_overlay_form(LayerCompression c)
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers(), c);
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/three:v1")], NullProgressSink.Instance, default);
        Assert.Equal(b.ConfigDigest, img.Id);
        Assert.Equal("test/three", img.Repository);
        Assert.Equal("v1", img.Tag);
        Assert.Equal(["test/three:v1"], img.RepoTags);
        Assert.Equal(b.ManifestDigest, img.Digest);
        Assert.Equal(["sh"], img.Config.Cmd);
        Assert.Equal(["80/tcp"], img.Config.ExposedPorts.Keys);
        Assert.Equal(["/data"], img.Config.Volumes);
        Assert.Equal("amd64", img.Architecture);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), img.Created);

        var paths = t.Store.GetLayerPaths(img);
        Assert.Equal(3, paths.Count);
        var chains = ImageStore.ComputeChainIds(b.DiffIds);
        Assert.EndsWith(Digest.Hex(chains[0]) + "/diff", paths[0]);
        Assert.True(File.Exists(Path.Combine(paths[0], "bin/hello")));
        Assert.Equal("/bin/hello", new FileInfo(Path.Combine(paths[0], "bin/sh")).LinkTarget);
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(paths[2], "data/deleted.txt"), out var wh));
        Assert.True(wh.IsCharDevice);
        Assert.Equal(0u, wh.Major);
        Assert.Equal(0u, wh.Minor);
        Assert.False(File.Exists(Path.Combine(paths[2], "data/.wh.deleted.txt")));
        var x = LinuxSyscalls.Instance.Lgetxattrs(Path.Combine(paths[2], "opaque"));
        Assert.Equal("y"u8.ToArray(), x["trusted.overlay.opaque"]);
        Assert.False(File.Exists(Path.Combine(paths[2], "opaque/.wh..wh..opq")));

        Assert.NotNull(t.Store.FindImage("test/three:v1"));
        Assert.NotNull(t.Store.FindImage("docker.io/test/three:v1"));
        Assert.NotNull(t.Store.FindImage(img.Id));
        Assert.NotNull(t.Store.FindImage(img.Id[7..]));
        Assert.NotNull(t.Store.FindImage(img.Id[7..12]));
        Assert.NotNull(t.Store.FindImage("test/three@" + b.ManifestDigest));
        Assert.Null(t.Store.FindImage("test/three"));
        Assert.Single(t.Store.ListImages());
    }

    [Theory]
    [InlineData("localhost/x:1", "docker.io/library/x:1")]
    [InlineData("localhost/team/x:1", "docker.io/team/x:1")]
    [InlineData("x:1", "localhost/x:1")]
    [InlineData("x", "localhost/x:latest")]
    [InlineData("team/x:2", "localhost/team/x:2")]
    [InlineData("library/x:2", "localhost/x:2")]
    [InlineData("docker.io/library/x:1", null)]   // a registry named: no other spelling
    [InlineData("quay.io/x:1", null)]
    [InlineData("localhost:5000/x:1", null)]      // a registry on localhost is a registry
    [InlineData("x@sha256:0000000000000000000000000000000000000000000000000000000000000000", null)]
    public void A_local_name_has_podmans_other_spelling(string text, string? counterpart) =>
        Assert.Equal(counterpart, ImageReference.Parse(text).LocalCounterpart?.ToString());

    [Fact]
    public void A_local_image_is_found_as_podman_spells_it_and_a_pulled_one_is_not()
    {
        using var t = new TempStore();
        var b = TestImages.PutImage(t.Store, TestImages.ThreeLayers(), LayerCompression.None);
        var img = t.Store.CommitImage(b.ManifestDigest, [ImageReference.Parse("x:1")], NullProgressSink.Instance, default);
        Assert.Equal(img.Id, t.Store.FindImage("localhost/x:1")?.Id);
        Assert.Equal("x", t.Store.FindImage("localhost/x:1")!.Repository); // the stored name is shown
        Assert.Equal(img.Id, t.Store.FindImage("x:1")?.Id);
        Assert.Null(t.Store.FindImage("localhost/x:2"));
        Assert.Null(t.Store.FindImage("localhost/x"));
        Assert.Null(t.Store.FindImage("quay.io/x:1"));
        Assert.Null(t.Store.FindImage("localhost:5000/x:1"));

        // tagged the podman way, found by the short name too
        t.Store.Tag(img, ImageReference.Parse("localhost/y:2"));
        Assert.Equal(img.Id, t.Store.FindImage("y:2")?.Id);
        Assert.Equal("localhost/y", t.Store.FindImage("y:2")!.Repository);
        Assert.Null(t.Store.FindImage("docker.io/library/y:2")); // a full docker.io name means docker.io's

        // removing by the other spelling untags the stored name, and only it
        var removed = t.Store.Remove("localhost/x:1", force: false);
        Assert.Equal(["x:1"], removed.Untagged);
        Assert.Empty(removed.Deleted);
        Assert.Null(t.Store.FindImage("x:1"));
        Assert.Equal(img.Id, t.Store.FindImage("localhost/y:2")?.Id);

        // a name pulled from docker.io (the image has a repo digest of it) is not a local name
        var b2 = TestImages.PutImage(t.Store, TestImages.ThreeLayers(), LayerCompression.Gzip);
        var pulled = t.Store.CommitImage(b2.ManifestDigest, [ImageReference.Parse("p:1").WithDigest(b2.ManifestDigest), ImageReference.Parse("p:1")], NullProgressSink.Instance, default);
        Assert.Equal(pulled.Id, t.Store.FindImage("p:1")?.Id);
        Assert.Null(t.Store.FindImage("localhost/p:1"));
    }

    [Fact]
    public void ChainIds_follow_the_oci_definition()
    {
        string a = Digest.Of("a"u8), b = Digest.Of("b"u8);
        var chains = ImageStore.ComputeChainIds([a, b]);
        Assert.Equal(a, chains[0]);
        Assert.Equal(Digest.Of(System.Text.Encoding.ASCII.GetBytes(a + " " + b)), chains[1]);
    }
}

public class HumanFormatTests
{
    [Theory]
    [InlineData(0, "0B")]
    [InlineData(999, "999B")]
    [InlineData(1982532, "1.98MB")]
    [InlineData(123_400_000, "123MB")]
    [InlineData(4_300_000_000, "4.3GB")]
    public void Sizes_read_like_docker(long bytes, string text) => Assert.Equal(text, HumanFormat.Size(bytes));

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1023, "1023B")]
    [InlineData(438272, "428KiB")]
    [InlineData(1572864, "1.5MiB")]
    [InlineData(13107200, "12.5MiB")]
    [InlineData(8284000000, "7.715GiB")]
    [InlineData(1L << 40, "1TiB")]
    public void BytesSize_is_docker_s_units_BytesSize(long bytes, string text) => Assert.Equal(text, HumanFormat.BytesSize(bytes));

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(648, "648B")]
    [InlineData(1000, "1kB")]
    [InlineData(1234, "1.23kB")]
    [InlineData(1572864, "1.57MB")]
    [InlineData(123456789, "123MB")]
    [InlineData(999999, "1e+03kB")]
    public void HumanSize_is_docker_s_HumanSizeWithPrecision_3(long bytes, string text) => Assert.Equal(text, HumanFormat.HumanSize(bytes));

    [Theory]
    [InlineData(0, "0.00%")]
    [InlineData(12.345, "12.35%")]
    [InlineData(1234.5, "1234.50%")]
    [InlineData(double.NaN, "--")]
    public void Percent_is_docker_stats_two_decimals(double percent, string text) => Assert.Equal(text, HumanFormat.Percent(percent));

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("ar-SA")]
    public void Sizes_and_percents_write_a_point_in_every_culture(string culture)
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(culture);
        try
        {
            Assert.Equal("1.98MB", HumanFormat.Size(1982532));
            Assert.Equal("1.5MiB", HumanFormat.BytesSize(1572864));
            Assert.Equal("1.23kB", HumanFormat.HumanSize(1234));
            Assert.Equal("1e+03kB", HumanFormat.HumanSize(999999));
            Assert.Equal("1234.50%", HumanFormat.Percent(1234.5));
            Assert.Equal("1.5", HumanFormat.Fixed(1.5, 1));
            Assert.Equal("1234567.0", HumanFormat.Fixed(1234567, 1)); // no group separator
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = before; }
    }

    [Theory]
    [InlineData(30, "30 seconds ago")]
    [InlineData(60 * 5, "5 minutes ago")]
    [InlineData(3600 + 60, "About an hour ago")]
    [InlineData(3600 * 5, "5 hours ago")]
    [InlineData(86400 * 3, "3 days ago")]
    [InlineData(86400 * 21, "3 weeks ago")]
    [InlineData(86400 * 400, "13 months ago")]
    [InlineData(86400 * 800, "2 years ago")]
    public void Ages_read_like_docker(int seconds, string text)
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(text, HumanFormat.Ago(now.AddSeconds(-seconds), now));
    }

    [Fact]
    public void The_CREATED_column_of_the_image_table_never_needs_more_than_its_14_characters()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal("< 1 second ago", HumanFormat.Column(HumanFormat.Ago(now.AddMilliseconds(-300), now)));
        Assert.Equal("1 hour ago", HumanFormat.Column(HumanFormat.Ago(now.AddMinutes(-61), now)));
        Assert.Equal("30 seconds ago", HumanFormat.Column(HumanFormat.Ago(now.AddSeconds(-30), now)));
        // every age from a second to 200 years, in steps that meet each unit's longest text
        for (double s = 0.5; s < 86400.0 * 365 * 200; s = s < 120 ? s + 1 : s < 7200 ? s + 60 : s < 86400 * 60 ? s + 3600 : s + 86400 * 7)
            Assert.InRange(HumanFormat.Column(HumanFormat.Ago(now.AddSeconds(-s), now)).Length, 1, 14);
        Assert.Equal("N/A", HumanFormat.AgoColumn(null));
    }
}
