using System.Text;
using PsContainers.Core.Images;
using PsContainers.Core.Util;
using PsContainers.FileSystem;
using PsContainers.Core.Tests.Archive;
using PsContainers.Core.Tests.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.Images;

/// <summary>
/// Red-team layers against <see cref="LayerExtractor"/>: every layer is unpacked inside a private mount namespace
/// (<see cref="PrivateMountNamespace"/>: every machine mount read-only, scratch /run /tmp /dev /proc) into a scratch
/// root, with the sentinel trees of <see cref="HostileCorpus"/> compared before and after. Each layer runs with both
/// resolvers (openat2 and the component walker) and under a time limit (a hang is a failure).
/// </summary>
public sealed class LayerExtractorRedTeamTests
{
    private const string Root = PrivateMountNamespace.Scratch + "/root";

    /// <summary>Unpack <paramref name="tar"/> in the namespace; returns the PscException (or null) and runs <paramref name="check"/> on the result, then checks the sentinels.</summary>
    private static void Attack(byte[] tar, bool fallback, Action<PscException?> check, int seconds = 60, Action<LayerUnpackResult>? result = null)
    {
        var task = Task.Run(() => PrivateMountNamespace.Run(() =>
        {
            FsFeatures.ForceFallbackOnThisThread = fallback;
            CreateSentinels();
            var before = Snapshot();
            Directory.CreateDirectory(Root);
            PscException? err = null;
            try { var r = LayerExtractor.Unpack(new MemoryStream(tar), Root); result?.Invoke(r); }
            catch (PscException e) { err = e; }
            AssertUnchanged(before);
            // nothing next to the root either
            Assert.Equal(new[] { Root }, Directory.GetFileSystemEntries(PrivateMountNamespace.Scratch));
            check(err);
        }));
        Assert.True(task.Wait(TimeSpan.FromSeconds(seconds)), $"the unpack did not finish within {seconds}s");
        task.GetAwaiter().GetResult();
    }

    private static string R(string rel) => Root + "/" + rel;
    private static bool IsLink(string p) => LinuxSyscalls.Instance.Lstat(p, out var st) == 0 && st.IsSymlink;
    private static bool IsDir(string p) => LinuxSyscalls.Instance.Lstat(p, out var st) == 0 && st.IsDirectory;
    private static bool IsFile(string p) => LinuxSyscalls.Instance.Lstat(p, out var st) == 0 && st.IsRegular;

    // ------------------------------------------------------------------ 1. a directory replaced by a symlink between entries

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_DirectoryReplacedBySymlinkBetweenEntries_WritesStayInside(bool fallback) =>
        Attack(TestImages.Tar(
            TarItem.Dir("a/"), TarItem.File("a/keep", "k"),
            TarItem.Symlink("a", "/run/sentinel"), TarItem.File("a/x", "x1"), TarItem.File("a/f1", "overwritten?"),
            TarItem.Dir("b/"),
            TarItem.Symlink("b", "../../.."), TarItem.File("b/run/sentinel/d/f2", "x2"),
            TarItem.Dir("c/"),
            TarItem.Symlink("c", "/etc"), TarItem.File("c/passwd", "root::0:0::/:/bin/sh\n"),
            TarItem.Dir("c/"), TarItem.File("c/y", "y")), // and back to a directory
            fallback, err =>
        {
            Assert.Null(err);
            Assert.True(IsLink(R("a")));
            Assert.Equal("x1", File.ReadAllText(R("run/sentinel/x")));
            Assert.Equal("overwritten?", File.ReadAllText(R("run/sentinel/f1")));
            Assert.True(IsLink(R("b")));
            Assert.Equal("x2", File.ReadAllText(R("run/sentinel/d/f2")));
            Assert.True(IsDir(R("c")));
            Assert.Equal("y", File.ReadAllText(R("c/y")));
            Assert.Equal("root::0:0::/:/bin/sh\n", File.ReadAllText(R("etc/passwd")));
        });

