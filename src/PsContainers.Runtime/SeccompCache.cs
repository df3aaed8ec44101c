using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Runtime;

/// <summary>
/// The compiled seccomp program, cached under --root in @seccomp-cache/&lt;sha256&gt;.bpf. The key covers the profile
/// (canonical JSON of linux.seccomp as parsed), the libseccomp version, the native architecture and
/// <see cref="Format"/>; the value is the program as <c>seccomp_export_bpf</c> writes it (struct sock_filter[],
/// 8 bytes each), the same program <c>seccomp_load</c> would install. The runtime (not the container process) reads
/// and writes the cache; the container process gets the program through a sealed memfd and loads it with seccomp(2).
/// </summary>
internal static class SeccompCache
{
    /// <summary>Bump when the way a profile becomes a program changes (Seccomp.Build, this file).</summary>
    public const int Format = 1;
    public const int MaxInsns = 4096; // BPF_MAXINSNS
    public const string DirName = "@seccomp-cache"; // "@" is not allowed in a container id: no container can take this name

    /// <summary>The program for a profile: from the cache when it is there and sound, else built with libseccomp (and stored).</summary>
    public static byte[] Program(SpecSeccomp s, string? root)
    {
        Seccomp.Validate(s);
        string? dir = root is null ? null : Path.Combine(root, DirName);
        string? file = null;
        if (dir is not null)
        {
            string key = Key(s);
            file = Path.Combine(dir, key + ".bpf");
            var cached = Read(file, out string? why);
            if (cached is not null) { PsContainers.Runtime.Program.Trace($"seccomp: cache hit {key}"); return cached; }
            PsContainers.Runtime.Program.Trace($"seccomp: cache miss {key} ({why})");
        }
        byte[] prog = Seccomp.Compile(s);
        if (dir is not null && file is not null) Store(dir, file, prog);
        return prog;
    }

    /// <summary>Hex SHA-256 of the canonical profile, the libseccomp version, the native architecture and the format.</summary>
    public static string Key(SpecSeccomp s)
    {
        var buf = new MemoryStream();
        using (var w = new Utf8JsonWriter(buf)) Canonical(w, s);
        buf.WriteByte(0);
        buf.Write(Encoding.UTF8.GetBytes($"libseccomp {Seccomp.LibraryVersion}\0arch {Seccomp.NativeArch:x8} {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}\0format {Format}"));
        return Convert.ToHexStringLower(Sha256.Hash(buf.ToArray()));
    }

