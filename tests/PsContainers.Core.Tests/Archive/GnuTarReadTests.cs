using System.Text;
using PsContainers.Core.Archive;
using static PsContainers.Core.Tests.Archive.ArchiveRead;

namespace PsContainers.Core.Tests.Archive;

/// <summary>Archives made by GNU tar from files put on disk by the test, read back with <see cref="TarArchiveReader"/>;
/// every field and every data byte is compared with what was put on disk.</summary>
public class GnuTarReadTests
{
    private sealed class Spec
    {
        public required byte[] Rel;
        public TarEntryKind Kind = TarEntryKind.RegularFile;
        public int Mode = 0x1A4;
        public byte[] Content = [];
        public byte[] Link = [];
        public TarTimestamp Mtime = new(1234567890, 500_000_000);
        public TarTimestamp Atime = new(1111111111, 123_456_789);
        public uint Major, Minor;
        public string ArchiveName => "./" + Encoding.Latin1.GetString(Rel) + (Kind == TarEntryKind.Directory && Rel is not [(byte)'.'] ? "/" : "");
        public byte[] ArchiveNameBytes
        {
            get
            {
                if (Rel is [(byte)'.']) return B("./");
                var n = new List<byte>(B("./"));
                n.AddRange(Rel);
                if (Kind == TarEntryKind.Directory) n.Add((byte)'/');
                return n.ToArray();
            }
        }
    }

    private sealed record Caps(bool Devices, int MaxName, bool SplitName, int MaxLink, bool LargeIds, bool WideTimes, bool Subsecond, bool Owners);

    private static Caps CapsOf(string format) => format switch
    {
        "v7" => new Caps(false, 99, false, 99, false, false, false, false),
        "ustar" => new Caps(true, 100, true, 100, false, false, false, true),
        "oldgnu" or "gnu" => new Caps(true, 4000, false, 4000, true, true, false, true),
        "posix" => new Caps(true, 4000, false, 4000, true, true, true, true),
        _ => throw new ArgumentException(format),
    };