    // ------------------------------------------------------------------ 2. a hard link to a symlink pointing out, then written

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_HardlinkToOutwardSymlinkThenWritten_NeverWritesThroughIt(bool fallback) =>
        Attack(TestImages.Tar(
            TarItem.Symlink("s", "/run/sentinel/f1"),
            TarItem.Hardlink("h", "s"),
            TarItem.File("h", "replaced"),
            TarItem.Symlink("sd", "/run/sentinel/d"),
            TarItem.Hardlink("hd", "sd"),
            TarItem.File("hd/f2", "through-hd"),
            TarItem.Symlink("up", "../../../../run/sentinel"),
            TarItem.Hardlink("hup", "up"),
            TarItem.Hardlink("hup2", "hup"),
            TarItem.File("hup2/f1", "through-hup2")), fallback, err =>
        {
            Assert.Null(err);
            Assert.True(IsLink(R("s")));
            Assert.Equal("/run/sentinel/f1", new FileInfo(R("s")).LinkTarget);
            Assert.True(IsFile(R("h")));
            Assert.Equal("replaced", File.ReadAllText(R("h")));
            Assert.True(IsLink(R("hd")));
            Assert.Equal("through-hd", File.ReadAllText(R("run/sentinel/d/f2")));
            Assert.True(IsLink(R("hup2")));
            Assert.Equal("through-hup2", File.ReadAllText(R("run/sentinel/f1")));
        });

    // ------------------------------------------------------------------ 3. whiteouts and opaque markers through a symlinked directory

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_WhiteoutAndOpaqueThroughSymlinkedDirectory_StayInside(bool fallback) =>
        Attack(TestImages.Tar(
            TarItem.Symlink("l", "/run/sentinel"),
            TarItem.File("l/.wh.f1", ""),
            TarItem.File("l/.wh..wh..opq", ""),
            TarItem.File("l/d/.wh.f2", ""),
            TarItem.Symlink("e", "/etc"),
            TarItem.File("e/.wh.passwd", ""),
            TarItem.Symlink("u", "../../../../.."),
            TarItem.File("u/.wh..wh..opq", ""),
            TarItem.File("u/tmp/sentinel/.wh.f4", "")), fallback, err =>
        {
            Assert.Null(err);
            Assert.True(IsLink(R("l")));
            foreach (var w in new[] { "run/sentinel/f1", "run/sentinel/d/f2", "etc/passwd", "tmp/sentinel/f4" })
            {
                Assert.Equal(0, LinuxSyscalls.Instance.Lstat(R(w), out var st));
                Assert.True(st.IsCharDevice, w);
            }
            Assert.Equal("y"u8.ToArray(), LinuxSyscalls.Instance.Lgetxattrs(R("run/sentinel"))["trusted.overlay.opaque"]);
            Assert.Equal("y"u8.ToArray(), LinuxSyscalls.Instance.Lgetxattrs(Root)["trusted.overlay.opaque"]);
        });

    // ------------------------------------------------------------------ 4. 300 symlinks with ".." (over the 255-hop limit)

