using System.Globalization;
using System.Text;

namespace PsContainers.FileSystem;

/// <summary>
/// A snapshot of the directories of a tree: each directory below the root (the root itself left out), by its path
/// relative to the root ("etc", "etc/ssl"; no leading '/'), with its <see cref="DirectoryStamp"/>. A build's RUN step
/// takes one of its overlay upper directory after the runtime made its mount points there and before the command runs
/// (the "pscmon dir-stamps" createRuntime hook, OCI runtime-spec config.md "createRuntime": after the runtime
/// environment is created, before pivot_root), so a directory the runtime only created or copied up to hold a mount
/// point is told apart from one the command touched (BuildKit and buildah give <c>RUN touch /etc</c> a layer).
/// The walk is <see cref="SafeTree.Walk"/>: no symlink is followed, no other file system is entered.
/// The file is text: the line <see cref="Header"/>, then per directory
/// "mode uid gid mtime-seconds mtime-nanoseconds ctime-seconds ctime-nanoseconds hex(path bytes)" (decimal numbers;
/// the path as hexadecimal of its bytes, so any name, not only UTF-8 without line breaks, fits on one line).
/// </summary>
public static class DirectoryStamps
{
    /// <summary>The first line of a stamps file (format version 1).</summary>
    public const string Header = "psc-dir-stamps v1";

    /// <summary>
    /// The directories below <paramref name="root"/> (not the root) with their stamps, keyed by relative path; a
    /// directory whose path is not valid UTF-8 is left out (no mount destination, a string, lies below it).
    /// </summary>
    /// <exception cref="FsException">A directory cannot be read.</exception>
    public static Dictionary<string, DirectoryStamp> Record(SafeFd root)
    {
        var map = new Dictionary<string, DirectoryStamp>(StringComparer.Ordinal);
        foreach (var e in SafeTree.Walk(root, new WalkOptions { OneFileSystem = true, Sorted = false }))
        {
            // a name that is not UTF-8 cannot lie on the way to a mount point (those are strings): not needed
            if (e.Depth == 0 || !e.Status.IsDirectory || !BytePath.TryToString(e.RelativePath, out var path)) continue;
            map[path] = DirectoryStamp.Of(e.Status);
        }
        return map;
    }

    /// <summary><see cref="Record(SafeFd)"/> of the directory at <paramref name="rootPath"/>, written to <paramref name="file"/> (a temporary file renamed over it).</summary>
    /// <exception cref="FsException">The tree cannot be read.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void RecordTo(string rootPath, string file)
    {
        Dictionary<string, DirectoryStamp> map;
        using (var root = SafeFd.OpenDirectory(rootPath)) map = Record(root);
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var (path, s) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{s.Mode} {s.Uid} {s.Gid} {s.Mtime.Seconds} {s.Mtime.Nanoseconds} {s.Ctime.Seconds} {s.Ctime.Nanoseconds} ")
              .Append(Convert.ToHexString(Encoding.UTF8.GetBytes(path))).Append('\n');
        }
        string tmp = file + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, file, overwrite: true);
    }

    /// <summary>The snapshot in <paramref name="file"/>, or null when there is no such file.</summary>
    /// <exception cref="InvalidDataException">The file is not a stamps file of this version.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Dictionary<string, DirectoryStamp>? Read(string file)
    {
        string[] lines;
        try { lines = File.ReadAllLines(file); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        if (lines.Length == 0 || lines[0] != Header) throw new InvalidDataException($"'{file}' is not a directory stamps file ({Header}).");
        var map = new Dictionary<string, DirectoryStamp>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(' ');
            if (f.Length != 8) throw new InvalidDataException($"'{file}' line {i + 1}: 8 fields expected.");
            try
            {
                uint U(int k) => uint.Parse(f[k], NumberStyles.None, CultureInfo.InvariantCulture);
                long L(int k) => long.Parse(f[k], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                map[Encoding.UTF8.GetString(Convert.FromHexString(f[7]))] =
                    new DirectoryStamp(U(0), U(1), U(2), new FsTime(L(3), U(4)), new FsTime(L(5), U(6)));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"'{file}' line {i + 1}: {e.Message}", e);
            }
        }
        return map;
    }
}
