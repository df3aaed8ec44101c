using System.Formats.Tar;
using System.Text;
using PsContainers.Core;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.Core.Archive;
using TarEntry = PsContainers.Core.Archive.TarEntry;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Images;

public sealed class LayerExtractorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-layer-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _root;
    private readonly string _outside;

    public LayerExtractorTests()
    {
        _root = Path.Combine(_dir, "root");
        _outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose() => ImageStore.DeleteTree(_dir);

    private LayerUnpackResult Unpack(byte[] tar, LayerCompression c = LayerCompression.None) =>
        LayerExtractor.Unpack(new MemoryStream(TestImages.Compress(tar, c)), _root);

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void Detects_compression_and_reports_the_diff_id(LayerCompression c)
    {
        var tar = TestImages.Tar(TarItem.File("a.txt", "hello"));
        var r = Unpack(tar, c);
        Assert.Equal(c, r.Compression);
        Assert.Equal(Digest.Of(tar), r.DiffId);
        Assert.Equal(tar.Length, r.UncompressedBytes);
        Assert.Equal(5, r.Size);
        Assert.Equal("hello", File.ReadAllText(Path.Combine(_root, "a.txt")));
    }

    [Fact]
    public void Absolute_names_are_contained()
    {
        Unpack(TestImages.Tar(TarItem.File(_outside + "/abs.txt", "x"), TarItem.File("/etc/hosts-test", "y")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Equal("x", File.ReadAllText(_root + _outside + "/abs.txt"));
        Assert.Equal("y", File.ReadAllText(_root + "/etc/hosts-test"));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("./../../../../../../escape.txt")]
    public void Names_climbing_out_are_refused(string name)
    {
        var ex = Assert.Throws<PscException>(() => Unpack(TestImages.Tar(TarItem.File(name, "x"))));
        Assert.Equal("LayerPathEscapes", ex.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidData, ex.Category);
        Assert.False(File.Exists(Path.Combine(_dir, "escape.txt")));
    }

    [Fact]
    public void Dotdot_inside_the_root_is_fine()
    {
        Unpack(TestImages.Tar(TarItem.Dir("a/"), TarItem.File("a/../b.txt", "b")));
        Assert.Equal("b", File.ReadAllText(Path.Combine(_root, "b.txt")));
    }

    [Fact]
    public void Writes_through_escaping_symlinks_stay_inside()
    {
        Unpack(TestImages.Tar(
            TarItem.Symlink("abs", _outside),
            TarItem.File("abs/through-abs.txt", "1"),
            TarItem.Symlink("rel", "../../../../../../../../.." + _outside),
            TarItem.File("rel/through-rel.txt", "2"),
            TarItem.Dir("d/"),
            TarItem.Symlink("d/up", "../.."),
            TarItem.File("d/up/through-up.txt", "3"),
            TarItem.Symlink("chain1", "chain2"),
            TarItem.Symlink("chain2", "/abs"),
            TarItem.File("chain1/through-chain.txt", "4")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Equal("1", File.ReadAllText(_root + _outside + "/through-abs.txt"));
        Assert.Equal("2", File.ReadAllText(_root + _outside + "/through-rel.txt"));
        Assert.Equal("3", File.ReadAllText(_root + "/through-up.txt"));
        Assert.Equal("4", File.ReadAllText(_root + _outside + "/through-chain.txt"));
        // the symlinks themselves are kept as they are
        Assert.Equal(_outside, new FileInfo(Path.Combine(_root, "abs")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(_dir, "through-up.txt")));
    }

    [Fact]
    public void Symlink_loops_are_refused()
    {
        var ex = Assert.Throws<PscException>(() => Unpack(TestImages.Tar(
            TarItem.Symlink("loop1", "loop2"), TarItem.Symlink("loop2", "loop1"), TarItem.File("loop1/x", "x"))));
        Assert.Equal("LayerSymlinkLoop", ex.ErrorId);
    }

    [Fact]
    public void Hardlinks_inside_share_the_inode_and_outside_are_refused()
    {
        Unpack(TestImages.Tar(TarItem.File("a.txt", "data"), TarItem.Hardlink("b.txt", "a.txt"), TarItem.Hardlink("c.txt", "/a.txt")));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "a.txt"), out var a));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "b.txt"), out var b));
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(3ul, a.Nlink);

        File.WriteAllText(Path.Combine(_outside, "secret"), "s");
        var ex = Assert.Throws<PscException>(() => Unpack(TestImages.Tar(TarItem.Hardlink("x", "../../../../../../../.." + _outside + "/secret"))));
        Assert.Equal("LayerPathEscapes", ex.ErrorId);
        var ex2 = Assert.Throws<PscException>(() => Unpack(TestImages.Tar(TarItem.Hardlink("y", _outside + "/secret"))));
        Assert.Equal("HardlinkTargetMissing", ex2.ErrorId);
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_outside, "secret"), out var s));
        Assert.Equal(1ul, s.Nlink);
    }

    [Fact]
    public void Hardlink_through_escaping_symlink_parent_stays_inside()
    {
        File.WriteAllText(Path.Combine(_outside, "secret"), "s");
        var ex = Assert.Throws<PscException>(() => Unpack(TestImages.Tar(TarItem.Symlink("out", _outside), TarItem.Hardlink("x", "out/secret"))));
        Assert.Equal("HardlinkTargetMissing", ex.ErrorId);
    }

    [Fact]
    public void Keeps_owner_mode_times_and_xattrs_but_not_overlay_xattrs()
    {
        Unpack(TestImages.Tar(
            new TarItem("f.txt", Content: "x", Mode: 0x9ed /* 4755 */, Uid: 1234, Gid: 5678,
                Xattrs: new() { ["user.test"] = "value", ["trusted.overlay.redirect"] = "/etc" }),
            TarItem.Dir("d/", 0x1c0),
            new TarItem("d/link", TarEntryType.SymbolicLink, Link: "../f.txt", Uid: 42, Gid: 43)));
        string f = Path.Combine(_root, "f.txt");
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(f, out var st));
        Assert.Equal(1234, st.Uid);
        Assert.Equal(5678, st.Gid);
        Assert.Equal(0x9edu, st.Mode & 0xfff);
        Assert.Equal(TestImages.Epoch.ToUnixTimeSeconds(), st.MtimeSeconds);
        var x = LinuxSyscalls.Instance.Lgetxattrs(f);
        Assert.Equal("value", Encoding.UTF8.GetString(x["user.test"]));
        Assert.False(x.ContainsKey("trusted.overlay.redirect"));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "d"), out var d));
        Assert.Equal(0x1c0u, d.Mode & 0xfff);
        Assert.Equal(TestImages.Epoch.ToUnixTimeSeconds(), d.MtimeSeconds);
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "d/link"), out var l));
        Assert.True(l.IsSymlink);
        Assert.Equal(42, l.Uid);
    }

    [Fact]
    public void Creates_device_nodes_and_fifos()
    {
        Unpack(TestImages.Tar(new TarItem("null", TarEntryType.CharacterDevice, Major: 1, Minor: 3, Mode: 0x1b6),
            new TarItem("fifo", TarEntryType.Fifo, Mode: 0x1a4)));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "null"), out var n));
        Assert.True(n.IsCharDevice);
        Assert.Equal(1u, n.Major);
        Assert.Equal(3u, n.Minor);
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "fifo"), out var f));
        Assert.Equal(FileStatus.S_IFIFO, f.Type);
    }

    [Fact]
    public void Converts_whiteouts_and_opaque_markers()
    {
        Unpack(TestImages.Tar(TarItem.Dir("etc/"), TarItem.File("etc/.wh.passwd", ""), TarItem.Dir("var/"),
            TarItem.File("var/.wh..wh..opq", ""), TarItem.File("var/new", "n"), TarItem.File(".wh.rootfile", "")));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "etc/passwd"), out var w));
        Assert.True(w.IsCharDevice);
        Assert.Equal(0ul, w.Rdev);
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(Path.Combine(_root, "rootfile"), out var w2));
        Assert.True(w2.IsCharDevice);
        Assert.Equal("y"u8.ToArray(), LinuxSyscalls.Instance.Lgetxattrs(Path.Combine(_root, "var"))["trusted.overlay.opaque"]);
        Assert.Equal("n", File.ReadAllText(Path.Combine(_root, "var/new")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories), p => Path.GetFileName(p).StartsWith(".wh.", StringComparison.Ordinal));
    }

    [Fact]
    public void Later_entries_replace_earlier_ones()
    {
        Unpack(TestImages.Tar(TarItem.File("x", "file"), TarItem.Dir("x/"), TarItem.File("x/y", "in dir"),
            TarItem.Dir("z/"), TarItem.File("z/inner", "i"), TarItem.File("z", "now a file"), TarItem.File("w", "1"), TarItem.File("w", "2")));
        Assert.Equal("in dir", File.ReadAllText(Path.Combine(_root, "x/y")));
        Assert.Equal("now a file", File.ReadAllText(Path.Combine(_root, "z")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(_root, "w")));
    }

    [Fact]
    public void Accepts_a_layer_without_padding_and_trailer_but_refuses_cut_data()
    {
        var tar = TestImages.Tar(TarItem.File("a", new string('a', 700)));
        // header (512) + 700 data bytes, no padding, no end-of-archive blocks: what umoci 0.4 writes
        int headerLen = tar.Length - 1024 - 1024; // pax ext header + header + 2 data blocks + 2 zero blocks
        var cutAfterData = tar[..(tar.Length - 1024 - (1024 - 700))];
        var r = LayerExtractor.Unpack(new MemoryStream(cutAfterData), _root);
        Assert.Equal(700, new FileInfo(Path.Combine(_root, "a")).Length);
        Assert.Equal(Digest.Of(cutAfterData), r.DiffId);

        var cutInData = tar[..(tar.Length - 1024 - 1024 + 100)];
        var ex = Assert.Throws<PscException>(() => LayerExtractor.Unpack(new MemoryStream(cutInData), Path.Combine(_dir, "other")));
        Assert.Equal("InvalidLayer", ex.ErrorId);
        _ = headerLen;
    }

    [Fact]
    public void Refuses_data_that_is_not_a_tar()
    {
        var ex = Assert.Throws<PscException>(() => LayerExtractor.Unpack(new MemoryStream(Encoding.ASCII.GetBytes(new string('z', 2000))), _root));
        Assert.Equal("InvalidLayer", ex.ErrorId);
    }

    private static byte[] ByteTar(params (TarEntry Entry, byte[]? Data)[] entries)
    {
        var ms = new MemoryStream();
        using (var w = new TarArchiveWriter(ms, leaveOpen: true, new TarWriterOptions { SubsecondTimes = true }))
            foreach (var (e, d) in entries) { if (d is null) w.WriteEntry(e); else w.WriteEntry(e, d); }
        return ms.ToArray();
    }

    private static TarEntry Entry(TarEntryKind kind, byte[] name, long size = 0, byte[]? link = null, int mode = 0x1a4) => new()
    {
        Kind = kind, Name = name, LinkName = link ?? [], Size = size, Mode = mode, ModificationTime = new TarTimestamp(1_600_000_000, 123_456_789),
    };

    [Fact]
    public void Names_that_are_not_UTF8_stay_distinct_and_links_to_them_work()
    {
        byte[] eAcute = [(byte)'c', (byte)'a', (byte)'f', 0xe9], eGrave = [(byte)'c', (byte)'a', (byte)'f', 0xe8];
        Unpack(ByteTar(
            (Entry(TarEntryKind.RegularFile, eAcute, 1), "a"u8.ToArray()),
            (Entry(TarEntryKind.RegularFile, eGrave, 1), "b"u8.ToArray()),
            (Entry(TarEntryKind.Symlink, [.. "to-"u8, .. eAcute], link: eAcute), null),
            (Entry(TarEntryKind.HardLink, [.. "hard-"u8, .. eGrave], link: eGrave), null)));
        using var root = SafeFd.OpenDirectory(_root);
        var names = Fs.ReadDirectory(root).Select(d => Convert.ToHexString(d.Name)).Order().ToList();
        Assert.Equal(new[] { Convert.ToHexString(eGrave), Convert.ToHexString(eAcute), Convert.ToHexString([.. "hard-"u8, .. eGrave]), Convert.ToHexString([.. "to-"u8, .. eAcute]) }.Order(), names);
        using (var f = Fs.OpenRead(root, eAcute)) Assert.Equal((byte)'a', (byte)f.ReadByte());
        Assert.Equal(eAcute, Fs.ReadLink(root, [.. "to-"u8, .. eAcute]));
        Assert.Equal(Fs.Stat(root, eGrave).Identity, Fs.Stat(root, [.. "hard-"u8, .. eGrave]).Identity);
        Assert.Equal(new FsTime(1_600_000_000, 123_456_789), Fs.Stat(root, eAcute).Mtime);
    }

    [Fact]
    public void Binary_xattrs_and_file_capabilities_are_kept_byte_for_byte()
    {
        // cap_setuid,cap_setgid=ep as the kernel stores it (VFS_CAP_REVISION_2): bytes >= 0x80 in the value
        byte[] cap = [0x01, 0x00, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        byte[] bin = [0x80, 0xff, 0x00, 0xfe, 0x01];
        var e = Entry(TarEntryKind.RegularFile, "capfile"u8.ToArray(), 1, mode: 0x1ed);
        e.Xattrs.Add(new TarXattr("security.capability", cap));
        e.Xattrs.Add(new TarXattr("user.bin", bin));
        Unpack(ByteTar((e, "x"u8.ToArray())));
        using var root = SafeFd.OpenDirectory(_root);
        Assert.Equal(cap, Fs.GetXattr(root, "capfile"u8, "security.capability"u8));
        Assert.Equal(bin, Fs.GetXattr(root, "capfile"u8, "user.bin"u8));
        Assert.Equal(0x1edu, Fs.Stat(root, "capfile"u8).Permissions);
    }

    [Fact]
    public void The_root_entry_gives_the_root_its_metadata()
    {
        var e = Entry(TarEntryKind.Directory, "./"u8.ToArray(), mode: 0x1e8 /* 0750 */);
        e.Uid = 5; e.Gid = 6;
        Unpack(ByteTar((e, null), (Entry(TarEntryKind.RegularFile, "./f"u8.ToArray(), 1), "x"u8.ToArray())));
        using var root = SafeFd.OpenDirectory(_root);
        var st = Fs.Stat(root);
        Assert.Equal(0x1e8u, st.Permissions);
        Assert.Equal(5u, st.Uid);
        Assert.Equal(new FsTime(1_600_000_000, 123_456_789), st.Mtime);
    }
}