    private static TarItem[] Chain(int n, string final, string entry)
    {
        var items = new List<TarItem> { TarItem.Dir("d/") };
        for (int i = 0; i < n - 1; i++) items.Add(TarItem.Symlink($"l{i}", $"d/../l{i + 1}"));
        items.Add(TarItem.Symlink($"l{n - 1}", final));
        items.Add(TarItem.File(entry, "end"));
        return items.ToArray();
    }

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_ChainOf300SymlinksWithDotDot_IsALayerSymlinkLoop(bool fallback) =>
        Attack(TestImages.Tar(Chain(300, "../../../../run/sentinel", "l0/x")), fallback, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("LayerSymlinkLoop", err!.ErrorId);
            Assert.Equal(PscErrorCategory.InvalidData, err.Category);
            Assert.Contains("l0/x", err.Message);
            Assert.False(File.Exists(R("run/sentinel/x")));
        });

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_ChainOf250SymlinksWithDotDot_ResolvesInsideTheRoot(bool fallback) =>
        Attack(TestImages.Tar(Chain(250, "../../../../run/sentinel", "l0/x")), fallback, err =>
        {
            Assert.Null(err);
            Assert.Equal("end", File.ReadAllText(R("run/sentinel/x")));
        });

    /// <summary>A hard link (and a whiteout) reached through an over-long chain: the same clear error, not a raw ELOOP.</summary>
    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_HardlinkTargetThroughChainOf300_IsALayerSymlinkLoop(bool fallback)
    {
        var items = Chain(300, "/run/sentinel", "l0/x").ToList();
        items.RemoveAt(items.Count - 1);
        items.Add(TarItem.File("f", "f"));
        items.Add(TarItem.Hardlink("h", "l0/f1"));
        Attack(TestImages.Tar(items.ToArray()), fallback, err =>
        {
            Assert.NotNull(err);
            Assert.True(err!.ErrorId is "LayerSymlinkLoop" or "HardlinkTargetMissing", err.ErrorId + ": " + err.Message);
        });
    }

    // ------------------------------------------------------------------ 5. tar oddities (archives built byte by byte)

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);


    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_DotAndSlashNames_TouchOnlyTheRoot(bool fallback) =>
        Attack(RawTar.RootOwned()
            .Entry(".", (byte)'5', mode: 0x1c0)
            .Entry("./", (byte)'5', mode: 0x1e8)
            .Entry("//", (byte)'5', mode: 0x1ed)
            .File(".", B("a file named dot"))       // dropped (the root is a directory)
            .File("//", B("a file named slash-slash"))
            .Entry("/.", (byte)'2', "/run/sentinel") // a symlink named "/.": dropped
            .Entry("./", (byte)'1', "x")            // a hard link named "./": dropped
            .File("after", B("still read"))
            .End().Bytes, fallback, err =>
        {
            Assert.Null(err);
            Assert.True(IsDir(Root));
            Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Root, out var st));
            Assert.Equal(0x1edu, st.Mode & 0xfff);
            Assert.Equal("still read", File.ReadAllText(R("after")));
            Assert.Equal(new[] { "after" }, Directory.GetFileSystemEntries(Root).Select(Path.GetFileName));
        });

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_SymlinkEntryWithTrailingSlash_IsALinkAndWritesThroughItStayInside(bool fallback) =>
        Attack(RawTar.RootOwned()
            .Entry("s/", (byte)'2', "/run/sentinel/")
            .File("s/f1", B("via-s"))
            .Entry("t//", (byte)'2', "../../../run/sentinel/d")
            .File("t/f2", B("via-t"))
            .End().Bytes, fallback, err =>
        {
            Assert.Null(err);
            Assert.True(IsLink(R("s")));
            Assert.True(IsLink(R("t")));
            Assert.Equal("via-s", File.ReadAllText(R("run/sentinel/f1")));
            Assert.Equal("via-t", File.ReadAllText(R("run/sentinel/d/f2")));
        });

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_PaxPathAndGnuLongName_OneWinsAndStaysInside(bool fallback) =>
        Attack(RawTar.RootOwned()
            .LongName("gnu-first")
            .Pax(("path", B("pax-second")))
            .File("short1", B("1"))
            .Pax(("path", B("pax-first")))
            .LongName("gnu-second")
            .File("short2", B("2"))
            .LongName("/run/sentinel/f1")
            .Pax(("path", B("/run/sentinel/d/f2")))
            .File("short3", B("3"))
            .End().Bytes, fallback, err =>
        {
            Assert.Null(err);
            // pax wins over a GNU long name in either order (GNU tar and Go agree)
            Assert.Equal("1", File.ReadAllText(R("pax-second")));
            Assert.Equal("2", File.ReadAllText(R("pax-first")));
            Assert.Equal("3", File.ReadAllText(R("run/sentinel/d/f2")));
            Assert.False(File.Exists(R("gnu-first")) || File.Exists(R("gnu-second")) || File.Exists(R("short1")) || File.Exists(R("short2")));
        });

    [Theory]
    [InlineData("a/../../escape", false)]
    [InlineData("/../run/sentinel/f1", false)]
    [InlineData("../../../../../../run/sentinel/f1", true)]
    public void RedTeam_PaxPathWithDotDot_IsLayerPathEscapes(string path, bool fallback) =>
        Attack(RawTar.RootOwned().Pax(("path", B(path))).File("innocent", B("x")).End().Bytes, fallback, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("LayerPathEscapes", err!.ErrorId);
        });

    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_PaxLinkpathWithDotDot_SymlinkKeptHardlinkRefused(bool fallback)
    {
        Attack(RawTar.RootOwned().Pax(("linkpath", B("../../../../run/sentinel"))).Entry("sym", (byte)'2', "x")
            .File("sym/f1", B("via-pax-linkpath")).End().Bytes, fallback, err =>
        {
            Assert.Null(err);
            Assert.Equal("via-pax-linkpath", File.ReadAllText(R("run/sentinel/f1")));
        });
        Attack(RawTar.RootOwned().Pax(("linkpath", B("../../../../run/sentinel/f1"))).Entry("hard", (byte)'1', "x").End().Bytes, fallback, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("LayerPathEscapes", err!.ErrorId);
        });
    }

    public static TheoryData<string> LyingSparse => new()
    {
        "offset-beyond-size", "overlapping", "data-beyond-realsize", "map-short-of-data", "negative-numbytes",
    };

    [Theory, MemberData(nameof(LyingSparse))]
    public void RedTeam_SparseMapsThatLie_AreInvalidLayer(string kind)
    {
        var raw = RawTar.RootOwned();
        switch (kind)
        {
            case "offset-beyond-size": raw.Pax(("GNU.sparse.size", B("10")), ("GNU.sparse.map", B("100,5"))).File("s", B("12345")); break;
            case "overlapping": raw.Pax(("GNU.sparse.size", B("100")), ("GNU.sparse.map", B("0,5,3,5"))).File("s", B("1234512345")); break;
            case "data-beyond-realsize": raw.Pax(("GNU.sparse.size", B("4")), ("GNU.sparse.map", B("0,5"))).File("s", B("12345")); break;
            case "map-short-of-data": raw.Pax(("GNU.sparse.size", B("100")), ("GNU.sparse.map", B("0,2"))).File("s", B("12345")); break;
            case "negative-numbytes": raw.Pax(("GNU.sparse.size", B("100")), ("GNU.sparse.map", B("0,-5"))).File("s", B("12345")); break;
        }
        Attack(raw.File("after", B("a")).End().Bytes, false, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("InvalidLayer", err!.ErrorId);
        });
    }

    /// <summary>
    /// A sparse entry that claims an enormous real size with almost no data. The extractor sets the file length to the
    /// claimed size: a 5-byte layer makes an 8 EiB (apparent) file in the layer, which every later reader (export, copy,
    /// commit, disk usage) then has to deal with. At the least the result must be reported sanely (no negative or wrapped size).
    /// </summary>
    [Fact]
    public void RedTeam_SparseEntryWithRealsizeNearLongMax_DoesNotWrapTheLayerSize()
    {
        long real = long.MaxValue - 10;
        var tar = RawTar.RootOwned()
            .Pax(("GNU.sparse.size", B(real.ToString())), ("GNU.sparse.map", B("0,5")))
            .File("bomb1", B("12345"))
            .Pax(("GNU.sparse.size", B(real.ToString())), ("GNU.sparse.map", B("0,5")))
            .File("bomb2", B("12345"))
            .End().Bytes;
        long size = 0;
        Attack(tar, false, err =>
        {
            if (err is not null) Assert.Equal("InvalidLayer", err.ErrorId);
        }, result: r => size = r.Size);
        Assert.True(size >= 0, $"the layer size wrapped to {size}");
    }

    [Fact]
    public void RedTeam_SizeOfLongMax_IsInvalidLayerAndDoesNotHang() =>
        Attack(RawTar.RootOwned()
            .Add(RawTar.Header(B("huge"), (byte)'0', 0, magic: "ustar  \0", tweak: h => RawTar.B256(h, 124, 12, long.MaxValue), uid: 0, gid: 0, uname: "", gname: ""))
            .Add(new byte[4096]).End().Bytes, false, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("InvalidLayer", err!.ErrorId);
            Assert.Contains("cut short", err.Message);
        }, seconds: 30);

    [Fact]
    public void RedTeam_NegativeBase256Size_IsInvalidLayer() =>
        Attack(RawTar.RootOwned()
            .Add(RawTar.Header(B("neg"), (byte)'0', 0, magic: "ustar  \0", tweak: h => RawTar.B256(h, 124, 12, -512), uid: 0, gid: 0, uname: "", gname: ""))
            .File("after", B("a")).End().Bytes, false, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("InvalidLayer", err!.ErrorId);
        });

    [Fact]
    public void RedTeam_PaxSizeOfLongMax_IsInvalidLayerAndDoesNotHang() =>
        Attack(RawTar.RootOwned().Pax(("size", B(long.MaxValue.ToString()))).File("huge", B("abc")).End().Bytes, false, err =>
        {
            Assert.NotNull(err);
            Assert.Equal("InvalidLayer", err!.ErrorId);
        }, seconds: 30);

    /// <summary>A pax size smaller than the data: pax wins (the rest of the data is skipped only up to the next block) - within one block that is clean.</summary>
    [Fact]
    public void RedTeam_PaxSizeSmallerThanData_WithinOneBlock_PaxWins() =>
        Attack(RawTar.RootOwned().Pax(("size", B("2"))).File("short", B("abcdefghij")).File("after", B("a")).End().Bytes, false, err =>
        {
            Assert.Null(err);
            Assert.Equal("ab", File.ReadAllText(R("short")));
            Assert.Equal("a", File.ReadAllText(R("after")));
        });

    /// <summary>
    /// A pax size smaller than the data, the data hiding a tar header: the smuggled entry is unpacked (as GNU tar and Go
    /// would), inside the root. A reader that ignores pax would see a different tree: a parser differential, not an escape.
    /// </summary>
    [Theory, InlineData(false), InlineData(true)]
    public void RedTeam_PaxSizeSmallerThanData_SmuggledHeaderStaysInside(bool fallback)
    {
        var hidden = RawTar.RootOwned().Entry("smuggled", (byte)'2', "/run/sentinel").File("smuggled/f1", B("smuggled")).Bytes;
        var data = new byte[512 + hidden.Length];
        B("visible").CopyTo(data, 0);
        hidden.CopyTo(data, 512);
        Attack(RawTar.RootOwned().Pax(("size", B("7"))).File("carrier", data).End().Bytes, fallback, err =>
        {
            Assert.Null(err);
            Assert.Equal("visible", File.ReadAllText(R("carrier")));
            Assert.Equal("smuggled", File.ReadAllText(R("run/sentinel/f1")));
        });
    }

    /// <summary>
    /// A layer bigger than the file system it is unpacked to (a 1 MiB tmpfs): a clear LayerWriteFailed naming the entry,
    /// not a bare IOException from the file stream.
    /// </summary>
    [Fact]
    public void RedTeam_DiskFullWhileUnpacking_IsLayerWriteFailedNamingTheEntry()
    {
        var tar = TestImages.Tar(new TarItem("big-file", Bytes: new byte[3 << 20]));
        var task = Task.Run(() => PrivateMountNamespace.Run(() =>
        {
            Directory.CreateDirectory(Root);
            PrivateMountNamespace.Mount("tmpfs", Root, "tmpfs", 0, "mode=0755,size=1m");
            var e = Assert.ThrowsAny<Exception>(() => LayerExtractor.Unpack(new MemoryStream(tar), Root));
            var p = Assert.IsType<PscException>(e);
            Assert.Equal("LayerWriteFailed", p.ErrorId);
            Assert.Contains("big-file", p.Message);
        }));
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)));
        task.GetAwaiter().GetResult();
    }
}