    private static List<Spec> Tree(Caps caps)
    {
        var rnd = new Random(42);
        var big = new byte[1_048_577];
        rnd.NextBytes(big);
        var list = new List<Spec>
        {
            new() { Rel = B("."), Kind = TarEntryKind.Directory, Mode = 0x1ED },
            new() { Rel = B("sub"), Kind = TarEntryKind.Directory, Mode = 0x5ED /* 02755 */ },
            new() { Rel = B("sub/file.txt"), Content = B("hello\n"), Mode = 0x9ED /* 04755 */ },
            new() { Rel = B("sticky"), Kind = TarEntryKind.Directory, Mode = 0x3FF /* 01777 */ },
            new() { Rel = B("empty"), Mode = 0x180 },
            new() { Rel = B("big.bin"), Content = big, Mode = 0x1A4 },
            new() { Rel = B("link"), Kind = TarEntryKind.Symlink, Link = B("sub/file.txt"), Mode = 0x1FF },
            new() { Rel = B("zz_hard"), Kind = TarEntryKind.HardLink, Link = B("./sub/file.txt"), Mode = 0x9ED },
            new() { Rel = Raw("caf\\xe9"), Content = B("latin1 e acute"), Mode = 0x1A4 },
            new() { Rel = Raw("caf\\xe8"), Content = B("latin1 e grave"), Mode = 0x1A4 },
            new() { Rel = B("caf\u00e9-utf8"), Content = B("utf8"), Mode = 0x1A4 },
            new() { Rel = B("badlink"), Kind = TarEntryKind.Symlink, Link = Raw("tar\\xff\\xfeget"), Mode = 0x1FF },
        };
        if (caps.Devices)
        {
            list.Add(new() { Rel = B("fifo"), Kind = TarEntryKind.Fifo, Mode = 0x1B0 });
            list.Add(new() { Rel = B("null"), Kind = TarEntryKind.CharDevice, Mode = 0x1B6, Major = 1, Minor = 3 });
            list.Add(new() { Rel = B("blk"), Kind = TarEntryKind.BlockDevice, Mode = 0x1B0, Major = 259, Minor = 65537 });
        }
        if (caps.SplitName && caps.MaxName < 4000)
        {
            // names that fit ustar only through the prefix field: "./l/a{60}/c{60}" (125 bytes) + "/" + 90 bytes
            string a = new('a', 60), c = new('c', 60);
            list.Add(new() { Rel = B("l"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"l/{a}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"l/{a}/{c}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"l/{a}/{c}/" + new string('b', 90)), Content = B("split"), Mode = 0x1A4 });
        }
        if (caps.MaxName >= 4000)
        {
            string d1 = new('d', 70), d2 = new('e', 70), d3 = new('f', 70), d4 = new('g', 70);
            list.Add(new() { Rel = B("deep"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"deep/{d1}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"deep/{d1}/{d2}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"deep/{d1}/{d2}/{d3}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            list.Add(new() { Rel = B($"deep/{d1}/{d2}/{d3}/{d4}"), Kind = TarEntryKind.Directory, Mode = 0x1ED });
            var longFile = B($"deep/{d1}/{d2}/{d3}/{d4}/" + new string('h', 80));
            var longRaw = Native.Join(B($"deep/{d1}/{d2}/{d3}/{d4}"), Raw("x\\xe9" + new string('i', 40)));
            list.Add(new() { Rel = longFile, Content = B("long name content"), Mode = 0x1A4 });
            list.Add(new() { Rel = longRaw, Content = B("long raw name"), Mode = 0x1A4 });
            list.Add(new() { Rel = B("link150"), Kind = TarEntryKind.Symlink, Link = B(new string('t', 150)), Mode = 0x1FF });
            list.Add(new() { Rel = B("link300"), Kind = TarEntryKind.Symlink, Link = B("/" + string.Join('/', Enumerable.Repeat(new string('u', 59), 5))), Mode = 0x1FF });
            var hardToLong = new List<byte>(B("./"));
            hardToLong.AddRange(longFile);
            list.Add(new() { Rel = B("zz_hard_long"), Kind = TarEntryKind.HardLink, Link = hardToLong.ToArray(), Mode = 0x1A4 });
        }
        if (caps.WideTimes)
        {
            list.Add(new() { Rel = B("neg"), Content = B("before 1970"), Mtime = new(-1_000_000, 250_000_000) });
            list.Add(new() { Rel = B("future"), Content = B("after 2242"), Mtime = new(10_000_000_000, 0) });
        }
        return list;
    }

    private static void Build(string root, List<Spec> specs)
    {
        var rootB = Encoding.UTF8.GetBytes(root);
        byte[] P(byte[] rel) => rel is [(byte)'.'] ? rootB : Native.Join(rootB, rel);
        foreach (var s in specs)
        {
            var p = P(s.Rel);
            switch (s.Kind)
            {
                case TarEntryKind.Directory: if (!(s.Rel is [(byte)'.'])) Native.Mkdir(p); break;
                case TarEntryKind.RegularFile: Native.WriteFile(p, s.Content); break;
                case TarEntryKind.Symlink: Native.Symlink(s.Link, p); break;
                case TarEntryKind.HardLink: Native.Link(P(s.Link[2..]), p); break;
                case TarEntryKind.Fifo: Native.Mknod(p, 0x1000u | (uint)s.Mode, 0); break;
                case TarEntryKind.CharDevice: Native.Mknod(p, 0x2000u | (uint)s.Mode, Native.MakeDev(s.Major, s.Minor)); break;
                case TarEntryKind.BlockDevice: Native.Mknod(p, 0x6000u | (uint)s.Mode, Native.MakeDev(s.Major, s.Minor)); break;
            }
        }
        // modes and times last, deepest first (creating children changes a directory's mtime)
        foreach (var s in specs.OrderByDescending(s => s.Rel.Length))
        {
            if (s.Kind == TarEntryKind.HardLink) continue;
            var p = P(s.Rel);
            if (s.Kind != TarEntryKind.Symlink) Native.Chmod(p, s.Mode);
            Native.SetTimes(p, s.Atime, s.Mtime);
        }
    }

    [Theory]
    [InlineData("v7")]
    [InlineData("ustar")]
    [InlineData("oldgnu")]
    [InlineData("gnu")]
    [InlineData("posix")]
    public void Reads_every_field_GNU_tar_writes(string format)
    {
        using var t = new ArchiveTemp();
        var caps = CapsOf(format);
        var specs = Tree(caps);
        string root = t.PathOf("d");
        Directory.CreateDirectory(root);
        Build(root, specs);
        string archive = t.PathOf("a.tar");
        long uid = caps.LargeIds ? 3_000_000_000 : 1000, gid = caps.LargeIds ? 3_000_000_001 : 2000;
        Tools.Tar($"--format={format}", "--sort=name", $"--owner=alice:{uid}", $"--group=staff:{gid}", "-cf", archive, "-C", root, ".");

        var entries = ReadAll(archive, out var end);
        Assert.Equal(TarArchiveEnd.TwoZeroBlocks, end);
        Assert.Equal(specs.Count, entries.Count);
        var byName = entries.ToDictionary(e => Hex(e.Entry.Name));
        var rootB = Encoding.UTF8.GetBytes(root);
        foreach (var s in specs)
        {
            Assert.True(byName.TryGetValue(Hex(s.ArchiveNameBytes), out var r), $"{format}: no entry named {TarText.Display(s.ArchiveNameBytes)}");
            var e = r!.Entry;
            string what = $"{format} {e.DisplayName}";
            Assert.True(s.Kind == e.Kind, $"{what}: kind {e.Kind}, expected {s.Kind}");
            Assert.Equal(s.Link, e.LinkName);
            if (s.Kind != TarEntryKind.Symlink) Assert.True(s.Mode == e.Mode, $"{what}: mode {Convert.ToString(e.Mode, 8)}, expected {Convert.ToString(s.Mode, 8)}");
            Assert.Equal(uid, e.Uid);
            Assert.Equal(gid, e.Gid);
            Assert.Equal(caps.Owners ? B("alice") : [], e.UserName);
            Assert.Equal(caps.Owners ? B("staff") : [], e.GroupName);
            var expectedData = s.Kind == TarEntryKind.RegularFile ? s.Content : [];
            Assert.Equal(expectedData.Length, e.Size);
            Assert.True(expectedData.AsSpan().SequenceEqual(r.Data), $"{what}: data differs");
            var mt = caps.Subsecond ? s.Mtime : TarTimestamp.FromSeconds(s.Mtime.Seconds);
            Assert.True(mt == e.ModificationTime, $"{what}: mtime {e.ModificationTime}, expected {mt}");
            if (s.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice)
            {
                Assert.Equal(s.Major, e.DevMajor);
                Assert.Equal(s.Minor, e.DevMinor);
            }
            Assert.Null(e.SparseMap);
            Assert.Empty(e.Xattrs);
            if (format == "posix")
            {
                Assert.Equal(TarHeaderFormat.Pax, e.Format);
                if (s.Kind != TarEntryKind.HardLink)
                {
                    Assert.Equal(s.Atime, e.AccessTime);
                    var st = Native.LStat(s.Rel is [(byte)'.'] ? rootB : Native.Join(rootB, s.Rel));
                    Assert.Equal(new TarTimestamp(st.Ctime, (int)st.CtimeNsec), e.ChangeTime);
                }
            }
            else
            {
                Assert.Null(e.AccessTime);
                Assert.Null(e.ChangeTime);
                Assert.Equal(format switch { "v7" => TarHeaderFormat.V7, "ustar" => TarHeaderFormat.Ustar, _ => TarHeaderFormat.Gnu }, e.Format);
            }
        }
        // the two names that are not UTF-8 stay distinct
        Assert.NotEqual(byName[Hex(Raw("./caf\\xe9"))].Data, byName[Hex(Raw("./caf\\xe8"))].Data);
        Assert.Equal("./caf\\xe9", byName[Hex(Raw("./caf\\xe9"))].Entry.DisplayName);
    }

    [Fact]
    public void Reads_binary_xattrs_and_a_file_capability_from_GNU_tar_pax()
    {
        using var t = new ArchiveTemp();
        string root = t.PathOf("d");
        Directory.CreateDirectory(root);
        var rootB = Encoding.UTF8.GetBytes(root);
        var f = Native.Join(rootB, B("capfile"));
        Native.WriteFile(f, B("#!/bin/true\n"), 0x1ED);
        var bin = new byte[] { 0x80, 0xff, 0x00, 0x41, 0xc3, 0x28, 0x0a, 0x3d };
        Native.SetXattr(f, "user.bin", bin);
        Native.SetXattr(f, "user.empty", []);
        Native.SetXattr(f, "user.a=b%c", B("escaped name"));
        Tools.Run(Tools.Which("setcap") ?? "setcap", ["cap_setuid,cap_setgid=ep", Encoding.UTF8.GetString(f)]);
        var cap = Native.GetXattr(f, "security.capability");
        Assert.NotNull(cap);
        Assert.Contains(cap!, b => b >= 0x80 || b == 0); // binary value: a vfs_cap_data structure
        var raw = Native.Join(rootB, Raw("x\\xff"));
        Native.WriteFile(raw, B("raw"));
        Native.SetXattr(raw, "user.k", new byte[] { 0xfe, 0xed });

        string archive = t.PathOf("x.tar");
        Tools.Tar("--format=posix", "--xattrs", "--xattrs-include=*", "--sort=name", "-cf", archive, "-C", root, ".");
        var entries = ReadAll(archive, out _);
        var e = entries.Single(x => x.Entry.Name.AsSpan().SequenceEqual("./capfile"u8)).Entry;
        var x = e.Xattrs.ToDictionary(a => a.Name, a => a.Value);
        Assert.Equal(bin, x["user.bin"]);
        Assert.Equal(cap, x["security.capability"]);
        Assert.Equal(B("escaped name"), x["user.a=b%c"]);
        // GNU tar writes an empty value as an empty record (and restores it on extraction): an attribute with an empty value
        Assert.Empty(x["user.empty"]);
        Assert.Equal(4, x.Count);
        var er = entries.Single(x => x.Entry.Name.AsSpan().SequenceEqual(Raw("./x\\xff"))).Entry;
        Assert.Equal(new byte[] { 0xfe, 0xed }, er.Xattrs.Single(a => a.Name == "user.k").Value);
        Assert.DoesNotContain(e.PaxRecords, r => r.Key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal));
    }

    public static IEnumerable<object[]> SparseFormats() =>
    [
        ["posix", "0.0"], ["posix", "0.1"], ["posix", "1.0"], ["gnu", ""], ["oldgnu", ""],
    ];

    [Theory]
    [MemberData(nameof(SparseFormats))]
    public void Reads_sparse_files_in_every_GNU_sparse_version(string format, string version)
    {
        using var t = new ArchiveTemp();
        string root = t.PathOf("d");
        Directory.CreateDirectory(root);
        var rootB = Encoding.UTF8.GetBytes(root);
        var rnd = new Random(7);
        // 30 data extents (more than the 4 + 21 slots of old GNU headers: two extension blocks), 4 KiB aligned, then a hole to the end
        var chunks = new List<(long Offset, byte[] Data)>();
        for (int i = 0; i < 30; i++)
        {
            var d = new byte[4096 * (1 + i % 3)];
            rnd.NextBytes(d);
            chunks.Add((65536L * (2 * i + 1), d));
        }
        long size = 65536L * 64 + 1234;
        Native.WriteSparse(Native.Join(rootB, B("holes")), size, chunks);
        // a sparse file that ends with data, and one that is all hole
        var tail = new byte[8192];
        rnd.NextBytes(tail);
        Native.WriteSparse(Native.Join(rootB, B("tail")), 1 << 20, [(1048576 - 8192, tail)]);
        Native.WriteSparse(Native.Join(rootB, B("nothing")), 5 << 20, []);

        string archive = t.PathOf("s.tar");
        var args = new List<string> { $"--format={format}", "--sparse", "--sort=name" };
        if (version.Length > 0) args.Add($"--sparse-version={version}");
        args.AddRange(["-cf", archive, "-C", root, "holes", "tail", "nothing"]);
        Tools.Tar(args.ToArray());

        var expectedHoles = new byte[size];
        foreach (var (o, d) in chunks) d.CopyTo(expectedHoles, o);
        var expectedTail = new byte[1 << 20];
        tail.CopyTo(expectedTail, (1 << 20) - 8192);
        var expected = new Dictionary<string, (byte[] Data, List<(long, long)> Segments)>
        {
            ["holes"] = (expectedHoles, chunks.Select(c => (c.Offset, (long)c.Data.Length)).ToList()),
            ["tail"] = (expectedTail, [((1 << 20) - 8192, 8192)]),
            ["nothing"] = (new byte[5 << 20], []),
        };

        using var fs = File.OpenRead(archive);
        using var reader = new TarArchiveReader(fs);
        int n = 0;
        int round = 0;
        TarEntry? e;
        while ((e = reader.Next()) is not null)
        {
            n++;
            string name = Encoding.UTF8.GetString(e.Name);
            var (data, segs) = expected[name];
            Assert.Equal(TarEntryKind.RegularFile, e.Kind);
            Assert.Equal(data.Length, e.Size);
            Assert.NotNull(e.SparseMap);
            if (format != "posix") Assert.Equal((byte)'S', e.TypeFlag); // old GNU sparse header
            // the map names exactly the data extents (GNU tar may add a zero-length segment at the end of the file)
            Assert.Equal(segs, e.SparseMap!.Where(s => s.Length > 0).Select(s => (s.Offset, s.Length)).ToList());
            Assert.All(e.SparseMap!.Where(s => s.Length == 0), s => Assert.Equal(e.Size, s.Offset));
            Assert.DoesNotContain(e.PaxRecords, r => r.Key.StartsWith("GNU.sparse", StringComparison.Ordinal));
            // alternately read the logical stream, and copy segments into a file keeping holes
            if (round++ % 2 == 0)
            {
                var ms = new MemoryStream();
                reader.GetDataStream().CopyTo(ms);
                Assert.True(data.AsSpan().SequenceEqual(ms.ToArray()), $"{format} {version} {name}: logical data differs");
            }
            else
            {
                string outPath = t.PathOf("out-" + name);
                using (var o = new FileStream(outPath, FileMode.CreateNew, FileAccess.ReadWrite))
                    Assert.Equal(e.Size, reader.CopyDataTo(o));
                Assert.True(data.AsSpan().SequenceEqual(File.ReadAllBytes(outPath)), $"{format} {version} {name}: extracted data differs");
                var st = Native.LStat(Encoding.UTF8.GetBytes(outPath));
                long allocated = st.Blocks * 512;
                long dataBytes = segs.Sum(s => s.Item2);
                Assert.True(allocated <= dataBytes + 65536, $"{name}: {allocated} bytes allocated for {dataBytes} data bytes: holes were filled");
            }
        }
        Assert.Equal(3, n);
        Assert.Equal(TarArchiveEnd.TwoZeroBlocks, reader.End);
    }

    [Fact]
    public void Segments_are_delivered_at_their_offsets()
    {
        using var t = new ArchiveTemp();
        string root = t.PathOf("d");
        Directory.CreateDirectory(root);
        var d1 = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray();
        Native.WriteSparse(Encoding.UTF8.GetBytes(root + "/f"), 1 << 20, [(65536, d1), (524288, d1)]);
        string archive = t.PathOf("s.tar");
        Tools.Tar("--format=posix", "--sparse", "--sparse-version=1.0", "-cf", archive, "-C", root, "f");
        using var reader = new TarArchiveReader(File.OpenRead(archive));
        var e = reader.Next()!;
        var got = new List<(long, byte[])>();
        long total = reader.ReadDataSegments((off, data) => got.Add((off, data.ToArray())));
        Assert.Equal(8192, total);
        var merged = new Dictionary<long, byte>();
        foreach (var (off, data) in got)
            for (int i = 0; i < data.Length; i++) merged[off + i] = data[i];
        Assert.Equal(8192, merged.Count);
        for (int i = 0; i < 4096; i++)
        {
            Assert.Equal(d1[i], merged[65536 + i]);
            Assert.Equal(d1[i], merged[524288 + i]);
        }
        Assert.Throws<InvalidOperationException>(() => reader.GetDataStream());
        Assert.Null(reader.Next());
    }
}
