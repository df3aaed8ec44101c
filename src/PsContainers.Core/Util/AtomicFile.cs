using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PsContainers.Core.Util;

/// <summary>
/// Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over the
/// target, then fsync the directory. After a kill -9 at any point the target holds either the old or
/// the new content, never a mix. Left-over temp files start with ".tmp-" and are swept by the store.
/// </summary>
public static class AtomicFile
{
    public const string TempPrefix = ".tmp-";

    /// <summary>Replace <paramref name="path"/> atomically. With <paramref name="durable"/> false the fsyncs are
    /// skipped: the replacement is still atomic for any process crash (kill -9), only not across a power loss.
    /// With <paramref name="createDirectory"/> false a missing directory is an error (nothing is recreated).</summary>
    public static void WriteAllText(string path, string text, bool durable = true, bool createDirectory = true) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(text), durable: durable, createDirectory: createDirectory);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> data, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, bool durable = true, bool createDirectory = true)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (createDirectory) Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, TempPrefix + Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using (var fs = new FileStream(tmp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                fs.Write(data);
                fs.Flush(flushToDisk: durable);
            }
            File.Move(tmp, path, overwrite: true);
            if (durable) FsyncDirectory(dir);
        }
        catch
        {
            try { File.Delete(tmp); } catch { }
            throw;
        }
    }

    /// <summary>Atomically move a fully written temp file or directory into place and make the rename durable.</summary>
    public static void Publish(string tempPath, string finalPath)
    {
        if (Directory.Exists(tempPath)) Directory.Move(tempPath, finalPath);
        else File.Move(tempPath, finalPath, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
    }

    public static unsafe void FsyncDirectory(string dir)
    {
        byte[] p = Encoding.UTF8.GetBytes(dir + "\0");
        fixed (byte* pp = p)
        {
            int fd = open(pp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) return;
            fsync(fd);
            close(fd);
        }
    }

    public static unsafe void Fsync(string file)
    {
        byte[] p = Encoding.UTF8.GetBytes(file + "\0");
        fixed (byte* pp = p)
        {
            int fd = open(pp, O_RDONLY | O_CLOEXEC);
            if (fd < 0) return;
            fsync(fd);
            close(fd);
        }
    }
}
