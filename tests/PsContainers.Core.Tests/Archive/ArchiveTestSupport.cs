using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using PsContainers.Core.Archive;

namespace PsContainers.Core.Tests.Archive;

/// <summary>A temp directory of the test's own, removed at the end (names with any bytes are removed through rm -rf).</summary>
internal sealed class ArchiveTemp : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("psc-tar-test-").FullName;
    public byte[] DirBytes => Encoding.UTF8.GetBytes(Dir);
    public string PathOf(string rel) => Path.Combine(Dir, rel);
    public byte[] PathOf(byte[] rel) => Native.Join(DirBytes, rel);

    public void Dispose()
    {
        try { Tools.Run("rm", ["-rf", "--", Dir]); } catch { }
    }
}

/// <summary>libc calls taking raw byte paths, so names that are not UTF-8 can be created and inspected.</summary>
internal static unsafe class Native
{
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec { public long Sec; public long Nsec; }

    /// <summary>x86_64 struct stat.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Stat
    {
        public ulong Dev, Ino, Nlink;
        public uint Mode, Uid, Gid;
        private int _pad0;
        public ulong Rdev;
        public long Size, Blksize, Blocks;
        public long Atime, AtimeNsec, Mtime, MtimeNsec, Ctime, CtimeNsec;
        private long _r0, _r1, _r2;
    }

