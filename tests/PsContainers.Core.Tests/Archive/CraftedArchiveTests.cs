using System.Text;
using PsContainers.Core.Archive;
using static PsContainers.Core.Tests.Archive.ArchiveRead;

namespace PsContainers.Core.Tests.Archive;

/// <summary>Archives built byte by byte in the test (independently of <see cref="TarArchiveWriter"/>), for the cases GNU tar
/// will not produce: malformed, truncated, unusual endings, global headers, base-256 fields, refused types.</summary>
public class CraftedArchiveTests
{

    private static TarFormatException ReadFails(byte[] archive)
    {
        using var r = new TarArchiveReader(new MemoryStream(archive));
        return Assert.Throws<TarFormatException>(() =>
        {
            while (r.Next() is not null) r.GetDataStream().CopyTo(Stream.Null);
        });
    }

    [Fact]
    public void A_global_header_applies_to_the_following_entries_and_empty_values_delete()
    {
        var a = new RawTar()
            .Pax((byte)'g', ("uname", B("globaluser")), ("mtime", B("1700000000.5")), ("comment", B("hi")))
            .File(B("one"), B("1"))
            .Pax((byte)'x', ("uname", []), ("mtime", B("5")))
            .File(B("two"), B("22"))
            .Pax((byte)'g', ("comment", []))
            .File(B("three"), B("333"))
            .End().Bytes;
        using var r = new TarArchiveReader(new MemoryStream(a));
        var one = r.Next()!;
        Assert.Equal(B("one"), one.Name);
        Assert.Equal(B("globaluser"), one.UserName);
        Assert.Equal(new TarTimestamp(1_700_000_000, 500_000_000), one.ModificationTime);
        Assert.Equal(B("hi"), one.GetPaxRecord("comment"));
        Assert.Equal(TarHeaderFormat.Pax, one.Format);
        var two = r.Next()!;
        Assert.Equal(B("hdr"), two.UserName); // the per-file empty value removes the global one: the header field applies
        Assert.Equal(TarTimestamp.FromSeconds(5), two.ModificationTime);
        Assert.Equal(B("hi"), two.GetPaxRecord("comment"));
        var three = r.Next()!;
        Assert.Equal(B("globaluser"), three.UserName);
        Assert.Null(three.GetPaxRecord("comment"));
        Assert.Equal(new TarTimestamp(1_700_000_000, 500_000_000), three.ModificationTime);
        Assert.Equal(2, r.GlobalPaxRecords.Count);
        Assert.Null(r.Next());
        Assert.Equal(TarArchiveEnd.TwoZeroBlocks, r.End);
    }

    [Fact]
    public void Pax_records_set_every_field()
    {
        var a = new RawTar()
            .Pax((byte)'x',
                ("hdrcharset", B("BINARY")),
                ("path", Raw_("dir/caf\\xe9")),
                ("size", B("7")),
                ("uid", B("3000000000")),
                ("gid", B("4000000000")),
                ("uname", Raw_("u\\xff")),
                ("gname", B("g")),
                ("mtime", B("-1.75")),
                ("atime", B("1.000000001999")),
                ("ctime", B("12")),
                ("SCHILY.xattr.user.bin", [0x00, 0x80, 0xff, (byte)'\n']),
                ("SCHILY.xattr.user.a%3Db", B("v")),
                ("LIBARCHIVE.xattr.user.%C3%A9t%3D", B("gKs")), // base64 without padding: 80 AB
                ("LIBARCHIVE.xattr.user.bin", B("AID/Cg==")),   // same attribute again: keeps its position, last value wins
                ("vendor.key", [1, 2, 3]))
            .File(B("ignored"), B("1234567"), tweak: h => RawTar.Oct(h, 124, 12, 0))
            .End().Bytes;
        // the header says size 0: the pax size (7) must win, else the data would be parsed as a header
        var list = ReadAll(a, out _);
        var e = Assert.Single(list).Entry;
        Assert.Equal(Raw_("dir/caf\\xe9"), e.Name);
        Assert.Equal(7, e.Size);
        Assert.Equal(B("1234567"), list[0].Data);
        Assert.Equal(3_000_000_000, e.Uid);
        Assert.Equal(4_000_000_000, e.Gid);
        Assert.Equal(Raw_("u\\xff"), e.UserName);
        Assert.Equal(B("g"), e.GroupName);
        Assert.Equal(new TarTimestamp(-2, 250_000_000), e.ModificationTime);
        Assert.Equal(new TarTimestamp(1, 1), e.AccessTime);
        Assert.Equal(TarTimestamp.FromSeconds(12), e.ChangeTime);
        Assert.Equal(["user.bin", "user.a=b", "user.\u00e9t="], e.Xattrs.Select(x => x.Name));
        Assert.Equal(new byte[] { 0x00, 0x80, 0xff, 0x0a }, e.Xattrs[0].Value);
        Assert.Equal(B("v"), e.Xattrs[1].Value);
        Assert.Equal(new byte[] { 0x80, 0xab }, e.Xattrs[2].Value);
        Assert.Equal(new byte[] { 1, 2, 3 }, e.GetPaxRecord("vendor.key"));
        Assert.Single(e.PaxRecords);
    }

