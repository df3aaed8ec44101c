using PsContainers.FileSystem;

namespace PsContainers.Core.Kube;

/// <summary>
/// What ConvertTo-ContainerKubeYaml reads of the engine's store for played pods: where the store is (a bind mount from
/// inside it is the engine's bookkeeping, never written as a hostPath) and the files of their configMap and secret
/// volumes (the data of the ConfigMap and Secret objects written back), read through the secure join under the kube
/// directory, links never followed out of it.
/// </summary>
public sealed class KubeStoreFiles
{
    /// <param name="storeRoot">The engine's store root (<see cref="PscPaths.Root"/>).</param>
    public KubeStoreFiles(string storeRoot)
    {
        StoreRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(storeRoot));
        FilesRoot = KubePlayer.FilesRoot(StoreRoot);
    }

    /// <summary>The engine's store root, absolute.</summary>
    public string StoreRoot { get; }
    /// <summary>The directory of played pods' volume files: &lt;root&gt;/kube.</summary>
    public string FilesRoot { get; }

    /// <summary>
    /// Whether <paramref name="hostPath"/> is the engine's own state: the store root itself, or one of the entries the
    /// engine makes in it (<see cref="PscPaths.EntryNames"/>) or anything under them (compared lexically, absolute). Other
    /// directories a user keeps under the root are theirs.
    /// </summary>
    public bool InStore(string hostPath) =>
        Under(StoreRoot, hostPath) is { } rel && (rel.Length == 0 || PscPaths.EntryNames.Contains(rel.Split('/')[0]));

    /// <summary>Whether <paramref name="hostPath"/> is <see cref="FilesRoot"/> or lies under it (compared lexically, absolute).</summary>
    public bool InFiles(string hostPath) => Under(FilesRoot, hostPath) is not null;

    private static string? Under(string root, string path)
    {
        if (!Path.IsPathRooted(path)) return null;
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (full == root) return "";
        return full.StartsWith(root + "/", StringComparison.Ordinal) ? full[(root.Length + 1)..] : null;
    }

    /// <summary>
    /// The data of <paramref name="source"/> as its files under <paramref name="volumeDir"/> (the mount's host source,
    /// which must lie under <see cref="FilesRoot"/>) hold it, by key; a key whose file is missing, not a regular file or
    /// unreadable is left out, as is everything when <paramref name="volumeDir"/> is not under <see cref="FilesRoot"/>.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> Read(string volumeDir, KubeVolumeSource source)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (Under(FilesRoot, volumeDir) is not { Length: > 0 } rel || !Directory.Exists(FilesRoot)) return data;
        try
        {
            using var root = RootedPath.Open(FilesRoot);
            foreach (var key in source.Keys)
            {
                try
                {
                    using var parent = root.OpenParent(rel + "/" + source.PathOf(key), out var name);
                    using var stream = Fs.OpenRead(parent, name);
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    data[key] = buffer.ToArray();
                }
                catch (Exception e) when (e is FsException or IOException or UnauthorizedAccessException) { }
            }
        }
        catch (Exception e) when (e is FsException or IOException or UnauthorizedAccessException) { }
        return data;
    }
}