    [DllImport("libc", SetLastError = true)] private static extern int open(byte* path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] private static extern nint write(int fd, byte* buf, nint n);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int ftruncate(int fd, long len);
    [DllImport("libc", SetLastError = true)] private static extern nint pwrite(int fd, byte* buf, nint n, long off);
    [DllImport("libc", SetLastError = true)] private static extern int mkdir(byte* path, int mode);
    [DllImport("libc", SetLastError = true)] private static extern int symlink(byte* target, byte* path);
    [DllImport("libc", SetLastError = true)] private static extern int link(byte* target, byte* path);
    [DllImport("libc", SetLastError = true)] private static extern int mknod(byte* path, uint mode, ulong dev);
    [DllImport("libc", SetLastError = true)] private static extern int lchown(byte* path, uint uid, uint gid);
    [DllImport("libc", SetLastError = true)] private static extern int chmod(byte* path, uint mode);
    [DllImport("libc", SetLastError = true)] private static extern int utimensat(int dirfd, byte* path, Timespec* times, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int lsetxattr(byte* path, byte* name, byte* value, nint size, int flags);
    [DllImport("libc", SetLastError = true)] private static extern nint lgetxattr(byte* path, byte* name, byte* value, nint size);
    [DllImport("libc", SetLastError = true)] private static extern int lstat(byte* path, Stat* st);
    [DllImport("libc", SetLastError = true)] private static extern nint readlink(byte* path, byte* buf, nint size);

    private static byte[] Z(byte[] s) { var z = new byte[s.Length + 1]; s.CopyTo(z, 0); return z; }
    private static byte[] Z(string s) => Z(Encoding.UTF8.GetBytes(s));

    private static void Check(int r, string what, byte[] path)
    {
        if (r != 0) throw new IOException($"{what} '{TarText.Display(path)}' failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static byte[] Join(byte[] a, byte[] b)
    {
        var o = new byte[a.Length + 1 + b.Length];
        a.CopyTo(o, 0);
        o[a.Length] = (byte)'/';
        b.CopyTo(o, a.Length + 1);
        return o;
    }

    public static void WriteFile(byte[] path, ReadOnlySpan<byte> content, int mode = 0x1A4)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        fixed (byte* c = content)
        {
            int fd = open(pp, 0x41 | 0x200 /* O_WRONLY|O_CREAT|O_TRUNC */, mode);
            if (fd < 0) Check(-1, "open", path);
            long done = 0;
            while (done < content.Length)
            {
                nint n = write(fd, c + done, (nint)(content.Length - done));
                if (n <= 0) { close(fd); Check(-1, "write", path); }
                done += n;
            }
            close(fd);
        }
    }

    /// <summary>A sparse file: the given data chunks at their offsets, holes elsewhere, total length <paramref name="size"/>.</summary>
    public static void WriteSparse(byte[] path, long size, IEnumerable<(long Offset, byte[] Data)> chunks)
    {
        var p = Z(path);
        fixed (byte* pp = p)
        {
            int fd = open(pp, 0x41 | 0x200, 0x1A4);
            if (fd < 0) Check(-1, "open", path);
            foreach (var (off, data) in chunks)
                fixed (byte* d = data)
                    if (pwrite(fd, d, data.Length, off) != data.Length) { close(fd); Check(-1, "pwrite", path); }
            Check(ftruncate(fd, size), "ftruncate", path);
            close(fd);
        }
    }

    public static void Mkdir(byte[] path, int mode = 0x1ED) { fixed (byte* p = Z(path)) Check(mkdir(p, mode), "mkdir", path); }
    public static void Symlink(byte[] target, byte[] path) { fixed (byte* t = Z(target)) fixed (byte* p = Z(path)) Check(symlink(t, p), "symlink", path); }
    public static void Link(byte[] target, byte[] path) { fixed (byte* t = Z(target)) fixed (byte* p = Z(path)) Check(link(t, p), "link", path); }
    public static void Mknod(byte[] path, uint mode, ulong dev) { fixed (byte* p = Z(path)) Check(mknod(p, mode, dev), "mknod", path); }
    public static void Lchown(byte[] path, long uid, long gid) { fixed (byte* p = Z(path)) Check(lchown(p, (uint)uid, (uint)gid), "lchown", path); }
    public static void Chmod(byte[] path, int mode) { fixed (byte* p = Z(path)) Check(chmod(p, (uint)mode), "chmod", path); }

    public static void SetTimes(byte[] path, TarTimestamp atime, TarTimestamp mtime)
    {
        var ts = stackalloc Timespec[2];
        ts[0] = new Timespec { Sec = atime.Seconds, Nsec = atime.Nanoseconds };
        ts[1] = new Timespec { Sec = mtime.Seconds, Nsec = mtime.Nanoseconds };
        fixed (byte* p = Z(path)) Check(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    public static void SetXattr(byte[] path, string name, byte[] value)
    {
        fixed (byte* p = Z(path)) fixed (byte* n = Z(name)) fixed (byte* v = value)
            Check(lsetxattr(p, n, v, value.Length, 0), "lsetxattr " + name, path);
    }

    public static byte[]? GetXattr(byte[] path, string name)
    {
        var buf = new byte[65536];
        fixed (byte* p = Z(path)) fixed (byte* n = Z(name)) fixed (byte* b = buf)
        {
            nint r = lgetxattr(p, n, b, buf.Length);
            if (r < 0) return null;
            return buf.AsSpan(0, (int)r).ToArray();
        }
    }

    public static Stat LStat(byte[] path)
    {
        Stat st;
        fixed (byte* p = Z(path)) Check(lstat(p, &st), "lstat", path);
        return st;
    }

    public static bool Exists(byte[] path)
    {
        Stat st;
        fixed (byte* p = Z(path)) return lstat(p, &st) == 0;
    }

    public static byte[] ReadLink(byte[] path)
    {
        var buf = new byte[8192];
        fixed (byte* p = Z(path)) fixed (byte* b = buf)
        {
            nint r = readlink(p, b, buf.Length);
            if (r < 0) Check(-1, "readlink", path);
            return buf.AsSpan(0, (int)r).ToArray();
        }
    }

    public static byte[] ReadFile(byte[] path)
    {
        // /proc/self/fd is not needed: open through a FileStream on a SafeFileHandle made from a raw open()
        var p = Z(path);
        int fd;
        fixed (byte* pp = p) fd = open(pp, 0 /* O_RDONLY */, 0);
        if (fd < 0) Check(-1, "open", path);
        using var h = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        using var fs = new FileStream(h, FileAccess.Read);
        var ms = new MemoryStream();
        fs.CopyTo(ms);
        return ms.ToArray();
    }

    public static ulong MakeDev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    public static uint Major(ulong dev) => (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
    public static uint Minor(ulong dev) => (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
}

internal static class Tools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, byte[] StdoutBytes);

    public static Result Run(string file, IEnumerable<string> args, string? cwd = null, bool check = true)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cwd is not null) psi.WorkingDirectory = cwd;
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["TZ"] = "UTC";
        using var p = Process.Start(psi)!;
        var outMs = new MemoryStream();
        var errTask = p.StandardError.ReadToEndAsync();
        p.StandardOutput.BaseStream.CopyTo(outMs);
        string err = errTask.Result;
        p.WaitForExit();
        var bytes = outMs.ToArray();
        var r = new Result(p.ExitCode, Encoding.UTF8.GetString(bytes), err, bytes);
        if (check && r.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {r.ExitCode}: {err}");
        return r;
    }

    public static Result Tar(params string[] args) => Run("/usr/bin/tar", args);

    public static string? Which(string name)
    {
        foreach (var d in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            if (d.Length == 0) continue;
            var p = Path.Combine(d, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}

/// <summary>One entry read back: its metadata and its logical data.</summary>
internal sealed record ReadEntry(TarEntry Entry, byte[] Data);

internal static class ArchiveRead
{
    public static List<ReadEntry> ReadAll(string archive, out TarArchiveEnd end)
    {
        using var fs = File.OpenRead(archive);
        return ReadAll(fs, out end);
    }

    public static List<ReadEntry> ReadAll(Stream s, out TarArchiveEnd end)
    {
        using var r = new TarArchiveReader(s, leaveOpen: true);
        var list = new List<ReadEntry>();
        TarEntry? e;
        while ((e = r.Next()) is not null)
        {
            var ms = new MemoryStream();
            r.GetDataStream().CopyTo(ms);
            Assert.Equal(e.Size, ms.Length);
            list.Add(new ReadEntry(e, ms.ToArray()));
        }
        end = r.End;
        return list;
    }

    public static List<ReadEntry> ReadAll(byte[] archive, out TarArchiveEnd end) => ReadAll(new MemoryStream(archive), out end);

    public static string Hex(byte[] b) => Convert.ToHexString(b);

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Bytes from a string where \xNN escapes stand for raw bytes.</summary>
    public static byte[] Raw(string s)
    {
        var o = new List<byte>();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && s[i + 1] == 'x')
            {
                o.Add(Convert.ToByte(s.Substring(i + 2, 2), 16));
                i += 3;
                continue;
            }
            o.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
        }
        return o.ToArray();
    }
}