    private static byte[] Raw_(string s) => ArchiveRead.Raw(s);

    [Fact]
    public void A_pax_record_that_lies_about_its_length_is_invalid()
    {
        // claims 30 bytes, holds 12
        var lieLong = new RawTar().File(B("PaxHeaders/x"), B("30 path=abc\n"), (byte)'x').File(B("f"), B("x")).End().Bytes;
        var e1 = ReadFails(lieLong);
        Assert.Equal(TarFormatErrorKind.Invalid, e1.Kind);
        Assert.Contains("claims 30 bytes", e1.Message);
        // claims 11, the record is 12: the 11th byte is not the newline
        var lieShort = new RawTar().File(B("PaxHeaders/x"), B("11 path=abc\n"), (byte)'x').File(B("f"), B("x")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(lieShort).Kind);
        // not a number
        var notNum = new RawTar().File(B("PaxHeaders/x"), B("1x path=abc\n"), (byte)'x').File(B("f"), B("x")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(notNum).Kind);
        // a value that must be a number and is not
        var badUid = new RawTar().Pax((byte)'x', ("uid", B("-1"))).File(B("f"), B("x")).End().Bytes;
        Assert.Contains("'uid'", ReadFails(badUid).Message);
        var badTime = new RawTar().Pax((byte)'x', ("mtime", B("1.2.3"))).File(B("f"), B("x")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(badTime).Kind);
        var nul = new RawTar().Pax((byte)'x', ("path", B("a\0b"))).File(B("f"), B("x")).End().Bytes;
        Assert.Contains("NUL", ReadFails(nul).Message);
        var bigSize = new RawTar().Pax((byte)'x', ("size", B("99999999999999999999"))).File(B("f"), B("x")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(bigSize).Kind);
    }

