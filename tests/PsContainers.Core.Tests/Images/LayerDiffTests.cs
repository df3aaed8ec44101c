using System.IO.Compression;
using PsContainers.Core.Archive;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.Core.Util;
using PsContainers.FileSystem;
using TarEntry = PsContainers.Core.Archive.TarEntry;

namespace PsContainers.Core.Tests.Images;

/// <summary>
/// LayerDiff on crafted overlay upper directories: every entry of the layer is checked byte for byte (kind, raw name,
/// mode, owner, time, link target, device numbers, xattrs, data) and in order. The trees hold hostile symlinks (to
/// /proc/1/root, ../..), so they are built and read inside a private mount namespace.
/// </summary>
public sealed class LayerDiffTests
{
    private const string Upper = PrivateMountNamespace.Scratch + "/upper";
    private static readonly FsTime T1 = new(1_700_000_001, 0), T2 = new(1_700_000_002, 0), T3 = new(1_700_000_003, 123_456_789);

    /// <summary>A v2 file capability (VFS_CAP_REVISION_2, effective) granting CAP_NET_BIND_SERVICE (bit 10), little-endian.</summary>
    private static readonly byte[] NetBindCap = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] Cafe = [(byte)'c', (byte)'a', (byte)'f', 0xe9];
    private static readonly byte[] Content = [(byte)'#', (byte)'!', 0, 0xff, (byte)'\n', 0x80];

    private sealed record Expected(TarEntryKind Kind, byte[] Name, int Mode, long Uid = 0, long Gid = 0, byte[]? Data = null, byte[]? Link = null,
        long Major = 0, long Minor = 0, long MtimeSeconds = 1_700_000_001, (string, byte[])[]? Xattrs = null);

    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>Build the crafted upper directory: every kind of entry an overlay upper directory can hold.</summary>
    private static SafeFd BuildUpper()
    {
        Directory.CreateDirectory(Upper);
        var root = SafeFd.OpenDirectory(Upper);
        // a/ : owned 1000:1001, 0750, a user xattr; a/f setuid with a file capability and a binary user xattr; a/h its hard link
        Fs.Mkdir(root, "a"u8, 0x1c0);
        using (var a = Fs.OpenDirectory(root, "a"u8))
        {
            using (var f = Fs.CreateFile(a, "f"u8)) f.Write(Content);
            Fs.Chown(a, "f"u8, 1000, 1001);
            Fs.Chmod(a, "f"u8, 0x9ed); // 04755
            Fs.SetXattr(a, "f"u8, "user.comment"u8, [(byte)'h', 0, 0xff]);
            Fs.SetXattr(a, "f"u8, "security.capability"u8, NetBindCap);
            Fs.Link(a, "f"u8, a, "h"u8);
            Fs.SetTimes(a, "f"u8, T1, T1);
        }
        Fs.Chown(root, "a"u8, 1000, 1001);
        Fs.Chmod(root, "a"u8, 0x1e8); // 0750
        Fs.SetXattr(root, "a"u8, "user.dir"u8, "d"u8);
        Fs.Mknod(root, "blk"u8, FsStat.S_IFBLK | 0x1b0, FsStat.MakeDev(7, 0));
        Fs.Chmod(root, "blk"u8, 0x1b0);
        Fs.Mknod(root, "null"u8, FsStat.S_IFCHR | 0x1b6, FsStat.MakeDev(1, 3));
        Fs.Chmod(root, "null"u8, 0x1b6);
        Fs.Mknod(root, "p"u8, FsStat.S_IFIFO | 0x1a4, 0);
        Fs.Chmod(root, "p"u8, 0x1a4);
        Fs.Mknod(root, "sock"u8, FsStat.S_IFSOCK | 0x1a4, 0);
        using (var f = Fs.CreateFile(root, Cafe)) f.Write("x"u8);
        Fs.Chmod(root, Cafe, 0x1a4);
        Fs.CreateFile(root, "empty"u8).Dispose();
        Fs.Chmod(root, "empty"u8, 0);
        // etc/: hosts is a runtime mount point (excluded), passwd a real change
        Fs.Mkdir(root, "etc"u8, 0x1ed);
        Fs.Chmod(root, "etc"u8, 0x1ed);
        using (var etc = Fs.OpenDirectory(root, "etc"u8))
        {
            Fs.CreateFile(etc, "hosts"u8).Dispose();
            using (var f = Fs.CreateFile(etc, "passwd"u8)) f.Write("root:x:0:0::/root:/bin/sh\n"u8);
            Fs.Chmod(etc, "passwd"u8, 0x1a4);
            Fs.SetTimes(etc, "hosts"u8, T1, T1);
            Fs.SetTimes(etc, "passwd"u8, T1, T1);
        }
        // whiteout: overlay's 0:0 character device, owned 5:6
        Fs.Mknod(root, "gone"u8, FsStat.S_IFCHR, FsStat.MakeDev(0, 0));
        Fs.Chown(root, "gone"u8, 5, 6);
        // hostile symlinks: reported as links, never followed
        Fs.Symlink("../../etc"u8, root, "l2"u8);
        Fs.Symlink("/proc/1/root/etc"u8, root, "link"u8);
        // mnt/vol: an excluded mount point directory with content beneath
        Fs.Mkdir(root, "mnt"u8, 0x1ed);
        Fs.Chmod(root, "mnt"u8, 0x1ed);
        using (var mnt = Fs.OpenDirectory(root, "mnt"u8))
        {
            Fs.Mkdir(mnt, "vol"u8, 0x1ed);
            using var vol = Fs.OpenDirectory(mnt, "vol"u8);
            Fs.CreateFile(vol, "x"u8).Dispose();
        }
        // a file with a sub-second time
        using (var f = Fs.CreateFile(root, "ns.txt"u8)) f.Write("ns"u8);
        Fs.Chmod(root, "ns.txt"u8, 0x180);
        // opq/: opaque (recreated directory) with overlay's own attributes and a user one; one new file
        Fs.Mkdir(root, "opq"u8, 0x1ed);
        Fs.Chmod(root, "opq"u8, 0x3ed); // 01755 (sticky)
        Fs.Chown(root, "opq"u8, 7, 8);
        Fs.SetXattr(root, "opq"u8, "trusted.overlay.opaque"u8, "y"u8);
        Fs.SetXattr(root, "opq"u8, "trusted.overlay.origin"u8, [0, 1, 2]);
        Fs.SetXattr(root, "opq"u8, "user.keep"u8, "1"u8);
        using (var opq = Fs.OpenDirectory(root, "opq"u8))
        {
            using (var f = Fs.CreateFile(opq, "new"u8)) f.Write("new"u8);
            Fs.Chmod(opq, "new"u8, 0x1a4);
            Fs.SetTimes(opq, "new"u8, T1, T1);
        }
        // times last (creating entries changes a directory's times)
        foreach (var n in new[] { "a"u8.ToArray(), "blk"u8.ToArray(), "null"u8.ToArray(), "p"u8.ToArray(), Cafe, "empty"u8.ToArray(), "etc"u8.ToArray(),
                     "gone"u8.ToArray(), "l2"u8.ToArray(), "link"u8.ToArray(), "mnt"u8.ToArray(), "opq"u8.ToArray() })
            Fs.SetTimes(root, n, T1, T1);
        Fs.SetTimes(root, "ns.txt"u8, T3, T3);
        return root;
    }

    private static readonly IReadOnlySet<string> Exclude = new HashSet<string>(StringComparer.Ordinal) { "etc/hosts", "mnt/vol" };

    private static List<Expected> ExpectedEntries() =>
    [
        new(TarEntryKind.Directory, B("a/"), 0x1e8, 1000, 1001, Xattrs: [("user.dir", B("d"))]),
        new(TarEntryKind.RegularFile, B("a/f"), 0x9ed, 1000, 1001, Content, Xattrs: [("security.capability", NetBindCap), ("user.comment", [(byte)'h', 0, 0xff])]),
        new(TarEntryKind.HardLink, B("a/h"), 0x9ed, 1000, 1001, Link: B("a/f"), Xattrs: [("security.capability", NetBindCap), ("user.comment", [(byte)'h', 0, 0xff])]),
        new(TarEntryKind.BlockDevice, B("blk"), 0x1b0, Major: 7, Minor: 0),
        new(TarEntryKind.RegularFile, Cafe, 0x1a4, Data: "x"u8.ToArray()),
        new(TarEntryKind.RegularFile, B("empty"), 0, Data: []),
        new(TarEntryKind.Directory, B("etc/"), 0x1ed),
        new(TarEntryKind.RegularFile, B("etc/passwd"), 0x1a4, Data: "root:x:0:0::/root:/bin/sh\n"u8.ToArray()),
        new(TarEntryKind.RegularFile, B(".wh.gone"), 0x180, 5, 6, Data: []),
        new(TarEntryKind.Symlink, B("l2"), 0x1ff, Link: B("../../etc")),
        new(TarEntryKind.Symlink, B("link"), 0x1ff, Link: B("/proc/1/root/etc")),
        new(TarEntryKind.Directory, B("mnt/"), 0x1ed),
        new(TarEntryKind.RegularFile, B("ns.txt"), 0x180, Data: "ns"u8.ToArray(), MtimeSeconds: 1_700_000_003),
        new(TarEntryKind.CharDevice, B("null"), 0x1b6, Major: 1, Minor: 3),
        new(TarEntryKind.Directory, B("opq/"), 0x3ed, 7, 8, Xattrs: [("user.keep", B("1"))]),
        new(TarEntryKind.RegularFile, B("opq/.wh..wh..opq"), 0x1ed, 7, 8, Data: []),
        new(TarEntryKind.RegularFile, B("opq/new"), 0x1a4, Data: "new"u8.ToArray()),
        new(TarEntryKind.Fifo, B("p"), 0x1a4),
    ];

    private static List<(TarEntry Entry, byte[] Data)> ReadTar(byte[] tar)
    {
        var list = new List<(TarEntry, byte[])>();
        using var r = new TarArchiveReader(new MemoryStream(tar));
        TarEntry? e;
        while ((e = r.Next()) is not null)
        {
            var ms = new MemoryStream();
            r.CopyDataTo(ms);
            list.Add((e, ms.ToArray()));
        }
        return list;
    }

    private static void AssertEntries(List<Expected> expected, List<(TarEntry Entry, byte[] Data)> actual)
    {
        Assert.Equal(expected.Select(x => BytePath.Display(x.Name)), actual.Select(a => BytePath.Display(a.Entry.Name)));
        for (int i = 0; i < expected.Count; i++)
        {
            var x = expected[i];
            var (e, data) = actual[i];
            string what = BytePath.Display(x.Name);
            Assert.True(x.Name.AsSpan().SequenceEqual(e.Name), what);
            Assert.Equal((what, x.Kind), (what, e.Kind));
            Assert.Equal((what, x.Mode), (what, e.Mode));
            Assert.Equal((what, x.Uid, x.Gid), (what, e.Uid, e.Gid));
            Assert.Equal((what, x.MtimeSeconds, 0), (what, e.ModificationTime.Seconds, e.ModificationTime.Nanoseconds));
            Assert.Empty(e.UserName);
            Assert.Empty(e.GroupName);
            Assert.Null(e.AccessTime);
            Assert.Null(e.ChangeTime);
            Assert.Equal((what, Convert.ToHexString(x.Link ?? [])), (what, Convert.ToHexString(e.LinkName)));
            Assert.Equal((what, x.Major, x.Minor), (what, e.DevMajor, e.DevMinor));
            Assert.Equal((what, Convert.ToHexString(x.Data ?? [])), (what, Convert.ToHexString(data)));
            Assert.Equal((what, (long)(x.Kind == TarEntryKind.RegularFile ? (x.Data ?? []).Length : 0)), (what, e.Size));
            Assert.Equal(
                (x.Xattrs ?? []).Select(p => p.Item1 + "=" + Convert.ToHexString(p.Item2)),
                e.Xattrs.Select(p => p.Name + "=" + Convert.ToHexString(p.Value)));
            Assert.Empty(e.PaxRecords);
        }
    }

    [Fact]
    public void Every_entry_of_a_crafted_upper_directory_is_written_byte_for_byte() => PrivateMountNamespace.Run(() =>
    {
        using var upper = BuildUpper();
        var tar = new MemoryStream();
        int n = LayerDiff.WriteTar(upper, tar, new LayerDiffOptions { Exclude = Exclude });
        var bytes = tar.ToArray();
        var entries = ReadTar(bytes);
        AssertEntries(ExpectedEntries(), entries);
        Assert.Equal(entries.Count, n);
        // the same tree gives the same bytes
        var again = new MemoryStream();
        LayerDiff.WriteTar(upper, again, new LayerDiffOptions { Exclude = Exclude });
        Assert.Equal(Digest.Of(bytes), Digest.Of(again.ToArray()));
        // nothing outside was read or changed through the links: the namespace's /etc is intact
        Assert.True(File.Exists("/etc/hostname") || Directory.Exists("/etc"));
    });

    [Fact]
    public void Subsecond_times_are_kept_when_asked() => PrivateMountNamespace.Run(() =>
    {
        using var upper = BuildUpper();
        var tar = new MemoryStream();
        LayerDiff.WriteTar(upper, tar, new LayerDiffOptions { Exclude = Exclude, SubsecondTimes = true });
        var ns = ReadTar(tar.ToArray()).Single(e => e.Entry.Name.AsSpan().SequenceEqual("ns.txt"u8)).Entry;
        Assert.Equal(new TarTimestamp(1_700_000_003, 123_456_789), ns.ModificationTime);
    });

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Zstd)]
    public void Write_reports_the_digests_of_what_it_wrote(LayerCompression c) => PrivateMountNamespace.Run(() =>
    {
        using var upper = BuildUpper();
        var tar = new MemoryStream();
        LayerDiff.WriteTar(upper, tar, new LayerDiffOptions { Exclude = Exclude });
        var blob = new MemoryStream();
        var r = LayerDiff.Write(upper, blob, new LayerDiffOptions { Exclude = Exclude, Compression = c });
        var blobBytes = blob.ToArray();
        Assert.Equal(Digest.Of(tar.ToArray()), r.DiffId);
        Assert.Equal(tar.Length, r.UncompressedSize);
        Assert.Equal(Digest.Of(blobBytes), r.Digest);
        Assert.Equal(blobBytes.Length, r.Size);
        Assert.Equal(c, r.Compression);
        Assert.Equal(ExpectedEntries().Count, r.Entries);
        Assert.False(r.IsEmpty);
        using var d = Compression.OpenDecompressed(new MemoryStream(blobBytes), out var kind);
        Assert.Equal(c, kind);
        var plain = new MemoryStream();
        d.CopyTo(plain);
        Assert.Equal(tar.ToArray(), plain.ToArray());
    });

    [Fact]
    public void By_default_the_blob_is_the_plain_tar_and_its_digest_the_diff_id() => PrivateMountNamespace.Run(() =>
    {
        using var upper = BuildUpper();
        var tar = new MemoryStream();
        LayerDiff.WriteTar(upper, tar, new LayerDiffOptions { Exclude = Exclude });
        var blob = new MemoryStream();
        var r = LayerDiff.Write(upper, blob, new LayerDiffOptions { Exclude = Exclude });
        Assert.Equal(LayerCompression.None, r.Compression);
        Assert.Equal(tar.ToArray(), blob.ToArray());
        Assert.Equal(Digest.Of(tar.ToArray()), r.Digest);
        Assert.Equal(r.DiffId, r.Digest);
        Assert.Equal(tar.Length, r.Size);
        Assert.Equal(r.UncompressedSize, r.Size);
    });

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public void The_blob_is_the_tar_compressed_in_one_thread_byte_for_byte(LayerCompression c) => PrivateMountNamespace.Run(() =>
    {
        // Write compresses on a second thread; the blob must be exactly what compressing the tar directly gives
        using var upper = BuildUpper();
        var options = new LayerDiffOptions { Exclude = Exclude, Compression = c };
        var direct = new MemoryStream();
        using (var compressor = Compression.OpenCompressor(direct, c, leaveOpen: true))
        {
            LayerDiff.WriteTar(upper, compressor, options);
            compressor.Flush();
        }
        var blob = new MemoryStream();
        var r = LayerDiff.Write(upper, blob, options);
        Assert.Equal(Digest.Of(direct.ToArray()), r.Digest);
        Assert.Equal(Digest.Of(direct.ToArray()), Digest.Of(blob.ToArray()));
    });

    [Fact]
    public void The_layer_unpacks_back_into_the_same_overlay_tree() => PrivateMountNamespace.Run(() =>
    {
        using var upper = BuildUpper();
        var tar = new MemoryStream();
        LayerDiff.WriteTar(upper, tar, new LayerDiffOptions { Exclude = Exclude });
        string back = PrivateMountNamespace.Scratch + "/back";
        var r = LayerExtractor.Unpack(new MemoryStream(tar.ToArray()), back);
        Assert.Equal(Digest.Of(tar.ToArray()), r.DiffId);
        using var b = SafeFd.OpenDirectory(back);
        var gone = Fs.Stat(b, "gone"u8);
        Assert.True(gone.IsCharDevice && gone.RdevMajor == 0 && gone.RdevMinor == 0);
        Assert.Equal("y", System.Text.Encoding.ASCII.GetString(Fs.GetXattr(b, "opq"u8, "trusted.overlay.opaque"u8)!));
        Assert.Null(Fs.GetXattr(b, "opq"u8, "trusted.overlay.origin"u8));
        Assert.False(Fs.Exists(b, "opq/.wh..wh..opq"u8));
        using var a = Fs.OpenDirectory(b, "a"u8);
        Assert.Equal(NetBindCap, Fs.GetXattr(a, "f"u8, "security.capability"u8));
        Assert.Equal(Fs.Stat(a, "f"u8).Inode, Fs.Stat(a, "h"u8).Inode);
        Assert.Equal(0x9ed, (int)Fs.Stat(a, "f"u8).Permissions);
        Assert.Equal("/proc/1/root/etc"u8.ToArray(), Fs.ReadLink(b, "link"u8));
        Assert.True(Fs.Exists(b, Cafe));
        Assert.False(Fs.Exists(b, "sock"u8));
        Assert.False(Fs.Exists(b, "etc/hosts"u8));
        Assert.False(Fs.Exists(b, "mnt/vol"u8));
    });

    [Fact]
    public void An_empty_upper_directory_is_the_empty_layer() => PrivateMountNamespace.Run(() =>
    {
        Directory.CreateDirectory(Upper);
        var blob = new MemoryStream();
        var r = LayerDiff.Write(Upper, blob);
        Assert.True(r.IsEmpty);
        Assert.Equal(0, r.Entries);
        Assert.Equal(LayerDiffResult.EmptyDiffId, r.DiffId);
        Assert.Equal(Digest.Of(new byte[1024]), r.DiffId);
        Assert.Equal(1024, r.UncompressedSize);
    });

    [Theory]
    [InlineData("trusted.overlay.redirect", true)]
    [InlineData("trusted.overlay.metacopy", false)]
    public void Redirect_and_metacopy_are_refused_rather_than_written_wrong(string attribute, bool onDirectory) => PrivateMountNamespace.Run(() =>
    {
        Directory.CreateDirectory(Upper);
        using var root = SafeFd.OpenDirectory(Upper);
        if (onDirectory) Fs.Mkdir(root, "moved"u8, 0x1ed);
        else Fs.CreateFile(root, "moved"u8).Dispose();
        Fs.SetXattr(root, "moved"u8, B(attribute), "/old"u8);
        var ex = Assert.Throws<PscException>(() => LayerDiff.WriteTar(root, new MemoryStream()));
        Assert.Equal(ErrorIds.UnfaithfulOverlayDiff, ex.ErrorId);
        Assert.Contains("/moved", ex.Message);
    });

    [Fact]
    public void Whiteouts_sharing_one_inode_stay_whiteouts() => PrivateMountNamespace.Run(() =>
    {
        // overlay links whiteouts to one shared inode: they must not become hard links
        Directory.CreateDirectory(Upper);
        using var root = SafeFd.OpenDirectory(Upper);
        Fs.Mknod(root, "w1"u8, FsStat.S_IFCHR, 0);
        Fs.Link(root, "w1"u8, root, "w2"u8);
        var tar = new MemoryStream();
        LayerDiff.WriteTar(root, tar);
        var entries = ReadTar(tar.ToArray());
        Assert.Equal([".wh.w1", ".wh.w2"], entries.Select(e => e.Entry.DisplayName));
        Assert.All(entries, e => Assert.Equal(TarEntryKind.RegularFile, e.Entry.Kind));
    });

    // ------------------------------------------------------------------ an upper directory taken as its layer's directory

    /// <summary>
    /// Every entry of a tree as the store's layer directories are compared: kind, mode, owner, device numbers, size,
    /// link target, content, every xattr, which names share an inode, and the modification time (whiteouts, which the
    /// extractor makes anew, and the root are compared by kind, mode and owner only).
    /// </summary>
    private static List<string> Describe(string dir)
    {
        using var root = SafeFd.OpenDirectory(dir);
        var inodes = new Dictionary<(ulong, ulong), string>();
        var list = new List<string>();
        foreach (var e in SafeTree.Walk(root))
        {
            var st = e.Status;
            string rel = BytePath.Display(e.RelativePath);
            bool whiteout = st.IsCharDevice && st.Rdev == 0;
            string line = $"{rel} type={st.Type:x} mode={Convert.ToString(st.Permissions, 8)} owner={st.Uid}:{st.Gid} rdev={st.RdevMajor}:{st.RdevMinor}";
            if (e.Depth == 0) { list.Add(line); continue; }
            if (!whiteout) line += $" mtime={st.Mtime.Seconds}.{st.Mtime.Nanoseconds:D9}";
            if (st.IsRegular)
            {
                using var f = e.OpenRead();
                var ms = new MemoryStream();
                f.CopyTo(ms);
                line += $" size={st.Size} data={Convert.ToHexString(ms.ToArray())}";
                if (st.Nlink > 1 && !inodes.TryAdd(st.Identity, rel)) line += " linkof=" + inodes[st.Identity];
            }
            if (st.IsSymlink) line += " target=" + BytePath.Display(e.ReadLink());
            if (!whiteout)
                foreach (var (n, v) in e.GetXattrs().OrderBy(x => BytePath.Display(x.Key), StringComparer.Ordinal))
                    line += $" {BytePath.Display(n)}={Convert.ToHexString(v)}";
            list.Add(line);
        }
        return list;
    }

    [Fact]
    public void An_upper_directory_prepared_as_its_layer_is_the_tree_the_layer_unpacks_to() => PrivateMountNamespace.Run(() =>
    {
        using (var upper = BuildUpper())
        {
            // what overlay leaves besides: copy-up origins and impure directories, sub-second times on a directory
            // and a symlink, whiteouts sharing one inode, a hard link under an opaque directory
            Fs.SetXattr(upper, "a"u8, "trusted.overlay.origin"u8, [9, 9]);
            Fs.SetXattr(upper, "etc"u8, "trusted.overlay.impure"u8, "y"u8);
            Fs.Mknod(upper, "w1"u8, FsStat.S_IFCHR, 0);
            Fs.Link(upper, "w1"u8, upper, "w2"u8);
            using (var opq = Fs.OpenDirectory(upper, "opq"u8)) Fs.Link(opq, "new"u8, opq, "new2"u8);
            Fs.SetTimes(upper, "l2"u8, T3, T3);
            Fs.SetTimes(upper, "opq"u8, T3, T3);
            Fs.SetTimes(upper, "etc"u8, T2, T2);
        }
        var options = new LayerDiffOptions { Exclude = Exclude };
        var blob = new MemoryStream();
        var diff = LayerDiff.Write(Upper, blob, options);
        string unpacked = PrivateMountNamespace.Scratch + "/unpacked";
        var r = LayerExtractor.Unpack(new MemoryStream(blob.ToArray()), unpacked);

        long? bytes = LayerDiff.PrepareAsLayerDirectory(Upper, options);

        Assert.Equal(r.Size, bytes);
        Assert.Equal(Describe(unpacked), Describe(Upper));
        // the runtime's mount points, the socket and overlay's bookkeeping are gone; opaque and the capability stay
        using var u = SafeFd.OpenDirectory(Upper);
        Assert.False(Fs.Exists(u, "etc/hosts"u8));
        Assert.False(Fs.Exists(u, "mnt/vol"u8));
        Assert.False(Fs.Exists(u, "sock"u8));
        Assert.Null(Fs.GetXattr(u, "a"u8, "trusted.overlay.origin"u8));
        Assert.Null(Fs.GetXattr(u, "opq"u8, "trusted.overlay.origin"u8));
        Assert.Null(Fs.GetXattr(u, "etc"u8, "trusted.overlay.impure"u8));
        Assert.Equal("y"u8.ToArray(), Fs.GetXattr(u, "opq"u8, "trusted.overlay.opaque"u8));
        using (var a = Fs.OpenDirectory(u, "a"u8)) Assert.Equal(NetBindCap, Fs.GetXattr(a, "f"u8, "security.capability"u8));
        Assert.Equal(new FsTime(1_700_000_003, 0), Fs.Stat(u, "ns.txt"u8).Mtime);
        // and it writes the very same layer again (nothing left to exclude)
        var again = LayerDiff.Write(Upper, new MemoryStream());
        Assert.Equal(diff.DiffId, again.DiffId);
        Assert.Equal(diff.Entries, again.Entries);
    });

    [Fact]
    public void Subsecond_times_stay_when_the_layer_keeps_them() => PrivateMountNamespace.Run(() =>
    {
        BuildUpper().Dispose();
        var options = new LayerDiffOptions { Exclude = Exclude, SubsecondTimes = true };
        var blob = new MemoryStream();
        LayerDiff.Write(Upper, blob, options);
        string unpacked = PrivateMountNamespace.Scratch + "/unpacked";
        LayerExtractor.Unpack(new MemoryStream(blob.ToArray()), unpacked);
        Assert.NotNull(LayerDiff.PrepareAsLayerDirectory(Upper, options));
        Assert.Equal(Describe(unpacked), Describe(Upper));
        using var u = SafeFd.OpenDirectory(Upper);
        Assert.Equal(T3, Fs.Stat(u, "ns.txt"u8).Mtime);
    });

    [Theory]
    [InlineData("wh-file")]
    [InlineData("user-overlay")]
    public void A_directory_that_cannot_stand_for_its_layer_is_refused(string what) => PrivateMountNamespace.Run(() =>
    {
        // a regular file named .wh.x is a whiteout once in a tar; a userxattr mount's attributes are not the store's form
        Directory.CreateDirectory(Upper);
        using (var root = SafeFd.OpenDirectory(Upper))
        {
            Fs.Mkdir(root, "d"u8, 0x1ed);
            using var d = Fs.OpenDirectory(root, "d"u8);
            if (what == "wh-file") Fs.CreateFile(d, ".wh.x"u8).Dispose();
            else Fs.SetXattr(root, "d"u8, "user.overlay.opaque"u8, "y"u8);
        }
        LayerDiff.Write(Upper, new MemoryStream());
        Assert.Null(LayerDiff.PrepareAsLayerDirectory(Upper));
    });
}
