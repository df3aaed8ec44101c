using PsContainers.Core.Util;

namespace PsContainers.Core.Registry;

/// <summary>
/// Which registry repositories a blob is known to exist in (recorded on pull and push), so a push to
/// another repository of the same registry can mount it instead of uploading it again.
/// Kept in &lt;root&gt;/registry/blob-sources.json, written atomically under a lock.
/// </summary>
public sealed class BlobSources
{
    private const int MaxPerBlob = 8;
    private readonly LockedJsonFile<Dictionary<string, List<string>>> _file;

    /// <param name="paths">The store root whose registry/ directory holds the file.</param>
    public BlobSources(PscPaths paths)
    {
        string dir = Path.Combine(paths.Root, "registry");
        _file = new(Path.Combine(dir, "blob-sources.json"), Path.Combine(dir, "blob-sources.lock"), () => new());
    }

    /// <summary>Repositories ("registry/repo") holding the blob, most recent first.</summary>
    public IReadOnlyList<string> Get(string digest) => _file.Read().TryGetValue(digest, out var l) ? l : Array.Empty<string>();

    /// <summary>Record that <paramref name="digests"/> exist in registry/repository.</summary>
    public void Add(string registry, string repository, IEnumerable<string> digests)
    {
        var list = digests.ToList();
        if (list.Count == 0) return;
        string where = registry + "/" + repository;
        _file.Update(map =>
        {
            foreach (var d in list)
            {
                if (!map.TryGetValue(d, out var repos)) map[d] = repos = new List<string>();
                repos.Remove(where);
                repos.Insert(0, where);
                if (repos.Count > MaxPerBlob) repos.RemoveRange(MaxPerBlob, repos.Count - MaxPerBlob);
            }
            return true;
        });
    }

    /// <summary>A repository of <paramref name="registry"/> other than <paramref name="exceptRepository"/> holding the blob.</summary>
    public string? FindMountSource(string digest, string registry, string exceptRepository)
    {
        string prefix = registry + "/";
        foreach (var w in Get(digest))
            if (w.StartsWith(prefix, StringComparison.Ordinal) && w[prefix.Length..] != exceptRepository)
                return w[prefix.Length..];
        return null;
    }
}
