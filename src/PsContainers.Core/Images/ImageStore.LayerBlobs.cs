using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

/// <summary>
/// Layer blobs kept as their layer directory (a build step's layer). A build step's layer tar is not written when the
/// step commits: its digest is taken by writing the tar into a hash only, and the store keeps a marker
/// <c>blobs/sha256/&lt;hex&gt;.layer</c> (the tar's size and time precision) beside the unpacked layer directory, which
/// is the only copy of the content. The tar is made again from that directory, byte for byte, when something needs the
/// blob's bytes (a push, a save, an unpack for another chain): <see cref="GetBlobPath"/> and <see cref="OpenBlob"/> do it,
/// check the digest and keep the file. This is how docker's overlay2 store and BuildKit keep the layers they build
/// (docker stores no layer tar and makes one on push or save; BuildKit computes blobs lazily when it exports), and it
/// spares a cold build the writing and syncing of a tar as large as each layer. Layers pulled, loaded or committed with
/// <c>ConvertTo-ContainerImage</c> keep their blob files.
/// </summary>
public sealed partial class ImageStore
{
    private const string LayerBlobSuffix = ".layer";

    /// <summary>What a layer blob marker holds: enough to make the tar again and to answer its size.</summary>
    internal sealed class LayerBlobMarker
    {
        public long Size { get; set; }
        public bool SubsecondTimes { get; set; }
    }

    private string BlobFile(string digest) => Path.Combine(BlobsDir, Digest.Hex(digest));

    private string LayerBlobMarkerPath(string digest) => Path.Combine(BlobsDir, Digest.Hex(digest) + LayerBlobSuffix);

    /// <summary>True when the blob <paramref name="digest"/> has no file yet and is kept as its layer directory.</summary>
    public bool IsLayerBlob(string digest) => !File.Exists(BlobFile(digest)) && File.Exists(LayerBlobMarkerPath(digest));