    /// <summary>linux.seccomp as pscrun parsed it, every field in a fixed order, absent ones as null.</summary>
    private static void Canonical(Utf8JsonWriter w, SpecSeccomp s)
    {
        w.WriteStartObject();
        w.WriteString("defaultAction", s.DefaultAction);
        if (s.DefaultErrnoRet is uint de) w.WriteNumber("defaultErrnoRet", de); else w.WriteNull("defaultErrnoRet");
        Strings(w, "architectures", s.Architectures);
        Strings(w, "flags", s.Flags);
        w.WriteString("listenerPath", s.ListenerPath);
        w.WriteString("listenerMetadata", s.ListenerMetadata);
        if (s.Syscalls is null) w.WriteNull("syscalls");
        else
        {
            w.WriteStartArray("syscalls");
            foreach (var r in s.Syscalls)
            {
                w.WriteStartObject();
                Strings(w, "names", r.Names);
                w.WriteString("action", r.Action);
                if (r.ErrnoRet is uint e) w.WriteNumber("errnoRet", e); else w.WriteNull("errnoRet");
                if (r.Args is null) w.WriteNull("args");
                else
                {
                    w.WriteStartArray("args");
                    foreach (var a in r.Args)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("index", a.Index);
                        w.WriteNumber("value", a.Value);
                        w.WriteNumber("valueTwo", a.ValueTwo);
                        w.WriteString("op", a.Op);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string>? list)
    {
        if (list is null) { w.WriteNull(name); return; }
        w.WriteStartArray(name);
        foreach (var x in list) w.WriteStringValue(x);
        w.WriteEndArray();
    }

    /// <summary>A sound program (non-empty, whole instructions, at most BPF_MAXINSNS, ending with a return), else null and why.</summary>
    public static byte[]? Read(string file, out string? why)
    {
        try
        {
            using var h = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
            long len = RandomAccess.GetLength(h);
            if (len == 0 || len % 8 != 0 || len > MaxInsns * 8) { why = $"bad length {len}"; return null; }
            var prog = new byte[len];
            int n = 0;
            while (n < len) { int r = RandomAccess.Read(h, prog.AsSpan(n), n); if (r <= 0) break; n += r; }
            if (n != len) { why = "short read"; return null; }
            why = Check(prog);
            return why is null ? prog : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { why = "absent"; return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { why = e.Message; return null; }
    }

    /// <summary>Null when the bytes look like a seccomp program libseccomp could have written.</summary>
    public static string? Check(ReadOnlySpan<byte> prog)
    {
        if (prog.Length == 0 || prog.Length % 8 != 0 || prog.Length > MaxInsns * 8) return $"bad length {prog.Length}";
        // the last instruction is a BPF_RET (class 6): the kernel refuses anything else anyway
        if ((BinaryPrimitives.ReadUInt16LittleEndian(prog[^8..]) & 7) != 6) return "does not end with a return";
        return null;
    }

    /// <summary>Temp file in the same directory, fsync, rename: readers see the old file, no file, or the whole new one.</summary>
    private static void Store(string dir, string file, byte[] prog)
    {
        string tmp = Path.Combine(dir, $".{Path.GetFileName(file)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(dir, (UnixFileMode)0x1c0 /*0700*/);
            using (var fs = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = (UnixFileMode)0x180 /*0600*/ }))
            {
                fs.Write(prog);
                fs.Flush(true);
            }
            File.Move(tmp, file, overwrite: true);
            PsContainers.Runtime.Program.Trace($"seccomp: cached {prog.Length / 8} instructions in {file}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the cache is an optimisation: a read-only or full --root only costs the next start the build again
            PsContainers.Runtime.Program.Trace($"seccomp: cannot store the cache file: {e.Message}");
            try { File.Delete(tmp); } catch (Exception) { }
        }
    }

    /// <summary>
    /// SHA-256 (FIPS 180-4), managed: System.Security.Cryptography would load OpenSSL into every pscrun start.
    /// </summary>
    internal static class Sha256
    {
        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        public static byte[] Hash(byte[] data)
        {
            uint[] h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
            long bits = (long)data.Length * 8;
            int padded = ((data.Length + 9 + 63) / 64) * 64;
            var m = new byte[padded];
            data.CopyTo(m, 0);
            m[data.Length] = 0x80;
            BinaryPrimitives.WriteInt64BigEndian(m.AsSpan(padded - 8), bits);
            var w = new uint[64];
            for (int off = 0; off < padded; off += 64)
            {
                for (int i = 0; i < 16; i++) w[i] = BinaryPrimitives.ReadUInt32BigEndian(m.AsSpan(off + i * 4));
                for (int i = 16; i < 64; i++)
                {
                    uint s0 = uint.RotateRight(w[i - 15], 7) ^ uint.RotateRight(w[i - 15], 18) ^ (w[i - 15] >> 3);
                    uint s1 = uint.RotateRight(w[i - 2], 17) ^ uint.RotateRight(w[i - 2], 19) ^ (w[i - 2] >> 10);
                    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
                }
                uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
                for (int i = 0; i < 64; i++)
                {
                    uint S1 = uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25);
                    uint ch = (e & f) ^ (~e & g);
                    uint t1 = hh + S1 + ch + K[i] + w[i];
                    uint S0 = uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22);
                    uint maj = (a & b) ^ (a & c) ^ (b & c);
                    uint t2 = S0 + maj;
                    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
                }
                h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
            }
            var outp = new byte[32];
            for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(outp.AsSpan(i * 4), h[i]);
            return outp;
        }
    }
}