    [Fact]
    public void A_bad_checksum_is_invalid_and_names_the_entry_displayably()
    {
        var h = RawTar.Header(Raw_("caf\\xe9"), (byte)'0', 0);
        h[148] = (byte)'7'; // corrupt the recorded sum
        var ex = ReadFails(new RawTar().File(B("ok"), B("x")).Add(h).End().Bytes);
        Assert.Equal(TarFormatErrorKind.Invalid, ex.Kind);
        Assert.Contains("checksum", ex.Message);
        Assert.IsAssignableFrom<FormatException>(ex); // existing catch (FormatException) clauses keep working
        Assert.Equal("caf\\xe9", ex.EntryName);
        Assert.Equal(Raw_("caf\\xe9"), ex.EntryNameBytes);
        Assert.Equal(1024, ex.Offset);
        // a byte flipped elsewhere in the header
        var h2 = RawTar.Header(B("f"), (byte)'0', 0);
        h2[300] ^= 0x01;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(new RawTar().Add(h2).End().Bytes).Kind);
    }

    [Fact]
    public void A_signed_checksum_is_accepted()
    {
        var name = Raw_("\\xe9\\xe8\\xff");
        var signedHeader = RawTar.Header(name, (byte)'0', 0, signedChecksum: true);
        var list = ReadAll(new RawTar().Add(signedHeader).End().Bytes, out _);
        Assert.Equal(name, Assert.Single(list).Entry.Name);
    }

    [Fact]
    public void After_an_error_the_reader_refuses_to_continue()
    {
        var h = RawTar.Header(B("f"), (byte)'0', 0);
        h[148] = (byte)'7';
        using var r = new TarArchiveReader(new MemoryStream(new RawTar().Add(h).End().Bytes));
        Assert.Throws<TarFormatException>(() => r.Next());
        Assert.Throws<InvalidOperationException>(() => r.Next());
    }

    [Fact]
    public void Truncation_is_reported_as_truncated()
    {
        var whole = new RawTar().File(B("f"), new byte[1000]).End().Bytes;
        // EOF inside the header
        var e1 = ReadFails(whole[..300]);
        Assert.Equal(TarFormatErrorKind.Truncated, e1.Kind);
        // EOF inside the data, read through the data stream
        var e2 = ReadFails(whole[..(512 + 600)]);
        Assert.Equal(TarFormatErrorKind.Truncated, e2.Kind);
        Assert.Equal("f", e2.EntryName);
        // EOF inside the data, skipped by Next
        using (var r = new TarArchiveReader(new MemoryStream(whole[..(512 + 600)])))
        {
            Assert.NotNull(r.Next());
            Assert.Equal(TarFormatErrorKind.Truncated, Assert.Throws<TarFormatException>(() => r.Next()).Kind);
        }
        // EOF inside the data, read by segments
        using (var r = new TarArchiveReader(new MemoryStream(whole[..(512 + 600)])))
        {
            Assert.NotNull(r.Next());
            Assert.Equal(TarFormatErrorKind.Truncated, Assert.Throws<TarFormatException>(() => r.ReadDataSegments((_, _) => { })).Kind);
        }
        // EOF inside the padding
        Assert.Equal(TarFormatErrorKind.Truncated, ReadFails(whole[..(512 + 1010)]).Kind);
        // EOF inside a pax extended header, and right after one
        var pax = new RawTar().Pax((byte)'x', ("path", B(new string('p', 300)))).File(B("f"), B("x")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Truncated, ReadFails(pax[..(512 + 100)]).Kind);
        Assert.Equal(TarFormatErrorKind.Truncated, ReadFails(pax[..1024]).Kind);
    }

    [Fact]
    public void Endings_are_told_apart()
    {
        var entry = new RawTar().File(B("f"), B("hello")).Bytes; // 1024 bytes: header, data, padding
        ReadAll(new RawTar().Add(entry).End().Bytes, out var end);
        Assert.Equal(TarArchiveEnd.TwoZeroBlocks, end);
        ReadAll(new RawTar().Add(entry).Add(new byte[512]).Bytes, out end);
        Assert.Equal(TarArchiveEnd.OneZeroBlock, end);
        ReadAll(entry, out end);
        Assert.Equal(TarArchiveEnd.EndOfStream, end);
        var lone = ReadAll(new RawTar().Add(entry).Add(new byte[512]).File(B("g"), B("after")).End().Bytes, out end);
        Assert.Equal(TarArchiveEnd.ZeroBlockThenData, end);
        Assert.Single(lone);
        Assert.Empty(ReadAll(Array.Empty<byte>(), out end));
        Assert.Equal(TarArchiveEnd.EndOfStream, end);
        // a directory (no data) then EOF
        ReadAll(RawTar.Header(B("d/"), (byte)'5', 0), out end);
        Assert.Equal(TarArchiveEnd.EndOfStream, end);
    }

    [Fact]
    public void The_umoci_ending_without_padding_is_clean_only_when_all_data_is_there()
    {
        var entry = new RawTar().File(B("a"), B("first")).Add(RawTar.Header(B("f"), (byte)'0', 5)).Add(B("hello")).Bytes;
        var list = ReadAll(entry, out var end);
        Assert.Equal(2, list.Count);
        Assert.Equal(B("hello"), list[1].Data);
        Assert.Equal(TarArchiveEnd.EndOfStreamWithoutPadding, end);
        // unread data is skipped, then the same ending
        using (var r = new TarArchiveReader(new MemoryStream(entry)))
        {
            Assert.NotNull(r.Next());
            Assert.NotNull(r.Next());
            Assert.Null(r.Next());
            Assert.Equal(TarArchiveEnd.EndOfStreamWithoutPadding, r.End);
        }
        // one byte short: truncated
        Assert.Equal(TarFormatErrorKind.Truncated, ReadFails(entry[..^1]).Kind);
    }

    [Fact]
    public void Base256_fields_are_decoded()
    {
        var data = B("abcde");
        var h = RawTar.Header(B("big"), (byte)'0', 0, magic: "ustar  \0", tweak: x =>
        {
            RawTar.B256(x, 124, 12, 5);                 // size
            RawTar.B256(x, 108, 8, 3_000_000_000);      // uid
            RawTar.B256(x, 116, 8, 0x7FFF_FFFF_FFFF_FF); // gid
            RawTar.B256(x, 136, 12, -5);                // mtime before 1970
        });
        var list = ReadAll(new RawTar().Add(h).Add(data).Pad().End().Bytes, out _);
        var e = Assert.Single(list).Entry;
        Assert.Equal(5, e.Size);
        Assert.Equal(data, list[0].Data);
        Assert.Equal(3_000_000_000, e.Uid);
        Assert.Equal(0x7FFF_FFFF_FFFF_FF, e.Gid);
        Assert.Equal(TarTimestamp.FromSeconds(-5), e.ModificationTime);
        Assert.Equal(TarHeaderFormat.Gnu, e.Format);

        var far = RawTar.Header(B("far"), (byte)'0', 0, magic: "ustar  \0", tweak: x => RawTar.B256(x, 136, 12, 1L << 40));
        Assert.Equal(TarTimestamp.FromSeconds(1L << 40), ReadAll(new RawTar().Add(far).End().Bytes, out _)[0].Entry.ModificationTime);

        // a 12-byte base-256 number beyond 2^63 overflows
        var over = RawTar.Header(B("over"), (byte)'0', 0, magic: "ustar  \0", tweak: x => { x.AsSpan(124, 12).Clear(); x[124] = 0x80; x[127] = 0x01; });
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(new RawTar().Add(over).End().Bytes).Kind);
        // a negative size is invalid
        var neg = RawTar.Header(B("neg"), (byte)'0', 0, magic: "ustar  \0", tweak: x => RawTar.B256(x, 124, 12, -512));
        var ex = ReadFails(new RawTar().Add(neg).End().Bytes);
        Assert.Equal(TarFormatErrorKind.Invalid, ex.Kind);
        Assert.Contains("negative", ex.Message);
        // garbage in an octal field is invalid
        var garbage = RawTar.Header(B("g"), (byte)'0', 0, tweak: x => { x[124] = (byte)'9'; });
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(new RawTar().Add(garbage).End().Bytes).Kind);
    }

    [Theory]
    [InlineData('D', "dump directories")]
    [InlineData('M', "multi-volume")]
    [InlineData('V', "volume labels")]
    public void GNU_dumpdir_multivolume_and_volume_label_entries_are_refused(char type, string words)
    {
        var a = new RawTar().File(B("ok"), B("x")).File(B("odd"), B("Yabc\0\0"), (byte)type, magic: "ustar  \0").End().Bytes;
        using var r = new TarArchiveReader(new MemoryStream(a));
        Assert.NotNull(r.Next());
        var ex = Assert.Throws<TarFormatException>(() => r.Next());
        Assert.Equal(TarFormatErrorKind.Unsupported, ex.Kind);
        Assert.Contains(words, ex.Message);
        Assert.Equal("odd", ex.EntryName);
    }

    [Fact]
    public void An_unknown_type_is_surfaced_with_its_flag_and_data()
    {
        var a = new RawTar().File(B("vendor"), B("payload"), (byte)'Z').File(B("next"), B("n")).End().Bytes;
        var list = ReadAll(a, out _);
        Assert.Equal(TarEntryKind.Unknown, list[0].Entry.Kind);
        Assert.Equal((byte)'Z', list[0].Entry.TypeFlag);
        Assert.Equal(B("payload"), list[0].Data);
        Assert.Equal(B("next"), list[1].Entry.Name);
    }

    [Fact]
    public void V7_and_old_regular_types_with_a_trailing_slash_are_directories()
    {
        var a = new RawTar()
            .Add(RawTar.Header(B("olddir/"), (byte)'0', 0, magic: ""))
            .Add(RawTar.Header(B("areg/"), 0, 0))
            .Add(RawTar.Header(B("file"), 0, 0, magic: ""))
            .End().Bytes;
        var list = ReadAll(a, out _);
        Assert.Equal(TarEntryKind.Directory, list[0].Entry.Kind);
        Assert.Equal(TarHeaderFormat.V7, list[0].Entry.Format);
        Assert.Empty(list[0].Entry.UserName); // no owner names in V7
        Assert.Equal(TarEntryKind.Directory, list[1].Entry.Kind);
        Assert.Equal(TarEntryKind.RegularFile, list[2].Entry.Kind);
    }

    [Fact]
    public void Ustar_prefix_and_gnu_long_names_are_joined_and_pax_wins()
    {
        string prefix = new('p', 150), name = new('n', 100);
        var ustar = RawTar.Header(B(name), (byte)'0', 0, tweak: h => B(prefix).CopyTo(h, 345));
        Assert.Equal(B(prefix + "/" + name), ReadAll(new RawTar().Add(ustar).End().Bytes, out _)[0].Entry.Name);

        var longName = Raw_("gnu/long/\\xff" + new string('q', 300));
        var longLink = Raw_("target/\\xfe" + new string('r', 300));
        var gnu = new RawTar()
            .File(B("././@LongLink"), [.. longName, 0], (byte)'L', magic: "ustar  \0")
            .File(B("././@LongLink"), [.. longLink, 0], (byte)'K', magic: "ustar  \0")
            .Add(RawTar.Header(longName[..100], (byte)'2', 0, magic: "ustar  \0", link: longLink[..100]))
            .End().Bytes;
        var e = ReadAll(gnu, out _)[0].Entry;
        Assert.Equal(longName, e.Name);
        Assert.Equal(longLink, e.LinkName);
        Assert.Equal(TarEntryKind.Symlink, e.Kind);

        var both = new RawTar()
            .File(B("././@LongLink"), [.. longName, 0], (byte)'L', magic: "ustar  \0")
            .Pax((byte)'x', ("path", B("from/pax")))
            .Add(RawTar.Header(B("short"), (byte)'0', 0))
            .End().Bytes;
        Assert.Equal(B("from/pax"), ReadAll(both, out _)[0].Entry.Name);
    }

    [Fact]
    public void Partial_reads_are_skipped_by_Next()
    {
        var big = new byte[700_000];
        new Random(3).NextBytes(big);
        var a = new RawTar().File(B("big"), big).File(B("after"), B("ok")).End().Bytes;
        using var r = new TarArchiveReader(new MemoryStream(a));
        r.Next();
        var s = r.GetDataStream();
        var buf = new byte[1000];
        Assert.Equal(1000, s.Read(buf));
        Assert.Equal(big[..1000], buf);
        var after = r.Next()!;
        Assert.Equal(B("after"), after.Name);
        Assert.Throws<InvalidOperationException>(() => s.Read(buf));
        var ms = new MemoryStream();
        r.GetDataStream().CopyTo(ms);
        Assert.Equal(B("ok"), ms.ToArray());
    }

    [Fact]
    public void Pax_sparse_maps_that_do_not_add_up_are_invalid_and_unknown_versions_unsupported()
    {
        // 0.1 map covering 10 bytes but 5 stored
        var bad = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.size", B("100")), ("GNU.sparse.map", B("0,10")), ("GNU.sparse.name", B("s")))
            .File(B("GNUSparseFile.1/s"), B("12345")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(bad).Kind);
        // overlapping segments
        var overlap = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.size", B("100")), ("GNU.sparse.map", B("0,5,3,5")))
            .File(B("s"), B("1234512345")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(overlap).Kind);
        // a segment past the real size
        var past = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.size", B("4")), ("GNU.sparse.map", B("0,5")))
            .File(B("s"), B("12345")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(past).Kind);
        // a future version
        var v2 = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.major", B("2")), ("GNU.sparse.minor", B("0")), ("GNU.sparse.realsize", B("5")))
            .File(B("s"), B("12345")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Unsupported, ReadFails(v2).Kind);
        // 0.0 with an offset and no numbytes
        var half = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.size", B("10")), ("GNU.sparse.offset", B("0")))
            .File(B("s"), B("12345")).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(half).Kind);
        // a good 0.0 map with a hole at the start, as a check of the above
        var good = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.size", B("10")), ("GNU.sparse.numblocks", B("1")), ("GNU.sparse.offset", B("5")), ("GNU.sparse.numbytes", B("5")))
            .File(B("s"), B("12345")).End().Bytes;
        var e = ReadAll(good, out _)[0];
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5' }, e.Data);
        Assert.Equal([new TarSparseSegment(5, 5)], e.Entry.SparseMap);
    }

    [Fact]
    public void A_sparse_1_0_map_that_is_malformed_is_invalid()
    {
        var data = new byte[1024];
        B("1\n0\nx\n").CopyTo(data, 0);
        var a = new RawTar()
            .Pax((byte)'x', ("GNU.sparse.major", B("1")), ("GNU.sparse.minor", B("0")), ("GNU.sparse.realsize", B("5")), ("GNU.sparse.name", B("s")))
            .File(B("GNUSparseFile.0/s"), data).End().Bytes;
        Assert.Equal(TarFormatErrorKind.Invalid, ReadFails(a).Kind);
    }

    [Fact]
    public void Oversized_extended_headers_are_refused_before_reading_them()
    {
        var h = RawTar.Header(B("PaxHeaders/x"), (byte)'x', 1L << 40);
        using var r = new TarArchiveReader(new MemoryStream(new RawTar().Add(h).End().Bytes));
        Assert.Equal(TarFormatErrorKind.Unsupported, Assert.Throws<TarFormatException>(() => r.Next()).Kind);
    }
}
