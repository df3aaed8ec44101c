using System.Buffers;
using System.Text;

namespace PsContainers.FileSystem;

/// <summary>
/// File names and paths as bytes, the way the kernel sees them. A Linux name is any byte string without '/' and NUL;
/// it need not be UTF-8 ("caf\xe9" and "caf\xe8" are different files), so the layer never round-trips a name
/// through a .NET string. Strings from callers are encoded strictly as UTF-8; bytes are turned into text only for
/// messages (<see cref="Display"/>) or when a caller really needs a string (<see cref="ToStringStrict"/>, which refuses
/// rather than mangles).
/// </summary>
public static class BytePath
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 bytes of <paramref name="s"/>. Throws <see cref="ArgumentException"/> on a lone surrogate or a NUL.</summary>
    public static byte[] FromString(string s)
    {
        byte[] b;
        try { b = Strict.GetBytes(s); }
        catch (EncoderFallbackException e) { throw new ArgumentException($"The path '{s}' is not valid Unicode.", nameof(s), e); }
        if (b.AsSpan().IndexOf((byte)0) >= 0) throw new ArgumentException("A path cannot contain a NUL character.", nameof(s));
        return b;
    }

    /// <summary>True and the text when <paramref name="bytes"/> are valid UTF-8.</summary>
    public static bool TryToString(ReadOnlySpan<byte> bytes, out string text)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) { text = Encoding.UTF8.GetString(bytes); return true; }
        text = "";
        return false;
    }

    /// <summary>The text of a path that must be valid UTF-8; throws <see cref="FsException"/> (EILSEQ) otherwise, never guesses.</summary>
    public static string ToStringStrict(ReadOnlySpan<byte> bytes) =>
        TryToString(bytes, out var s) ? s : throw new FsException(Errno.EILSEQ, "decode", bytes, "the name is not valid UTF-8");

    /// <summary>
    /// Text for messages and logs only: valid UTF-8 is kept, every other byte and every control character is shown as
    /// \xNN (so "caf\xe9" and "caf\xe8" stay distinguishable). Not reversible; never use it to name a file.
    /// </summary>
    public static string Display(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out int used);
            if (status == OperationStatus.Done && rune.Value >= 0x20 && rune.Value != 0x7f)
                sb.Append(rune.ToString());
            else
                for (int i = 0; i < Math.Max(used, 1); i++) sb.Append("\\x").Append(bytes[i].ToString("x2"));
            bytes = bytes[Math.Max(used, 1)..];
        }
        return sb.ToString();
    }

    /// <summary>The components of a path: split at '/', empty components (repeated or trailing slashes) dropped; "." and ".." kept.</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> path)
    {
        var list = new List<byte[]>();
        while (!path.IsEmpty)
        {
            int i = path.IndexOf((byte)'/');
            var c = i < 0 ? path : path[..i];
            if (!c.IsEmpty) list.Add(c.ToArray());
            if (i < 0) break;
            path = path[(i + 1)..];
        }
        return list;
    }

    /// <summary>Components joined with '/'; with <paramref name="absolute"/> the result starts with '/' ("/" for none).</summary>
    public static byte[] Join(IEnumerable<byte[]> components, bool absolute = false)
    {
        var buf = new List<byte>();
        if (absolute) buf.Add((byte)'/');
        bool first = true;
        foreach (var c in components)
        {
            if (!first) buf.Add((byte)'/');
            buf.AddRange(c);
            first = false;
        }
        return buf.ToArray();
    }

    /// <summary><paramref name="a"/> + "/" + <paramref name="b"/> (no slash added when either is empty or a already ends in one).</summary>
    public static byte[] Combine(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.IsEmpty) return b.ToArray();
        if (b.IsEmpty) return a.ToArray();
        bool slash = a[^1] != (byte)'/';
        var r = new byte[a.Length + (slash ? 1 : 0) + b.Length];
        a.CopyTo(r);
        if (slash) r[a.Length] = (byte)'/';
        b.CopyTo(r.AsSpan(a.Length + (slash ? 1 : 0)));
        return r;
    }

    /// <summary>True when the path starts with '/'.</summary>
    public static bool IsAbsolute(ReadOnlySpan<byte> path) => !path.IsEmpty && path[0] == (byte)'/';

    /// <summary>True for "." and "..".</summary>
    public static bool IsDotOrDotDot(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is one plain directory entry name:
    /// not empty, not "." or "..", no '/' and no NUL.
    /// </summary>
    public static void ValidateName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || IsDotOrDotDot(name) || name.IndexOf((byte)'/') >= 0 || name.IndexOf((byte)0) >= 0)
            throw new ArgumentException($"'{Display(name)}' is not a plain file name.", nameof(name));
    }

    /// <summary>A NUL-terminated copy for a system call; throws <see cref="ArgumentException"/> on an embedded NUL.</summary>
    internal static byte[] Z(ReadOnlySpan<byte> s)
    {
        if (s.IndexOf((byte)0) >= 0) throw new ArgumentException($"The path '{Display(s)}' contains a NUL byte.");
        var r = new byte[s.Length + 1];
        s.CopyTo(r);
        return r;
    }
}
