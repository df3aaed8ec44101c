using System.Runtime.InteropServices;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;

namespace PsContainers.Core.Registry;

/// <summary>
/// Which compressed blob a plain layer became when it was pushed, as docker's v2 metadata service remembers a layer's
/// diff_id → pushed digest: "plain digest, compression" → the compressed blob's digest and size, kept in
/// &lt;root&gt;/registry/compressed-layers.json (written atomically under a lock, at most <see cref="MaxEntries"/>
/// entries, the oldest dropped first). <see cref="ImagePusher"/> uses it to name a layer's compressed blob without
/// compressing it, and compresses only when the registry lacks the blob. The key also names the .NET runtime
/// (<see cref="RuntimeInformation.FrameworkDescription"/>), whose zlib and the zstd library make the bytes: another
/// runtime may compress the same tar to other bytes, so its entries are never used for this one.
/// </summary>
public sealed class CompressedLayerCache
{
    /// <summary>The most entries kept (about 200 bytes each).</summary>
    public const int MaxEntries = 4096;
    private readonly LockedJsonFile<List<Entry>> _file;

    /// <param name="paths">The store root whose registry/ directory holds the file.</param>
    public CompressedLayerCache(PscPaths paths)
    {
        string dir = Path.Combine(paths.Root, "registry");
        _file = new(Path.Combine(dir, "compressed-layers.json"), Path.Combine(dir, "compressed-layers.lock"), () => []);
    }

    private static string Key(string plainDigest, LayerCompression compression) =>
        $"{plainDigest} {compression.ToString().ToLowerInvariant()} {RuntimeInformation.FrameworkDescription}";

    /// <summary>The compressed blob <paramref name="plainDigest"/> became with <paramref name="compression"/> on this runtime, or null.</summary>
    /// <returns>Its digest ("sha256:&lt;hex&gt;") and size in bytes.</returns>
    public (string Digest, long Size)? Find(string plainDigest, LayerCompression compression)
    {
        string key = Key(plainDigest, compression);
        foreach (var e in _file.Read())
            if (e.Key == key && Digest.IsValid(e.Digest) && e.Size > 0) return (e.Digest, e.Size);
        return null;
    }

    /// <summary>Record that <paramref name="plainDigest"/> compresses with <paramref name="compression"/> to <paramref name="digest"/> (<paramref name="size"/> bytes).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Add(string plainDigest, LayerCompression compression, string digest, long size) =>
        Change(plainDigest, compression, new Entry { Key = Key(plainDigest, compression), Digest = digest, Size = size });

    /// <summary>Forget what <paramref name="plainDigest"/> compresses to (when compressing it again gave other bytes).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Remove(string plainDigest, LayerCompression compression) => Change(plainDigest, compression, null);

    private void Change(string plainDigest, LayerCompression compression, Entry? entry)
    {
        string key = Key(plainDigest, compression);
        _file.Update(list =>
        {
            list.RemoveAll(e => e.Key == key);
            if (entry is not null) list.Add(entry);
            if (list.Count > MaxEntries) list.RemoveRange(0, list.Count - MaxEntries);
            return true;
        });
    }

    private sealed class Entry
    {
        public string Key { get; set; } = "";
        public string Digest { get; set; } = "";
        public long Size { get; set; }
    }
}