    private LayerBlobMarker? ReadLayerBlobMarker(string digest)
    {
        try { return StoreJson.Deserialize<LayerBlobMarker>(File.ReadAllBytes(LayerBlobMarkerPath(digest))); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// Record the uncompressed layer blob <paramref name="layer"/> as kept by its layer directory (no file): pinned for the
    /// caller's commit like <see cref="PublishBlobFile"/>, and nothing is written when the store has the blob already.
    /// </summary>
    private void PublishLayerBlob(LayerDiffResult layer, bool subsecondTimes)
    {
        Pin(layer.Digest);
        using (FileLock.Shared(LockFile))
        {
            if (HasBlob(layer.Digest)) return;
            AtomicFile.WriteAllBytes(LayerBlobMarkerPath(layer.Digest), StoreJson.Serialize(new LayerBlobMarker { Size = layer.Size, SubsecondTimes = subsecondTimes }));
        }
    }

    /// <summary>
    /// Make the file of a blob kept as its layer directory (<see cref="IsLayerBlob"/>): the tar is written again from a
    /// layer directory whose diff_id is the digest, checked against it, and published as any blob. Nothing happens for a
    /// blob that has its file or that the store does not hold. Takes no store lock (callers may hold it): the blob is
    /// pinned while it is made, and a layer directory removed meanwhile fails the check, never publishes wrong bytes.
    /// </summary>
    /// <exception cref="PscException">MissingBlob (InvalidData) when no layer directory gives the digest back.</exception>
    private void EnsureBlobFile(string digest)
    {
        if (File.Exists(BlobFile(digest)) || ReadLayerBlobMarker(digest) is not { } marker) return;
        Pin(digest);
        try
        {
            using var scope = NewTemp("layerblob");
            string tmp = Path.Combine(scope.Dir, "layer");
            foreach (var dir in LayerDirectoriesOf(digest))
            {
                using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    if (LayerDirectoryTar(dir, marker, fs) != digest) continue;
                    fs.Flush(flushToDisk: true);
                }
                if (File.Exists(BlobFile(digest))) return;
                File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                AtomicFile.Publish(tmp, BlobFile(digest));
                return;
            }
            throw PscException.InvalidData(ErrorIds.MissingBlob,
                $"The layer blob {digest} is kept as its unpacked layer, and no layer directory in the store gives it back (the layer was changed or removed).", digest);
        }
        finally { Unpin([digest]); }
    }

    /// <summary>The <c>diff</c> directories of the layers whose diff_id is <paramref name="digest"/> (an uncompressed layer's blob digest).</summary>
    private IEnumerable<string> LayerDirectoriesOf(string digest) =>
        Directory.EnumerateDirectories(LayersDir).Select(d => "sha256:" + Path.GetFileName(d)).ToList()
            .Where(chain => Digest.IsValid(chain) && ReadLayerRecord(chain)?.DiffId == digest)
            .Select(chain => Path.Combine(LayerDir(chain), "diff"));

    /// <summary>
    /// The digest of the uncompressed tar the layer directory <paramref name="diffDir"/> gives, written to
    /// <paramref name="output"/> as well (<see cref="Stream.Null"/> to hash only); null when it cannot be read.
    /// </summary>
    private static string? LayerDirectoryTar(string diffDir, LayerBlobMarker marker, Stream output)
    {
        try
        {
            using var fd = SafeFd.OpenDirectory(diffDir);
            return LayerDiff.Write(fd, output, new LayerDiffOptions { Compression = LayerCompression.None, SubsecondTimes = marker.SubsecondTimes }).Digest;
        }
        catch (Exception e) when (e is FsException or PscException or IOException) { return null; }
    }

    /// <summary>
    /// Whether the stored blob matches its digest: a file is hashed; a blob kept as its layer directory is written again
    /// into a hash only (no file is made), from any layer directory with that diff_id.
    /// </summary>
    public bool VerifyBlob(string digest)
    {
        if (File.Exists(BlobFile(digest))) return Digest.OfFile(BlobFile(digest)) == digest;
        return ReadLayerBlobMarker(digest) is { } marker && LayerDirectoriesOf(digest).Any(dir => LayerDirectoryTar(dir, marker, Stream.Null) == digest);
    }

    /// <summary>
    /// Whether <paramref name="dir"/> lies on the mount of the layer store, so that renaming it into the store works (the
    /// only way a layer blob kept as its directory gets its directory).
    /// </summary>
    private bool OnLayerStoreMount(string dir)
    {
        try
        {
            using var a = SafeFd.OpenDirectory(dir);
            using var b = SafeFd.OpenDirectory(LayersDir);
            return Fs.Stat(a).MountId == Fs.Stat(b).MountId;
        }
        catch (FsException) { return false; }
    }

    /// <summary>
    /// Whether the layer <paramref name="chainId"/>, whose blob is kept as its directory (<see cref="IsLayerBlob"/>), still
    /// gives its diff_id: its tar is written into a hash only. False when the directory or its record is missing.
    /// </summary>
    public bool VerifyLayerDirectory(string chainId) =>
        ReadLayerRecord(chainId) is { } rec && ReadLayerBlobMarker(rec.DiffId) is { } marker
        && LayerDirectoryTar(Path.Combine(LayerDir(chainId), "diff"), marker, Stream.Null) == rec.DiffId;

    /// <summary>Write out the file system holding a layer directory kept as its blob (syncfs), before a record names it.</summary>
    /// <exception cref="PscException">LayerWriteFailed (WriteError) when the file system reports a write error.</exception>
    private static void SyncLayerDirectory(SafeFd dir, string path)
    {
        try { Fs.Syncfs(dir); }
        catch (FsException fe)
        {
            throw new PscException(ErrorIds.LayerWriteFailed, PscErrorCategory.WriteError, $"Cannot write the layer directory '{path}' out to disk: {fe.Message}", path, fe);
        }
    }

    /// <summary>Delete a blob: its file and its layer marker (best effort).</summary>
    public void DeleteBlob(string digest)
    {
        TryDelete(BlobFile(digest));
        TryDelete(LayerBlobMarkerPath(digest));
    }
}
