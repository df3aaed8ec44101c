using System.Text;

namespace PsContainers.Core.Tests.Archive;

/// <summary>
/// Tar bytes built by hand, independently of <see cref="PsContainers.Core.Archive.TarArchiveWriter"/>, for what GNU tar
/// will not produce: malformed, truncated and hostile archives (the archive codec's and the layer extractor's tests).
/// Headers are POSIX ustar (IEEE Std 1003.1-2017, pax "ustar Interchange Format"): octal fields, the checksum over the
/// header with its own field read as spaces; <see cref="B256"/> writes GNU's base-256 numbers.
/// </summary>
internal sealed class RawTar
{
    public const string Ustar = "ustar\0" + "00";
    private readonly MemoryStream _ms = new();
    private readonly long _uid, _gid;
    private readonly string _uname, _gname;

    /// <summary>Entries owned by uid 1, gid 2, named "hdr" and "grp" (the archive codec's tests).</summary>
    public RawTar() : this(1, 2, "hdr", "grp") { }

    private RawTar(long uid, long gid, string uname, string gname) { _uid = uid; _gid = gid; _uname = uname; _gname = gname; }

    /// <summary>Entries owned by 0:0 with no user or group names (the layer extractor's tests).</summary>
    public static RawTar RootOwned() => new(0, 0, "", "");

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Header(byte[] name, byte type, long size, string magic = Ustar,
        Action<byte[]>? tweak = null, bool signedChecksum = false, long mtime = 1_600_000_000, long uid = 1, long gid = 2,
        string uname = "hdr", string gname = "grp", byte[]? link = null, int mode = 0x1A4)
    {
        var h = new byte[512];
        name.CopyTo(h, 0);
        Oct(h, 100, 8, mode);
        Oct(h, 108, 8, uid);
        Oct(h, 116, 8, gid);
        Oct(h, 124, 12, size);
        Oct(h, 136, 12, mtime);
        h[156] = type;
        (link ?? []).CopyTo(h, 157);
        Encoding.Latin1.GetBytes(magic).CopyTo(h, 257);
        if (magic.StartsWith("ustar", StringComparison.Ordinal))
        {
            Encoding.ASCII.GetBytes(uname).CopyTo(h, 265);
            Encoding.ASCII.GetBytes(gname).CopyTo(h, 297);
        }
        tweak?.Invoke(h);
        h.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in h) sum += signedChecksum ? (sbyte)b : b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum & 0x3FFFF, 8).PadLeft(6, '0') + "\0").CopyTo(h, 148);
        return h;
    }

    public static void Oct(byte[] h, int off, int len, long v) =>
        Encoding.ASCII.GetBytes(Convert.ToString(v, 8).PadLeft(len - 1, '0') + "\0").CopyTo(h, off);

    /// <summary>GNU base-256: 0x80 (or 0xFF.. for negatives) then big-endian two's complement.</summary>
    public static void B256(byte[] h, int off, int len, long v)
    {
        for (int i = len - 1; i >= 0; i--) { h[off + i] = (byte)(v & 0xff); v >>= 8; }
        h[off] = (byte)((h[off] & 0x7f) | 0x80);
    }

    /// <summary>pax extended-header records: "&lt;length&gt; &lt;key&gt;=&lt;value&gt;\n", the length counting itself.</summary>
    public static byte[] PaxData(params (string Key, byte[] Value)[] recs)
    {
        var ms = new MemoryStream();
        foreach (var (k, v) in recs)
        {
            int body = 1 + Encoding.UTF8.GetByteCount(k) + 1 + v.Length + 1;
            int len = body + 1;
            while (len != body + len.ToString().Length) len = body + len.ToString().Length;
            ms.Write(Encoding.ASCII.GetBytes(len + " " + k + "="));
            ms.Write(v);
            ms.WriteByte((byte)'\n');
        }
        return ms.ToArray();
    }

    /// <summary>A header with this builder's owner.</summary>
    public byte[] OwnedHeader(byte[] name, byte type, long size, string magic = Ustar, Action<byte[]>? tweak = null, byte[]? link = null, int mode = 0x1A4) =>
        Header(name, type, size, magic, tweak, uid: _uid, gid: _gid, uname: _uname, gname: _gname, link: link, mode: mode);

    public RawTar Add(byte[] bytes) { _ms.Write(bytes); return this; }
    public RawTar Pad() { while (_ms.Length % 512 != 0) _ms.WriteByte(0); return this; }

    public RawTar File(byte[] name, byte[] data, byte type = (byte)'0', Action<byte[]>? tweak = null, string magic = Ustar, int mode = 0x1A4)
    {
        Add(OwnedHeader(name, type, data.Length, magic, tweak, mode: mode));
        Add(data);
        return Pad();
    }

    public RawTar File(string name, byte[] data, byte type = (byte)'0', Action<byte[]>? tweak = null, string magic = Ustar, int mode = 0x1A4) =>
        File(B(name), data, type, tweak, magic, mode);

    /// <summary>An entry with no data: a directory, a symbolic ('2') or hard ('1') link, a device.</summary>
    public RawTar Entry(string name, byte type, string link = "", int mode = 0x1ED) { Add(OwnedHeader(B(name), type, 0, link: B(link), mode: mode)); return this; }

    /// <summary>A pax header ('x' for the next entry, 'g' global) holding these records.</summary>
    public RawTar Pax(byte type, params (string Key, byte[] Value)[] recs) => File(B("PaxHeaders/x"), PaxData(recs), type);
    public RawTar Pax(params (string Key, byte[] Value)[] recs) => Pax((byte)'x', recs);

    /// <summary>A GNU long name ('L') for the next entry.</summary>
    public RawTar LongName(string name) => File("././@LongLink", [.. B(name), 0], (byte)'L', magic: "ustar  \0");

    /// <summary>The two zero blocks that end an archive.</summary>
    public RawTar End() => Add(new byte[1024]);
    public byte[] Bytes => _ms.ToArray();
}
