using System.Text.Json;
using PsContainers.Core.Images;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// The build cache under the store root (<c>storage/build-cache/&lt;key hex&gt;.json</c>): a step's key
/// (<see cref="BuildCacheKey"/>) maps to the image that step produced. A lookup hits only when that image is still in
/// the store, so removing or pruning images never leaves a stale hit (buildah#6152). Each entry is one file written
/// atomically, so concurrent builds never see half an entry. Docker's build cache in the same role:
/// <c>docker builder prune</c> empties it. Beside the entries: the remembered content hashes of context files
/// (<see cref="BuildContentHashes"/>) and digests of COPY --from sources (<c>digests/</c>, <see cref="LookupDigest"/>).
/// </summary>
public sealed class BuildCache
{
    private readonly ImageStore _images;

    /// <param name="paths">The store root.</param>
    /// <param name="images">The image store the entries point into.</param>
    public BuildCache(PscPaths paths, ImageStore images)
    {
        Directory = Path.Combine(paths.Storage, "build-cache");
        _images = images;
    }

    /// <summary>The directory that holds the entries.</summary>
    public string Directory { get; }

    private string FileOf(string key) => Path.Combine(Directory, Digest.Hex(key) + ".json");

    /// <summary>The image a step with this key produced, when it is still in the store; null otherwise (a miss).</summary>
    public string? Lookup(string key)
    {
        var e = Read(FileOf(key));
        if (e is null || !e.InUse) return null;
        try { AtomicFile.WriteAllText(FileOf(key), Serialize(e with { LastUsed = DateTime.UtcNow }), durable: false); } catch (IOException) { }
        return e.ImageId;
    }

    /// <summary>Record that the step <paramref name="key"/> produced <paramref name="imageId"/> (replaces an older entry).</summary>
    public void Record(string key, string imageId, string createdBy)
    {
        var now = DateTime.UtcNow;
        AtomicFile.WriteAllText(FileOf(key), Serialize(new BuildCacheEntry { Key = key, ImageId = imageId, CreatedBy = createdBy, Created = now, LastUsed = now }));
    }

    /// <summary>
    /// The content digest remembered for <paramref name="key"/> (<see cref="RecordDigest"/>), or null. Used for what a
    /// COPY --from reads from an image: an image's content never changes (its id is the digest of a config that names
    /// every layer's diff_id), so the digest of the same sources read from it is the same, and the image need not be
    /// mounted and read again to know it.
    /// </summary>
    public string? LookupDigest(string key)
    {
        try
        {
            string d = File.ReadAllText(DigestFileOf(key)).Trim();
            return Util.Digest.IsValid(d) ? d : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Remember <paramref name="digest"/> ("sha256:…") for <paramref name="key"/> (not synced: a lost one is computed again).</summary>
    public void RecordDigest(string key, string digest)
    {
        try { AtomicFile.WriteAllText(DigestFileOf(key), digest, durable: false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private string DigestFileOf(string key) => Path.Combine(Directory, "digests", Digest.Hex(Digest.Of(System.Text.Encoding.UTF8.GetBytes(key))));

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<BuildCacheEntry> List()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Read).OfType<BuildCacheEntry>().OrderBy(e => e.Created).ToList();
    }

    /// <summary>
    /// Remove the entries <paramref name="which"/> selects (all when null) and return them. The images stay (untagged
    /// intermediate images go with image pruning); only the reuse is forgotten.
    /// </summary>
    public IReadOnlyList<BuildCacheEntry> Prune(Func<BuildCacheEntry, bool>? which = null)
    {
        var removed = new List<BuildCacheEntry>();
        foreach (var e in List())
        {
            if (which is not null && !which(e)) continue;
            try { File.Delete(FileOf(e.Key)); removed.Add(e); } catch (IOException) { }
        }
        if (which is null) ForgetDigests(); // the remembered digests go with the whole cache
        return removed;
    }

    /// <summary>
    /// Forget the remembered digests: the context file hashes (<see cref="BuildContentHashes"/>) and the COPY --from
    /// source digests (<see cref="LookupDigest"/>). Nothing is lost but time: they are computed again when needed.
    /// </summary>
    public void ForgetDigests()
    {
        try { File.Delete(Path.Combine(Directory, BuildContentHashes.FileName)); } catch (IOException) { }
        if (System.IO.Directory.Exists(Path.Combine(Directory, "digests"))) SafeTree.Delete(Path.Combine(Directory, "digests"));
    }

    /// <summary>
    /// Remove every <c>RUN --mount=type=cache</c> directory (<c>mounts/&lt;sha256(id)&gt;</c> under
    /// <see cref="Directory"/>, <see cref="BuildRunMounts.CacheDirectory"/>) and return how many went, as
    /// <c>docker builder prune -a</c> removes cache mounts. A cache a running step holds locked (sharing=locked or
    /// private) is skipped; each directory is first renamed aside, then deleted without following a link
    /// (<see cref="SafeTree.Delete(string)"/>), so a later build never sees half of one.
    /// </summary>
    public int PruneMounts()
    {
        string root = Path.Combine(Directory, "mounts");
        if (!System.IO.Directory.Exists(root)) return 0;
        int removed = 0;
        foreach (var dir in System.IO.Directory.EnumerateDirectories(root))
        {
            string name = Path.GetFileName(dir);
            if (name.StartsWith('.')) { SafeTree.Delete(dir); continue; } // a half-made (.new-*) or half-pruned one
            FileStream? held = null;
            try
            {
                try { held = new FileStream(dir + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
                catch (IOException) { continue; } // a step uses it now
                string aside = Path.Combine(root, ".prune-" + Guid.NewGuid().ToString("N"));
                try { System.IO.Directory.Move(dir, aside); }
                catch (IOException) { continue; }
                SafeTree.Delete(aside);
                removed++;
            }
            finally { held?.Dispose(); } // the lock file stays: a step waiting on it must keep the same inode
        }
        return removed;
    }

    private static string Serialize(BuildCacheEntry e) => JsonSerializer.Serialize(
        new BuildCacheRecord { Key = e.Key, ImageId = e.ImageId, CreatedBy = e.CreatedBy, Created = e.Created, LastUsed = e.LastUsed },
        BuildCacheJsonContext.Default.BuildCacheRecord);

    /// <summary>
    /// The entry in <paramref name="file"/> (<see cref="BuildCacheRecord"/>'s shape); null when it cannot be read, is not
    /// that shape, or lacks its key or either time (a damaged entry never hits and is not listed).
    /// </summary>
    private BuildCacheEntry? Read(string file)
    {
        try
        {
            var r = JsonSerializer.Deserialize(File.ReadAllBytes(file), BuildCacheJsonContext.Default.BuildCacheRecord);
            if (r is not { Key.Length: > 0, Created: { } created, LastUsed: { } lastUsed }) return null;
            string id = r.ImageId ?? "";
            return new BuildCacheEntry
            {
                Key = r.Key,
                ImageId = id,
                CreatedBy = r.CreatedBy ?? "",
                Created = created,
                LastUsed = lastUsed,
                InUse = id.Length > 0 && ImageExists(id),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    private bool ImageExists(string id)
    {
        try { return _images.FindImage(id) is { } img && img.Id == id; }
        catch (PscException) { return false; }
    }
}
