namespace PsContainers.Core.Volumes;

/// <summary>
/// Resolves a path inside a container root the way the container would see it: symlinks are followed with
/// the root as "/", and ".." never climbs above it. So a symlink in an image (say /data -> /etc on the host)
/// can only ever point at a path inside the root, never at the host's file system.
/// </summary>
public static class SecurePath
{
    public const int MaxSymlinks = 255;

    /// <summary>The resolved path relative to the root, in container form ("/real/dir").</summary>
    public static string Resolve(string root, string unsafePath)
    {
        root = Path.GetFullPath(root);
        var pending = new LinkedList<string>(Split(unsafePath));
        var current = new List<string>();
        int links = 0;
        while (pending.Count > 0)
        {
            string c = pending.First!.Value;
            pending.RemoveFirst();
            if (c.Length == 0 || c == ".") continue;
            if (c == "..") { if (current.Count > 0) current.RemoveAt(current.Count - 1); continue; }
            string host = Path.Combine(root, string.Join('/', current.Append(c)));
            string? target = null;
            try
            {
                var fi = new FileInfo(host);
                if (fi.Exists || Directory.Exists(host)) target = fi.LinkTarget ?? new DirectoryInfo(host).LinkTarget;
                else if (fi.LinkTarget is string lt) target = lt; // dangling link
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            if (target is null) { current.Add(c); continue; }
            if (++links > MaxSymlinks)
                throw new PscException("TooManySymlinks", PscErrorCategory.InvalidData, $"Too many symbolic links while resolving '{unsafePath}' in the container.", unsafePath);
            if (target.StartsWith('/')) current.Clear();
            var parts = Split(target);
            for (int i = parts.Length - 1; i >= 0; i--) pending.AddFirst(parts[i]);
        }
        return "/" + string.Join('/', current);
    }

    /// <summary>The host path of <paramref name="unsafePath"/> resolved inside <paramref name="root"/>.</summary>
    public static string Join(string root, string unsafePath) =>
        Path.Combine(Path.GetFullPath(root), Resolve(root, unsafePath).TrimStart('/'));

    private static string[] Split(string p) => p.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
