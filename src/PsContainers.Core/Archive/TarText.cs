using System.Globalization;
using System.Text;

namespace PsContainers.Core.Archive;

/// <summary>Byte-level helpers shared by the reader and the writer: numeric fields, pax values, display text.</summary>
internal static class TarText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Displayable text: valid UTF-8 sequences kept, invalid bytes and C0/DEL control characters as \xNN, '\' as \\.</summary>
    public static string Display(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b < 0x80)
            {
                if (b < 0x20 || b == 0x7f) sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                else if (b == (byte)'\\') sb.Append("\\\\");
                else sb.Append((char)b);
                i++;
                continue;
            }
            var status = System.Text.Rune.DecodeFromUtf8(bytes[i..], out var rune, out int used);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                i += used;
            }
            else
            {
                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                i++;
            }
        }
        return sb.ToString();
    }

    public static bool IsValidUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    public static string? TryDecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!IsValidUtf8(bytes)) return null;
        return StrictUtf8.GetString(bytes);
    }

    /// <summary>A NUL-terminated string field: the bytes before the first NUL (the whole field when there is none).</summary>
    public static byte[] CString(ReadOnlySpan<byte> field)
    {
        int n = field.IndexOf((byte)0);
        return (n < 0 ? field : field[..n]).ToArray();
    }

    public enum NumberStatus { Ok, Invalid, Overflow }

    /// <summary>
    /// A numeric header field: octal digits (leading spaces allowed, ended by NUL, space or the field end; an all-NUL or
    /// all-space field is 0), or GNU base-256 when the first byte has its high bit set (bit 6 of the first byte is the sign,
    /// the field is a big-endian two's complement number).
    /// </summary>
    public static NumberStatus ParseNumeric(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        if (field.Length == 0) return NumberStatus.Ok;
        if ((field[0] & 0x80) != 0)
        {
            bool negative = (field[0] & 0x40) != 0;
            long v = negative ? -1 : 0;
            for (int i = 0; i < field.Length; i++)
            {
                int b = field[i];
                if (i == 0) b = negative ? (b | 0x80) : (b & 0x7f);
                long top = v >> 55; // the bits that the shift would lose, plus the new sign bit
                if (top != 0 && top != -1) return NumberStatus.Overflow;
                v = (v << 8) | (long)(uint)b;
            }
            // the final sign must agree with the marker
            if ((v < 0) != negative) return NumberStatus.Overflow;
            value = v;
            return NumberStatus.Ok;
        }
        int p = 0;
        while (p < field.Length && field[p] == (byte)' ') p++;
        long acc = 0;
        bool any = false;
        while (p < field.Length && field[p] >= (byte)'0' && field[p] <= (byte)'7')
        {
            if (acc > (long.MaxValue >> 3)) return NumberStatus.Overflow;
            acc = (acc << 3) | (long)(field[p] - '0');
            any = true;
            p++;
        }
        // terminator: NUL or space, then only NULs/spaces
        for (; p < field.Length; p++)
            if (field[p] != 0 && field[p] != (byte)' ') return NumberStatus.Invalid;
        value = any ? acc : 0;
        return NumberStatus.Ok;
    }

    /// <summary>Write <paramref name="value"/> as zero-padded octal digits filling width-1 bytes, then a NUL. False when it does not fit.</summary>
    public static bool TryFormatOctal(Span<byte> field, long value)
    {
        if (value < 0) return false;
        int digits = field.Length - 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[digits] = 0;
        return value == 0;
    }

    /// <summary>Largest value a width-byte octal field (width-1 digits + NUL) can hold.</summary>
    public static long MaxOctal(int width) => (1L << (3 * (width - 1))) - 1;

    /// <summary>A pax decimal integer: ASCII digits only, no sign, no spaces, no overflow.</summary>
    public static bool TryParsePaxUnsigned(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0) return false;
        foreach (byte b in s)
        {
            if (b < (byte)'0' || b > (byte)'9') return false;
            int d = b - '0';
            if (value > (long.MaxValue - d) / 10) return false;
            value = value * 10 + d;
        }
        return true;
    }

    /// <summary>A pax time (POSIX pax "mtime"): optional '-', decimal seconds, optional '.' and fraction digits. The value is the
    /// signed decimal ("-1.75" is 1.75 s before the epoch); fraction digits beyond nanoseconds are dropped from the magnitude.</summary>
    public static bool TryParsePaxTime(ReadOnlySpan<byte> s, out TarTimestamp time)
    {
        time = default;
        bool negative = false;
        if (s.Length > 0 && s[0] == (byte)'-') { negative = true; s = s[1..]; }
        int dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? ReadOnlySpan<byte>.Empty : s[(dot + 1)..];
        if (whole.Length == 0 && frac.Length == 0) return false;
        long secs = 0;
        if (whole.Length > 0 && !TryParsePaxUnsigned(whole, out secs)) return false;
        if (dot >= 0 && frac.Length == 0 && whole.Length == 0) return false;
        long ns = 0;
        for (int i = 0; i < frac.Length; i++)
        {
            byte b = frac[i];
            if (b < (byte)'0' || b > (byte)'9') return false;
            if (i < 9) ns = ns * 10 + (b - '0');
        }
        for (int i = frac.Length; i < 9; i++) ns *= 10;
        if (!negative) { time = new TarTimestamp(secs, (int)ns); return true; }
        if (ns == 0) { time = new TarTimestamp(-secs, 0); return true; }
        time = new TarTimestamp(-secs - 1, (int)(1_000_000_000 - ns));
        return true;
    }

    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    public static byte[] Decimal(long v) => Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture));

    /// <summary>GNU tar's escaping of an xattr name inside a pax keyword: '%' as %25, '=' as %3D (a keyword cannot contain '=').</summary>
    public static string EscapeXattrName(string name) =>
        name.Contains('%') || name.Contains('=') ? name.Replace("%", "%25").Replace("=", "%3D") : name;

    /// <summary>Undo <see cref="EscapeXattrName"/> (only %25 and %3D, case-insensitive hex, are decoded).</summary>
    public static string UnescapeXattrName(string name)
    {
        if (!name.Contains('%')) return name;
        var sb = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '%' && i + 2 < name.Length)
            {
                string h = name.Substring(i + 1, 2);
                if (h == "25") { sb.Append('%'); i += 2; continue; }
                if (h.Equals("3D", StringComparison.OrdinalIgnoreCase)) { sb.Append('='); i += 2; continue; }
            }
            sb.Append(name[i]);
        }
        return sb.ToString();
    }

    /// <summary>RFC 3986 percent-decoding of a libarchive xattr name to bytes; null when an escape is malformed.</summary>
    public static byte[]? UrlDecode(ReadOnlySpan<byte> s)
    {
        var o = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] != (byte)'%') { o.Add(s[i]); continue; }
            if (i + 2 >= s.Length) return null;
            int hi = Hex(s[i + 1]), lo = Hex(s[i + 2]);
            if (hi < 0 || lo < 0) return null;
            o.Add((byte)(hi * 16 + lo));
            i += 2;
        }
        return o.ToArray();
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
