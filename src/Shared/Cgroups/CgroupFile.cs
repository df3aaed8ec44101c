using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PsContainers.FileSystem;

namespace PsContainers.Cgroups;

/// <summary>Reading and writing the small text files of a cgroup directory (kernel interface files, one value each).</summary>
internal static unsafe class CgroupFile
{
    /// <summary>
    /// Write <paramref name="value"/> to an existing file in one write(2) (a cgroup file takes one value per write;
    /// the file is never created). Returns 0 or the errno of the failed open or write.
    /// </summary>
    public static int TryWrite(string path, string value)
    {
        byte[] p = Libc.CString(path)!;
        int fd;
        fixed (byte* pp = p) fd = Libc.openat(Libc.AT_FDCWD, pp, Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return Libc.Errno;
        byte[] b = Encoding.UTF8.GetBytes(value);
        int r;
        fixed (byte* pb = b) r = Libc.write(fd, pb, (nuint)b.Length) == b.Length ? 0 : Libc.Errno;
        Libc.close(fd);
        return r;
    }

    /// <summary>
    /// Write <paramref name="file"/> in <paramref name="dir"/>; throws <see cref="CgroupException"/>
    /// "FIELD: cannot write 'VALUE' to FILE: strerror" naming the OCI field.
    /// </summary>
    public static void Write(string dir, string file, string value, string field)
    {
        int e = TryWrite(Path.Combine(dir, file), value);
        if (e != 0) throw new CgroupException($"{field}: cannot write '{value}' to {file}: {Marshal.GetPInvokeErrorMessage(e)}", e);
    }

    /// <summary>Whether the interface file exists (a controller or feature the kernel has).</summary>
    public static bool Has(string dir, string file) => File.Exists(Path.Combine(dir, file));

    /// <summary>A file holding one integer; "max" reads as -1; <paramref name="fallback"/> when missing or not a number.</summary>
    public static long ReadLong(string path, long fallback = 0)
    {
        try
        {
            string t = File.ReadAllText(path).Trim();
            return t == "max" ? -1 : long.Parse(t, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException) { return fallback; }
    }

    /// <summary>The value of the line "KEY VALUE" in a flat-keyed file (memory.stat, cpu.stat); null when absent or unreadable.</summary>
    public static long? ReadKeyed(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
                if (line.Length > key.Length && line.StartsWith(key, StringComparison.Ordinal) && line[key.Length] == ' '
                    && long.TryParse(line.AsSpan(key.Length + 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
                    return v;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
