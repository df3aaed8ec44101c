using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

/// <summary>
/// The local image store under <see cref="PscPaths.Storage"/>:
/// <code>
/// blobs/sha256/&lt;hex&gt;        content-addressed blobs, verified before they become visible
/// blobs/sha256/&lt;hex&gt;.layer  a build step's layer blob kept as its layer directory (ImageStore.LayerBlobs)
/// layers/&lt;chain-hex&gt;/diff    unpacked layers (overlay form), keyed by ChainID, shared by images
/// layers/&lt;chain-hex&gt;/layer.json
/// images/&lt;id-hex&gt;.json       image records (id = config digest)
/// repositories.json          the index: visible image ids and name:tag → id
/// tmp/                       work in progress (each piece guarded by a lock file of its owner)
/// lock                       the store lock
/// </code>
/// Visibility is defined by repositories.json alone, which is replaced atomically under the store lock,
/// so a kill -9 at any moment leaves either the old or the new set of images. Anything not reachable from
/// the index (records, layers, abandoned temp work) is removed by the next command that takes the lock.
/// </summary>
public sealed partial class ImageStore
{
    public PscPaths Paths { get; }
    public string Root { get; }
    public string BlobsDir { get; }
    public string LayersDir { get; }
    public string ImagesDir { get; }
    public string TmpDir { get; }
    public string IndexFile { get; }
    public string LockFile { get; }

    /// <summary>Test hook: called at named points of a commit/removal ("layers-published", "record-written", ...).</summary>
    internal Action<string>? FaultPoint { get; set; }

    public ImageStore(PscPaths paths)
    {
        Paths = paths;
        Root = paths.Storage;
        BlobsDir = Path.Combine(Root, "blobs", "sha256");
        LayersDir = Path.Combine(Root, "layers");
        ImagesDir = Path.Combine(Root, "images");
        TmpDir = Path.Combine(Root, "tmp");
        IndexFile = Path.Combine(Root, "repositories.json");
        LockFile = Path.Combine(Root, "lock");
        foreach (var d in new[] { BlobsDir, LayersDir, ImagesDir }) Directory.CreateDirectory(d);
        // layers are unpacked in a work directory of their own under tmp/, then renamed into layers/
        TreeDirectory.Ensure(TmpDir);
    }

    /// <summary>
    /// Who uses images: the containers (wired by <see cref="Engine"/> to the container store). Null: no image is in use
    /// (a store on its own, as in the image tests).
    /// </summary>
    public IImageUsers? Users { get; init; }

    /// <summary>
    /// The short-name settings <see cref="FindImage"/> consults for a name it does not find as docker normalizes it:
    /// registries.conf read on each such lookup (<see cref="Registry.RegistriesConf.Load()"/>) unless set.
    /// </summary>
    public Func<Registry.RegistriesConf> ShortNames { get; set; } = Registry.RegistriesConf.Load;

    /// <summary>Where image events (pull, push, tag, untag, delete, import, load, save) are recorded; none when null (a store on its own).</summary>
    public PsContainers.Core.Events.EventLog? Events { get; init; }

    /// <summary>Record an image event: the actor is the image id, its "name" attribute the reference concerned (docker's image events).</summary>
    internal void EmitEvent(string action, string imageId, string? name) =>
        Events?.Emit(PsContainers.Contract.EventType.Image, action, imageId, ("name", name));

    /// <summary>
    /// Finish or clean what interrupted commands left behind, when nobody else is working: non-blocking tries of the
    /// store lock over about a quarter of a second (see <see cref="FileLock.TryExclusive(string, int)"/> for why a
    /// free lock can look held for a moment), only when there is something to clean; nothing happens when the lock
    /// stays held (the next command tries again). The constructor does not do this, so opening a store for a read
    /// (a listing, a tab completion) never changes it; the operations that change the store take this step under
    /// their lock (<see cref="LockForChange"/>), and tests call it to play "the next command".
    /// </summary>
    public void RecoverAbandonedWork()
    {
        if (!HasAbandonedWork()) return;
        using var l = FileLock.TryExclusive(LockFile, attempts: 8);
        if (l is not null) Recover();
    }

    // ------------------------------------------------------------------ locking and temp work

    internal FileLock LockExclusive(CancellationToken ct = default) => FileLock.Exclusive(LockFile, ct);

    /// <summary>The exclusive store lock for a change, after sweeping what interrupted commands left (recovery is part of every change).</summary>
    internal FileLock LockForChange(CancellationToken ct = default)
    {
        var l = LockExclusive(ct);
        try { if (HasAbandonedWork()) Recover(); }
        catch (IOException) { /* best effort: the next change tries again */ }
        return l;
    }

    /// <summary>
    /// A private work directory under tmp/, guarded by a lock file held for its lifetime. Whoever finds the
    /// lock free (the owner died) may delete it. Created under the shared store lock so a cleaner holding
    /// the exclusive lock never sees a half-created scope.
    /// </summary>
    internal sealed class TempScope : IDisposable
    {
        public string Dir { get; }
        private readonly FileLock _lock;
        private readonly string _lockPath;
        public TempScope(ImageStore store, string kind)
        {
            string name = kind + "-" + Guid.NewGuid().ToString("N")[..16];
            Dir = Path.Combine(store.TmpDir, name);
            _lockPath = Dir + ".lock";
            using (FileLock.Shared(store.LockFile))
            {
                _lock = FileLock.Exclusive(_lockPath);
                LiveScopeLocks.TryAdd(_lockPath, 0);
                Directory.CreateDirectory(Dir);
            }
        }
        public void Dispose()
        {
            DeleteTree(Dir);
            LiveScopeLocks.TryRemove(_lockPath, out _);
            try { File.Delete(_lockPath); } catch { }
            _lock.Dispose();
        }
    }

    /// <summary>
    /// The lock files of the temp scopes this process holds now (every store root): a recovery passes them at once instead
    /// of trying their lock a few times (<see cref="FileLock.TryExclusive(string, int)"/> waits 15 ms for a lock that
    /// stays held, and a commit's recovery met at least two of its own: the process's pins and the commit's scope).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> LiveScopeLocks = new(StringComparer.Ordinal);

    internal TempScope NewTemp(string kind) => new(this, kind);

    /// <summary>Whether tmp/ holds anything whose owner is gone (cheap: a few non-blocking lock attempts).</summary>
    private bool HasAbandonedWork()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(TmpDir))
        {
            if (entry.EndsWith(".lock", StringComparison.Ordinal))
            {
                if (LiveScopeLocks.ContainsKey(entry)) continue;
                using var owner = FileLock.TryExclusive(entry);
                if (owner is not null) return true;
            }
            else if (!File.Exists(entry + ".lock")) return true;
        }
        return false;
    }

    /// <summary>Clean what interrupted commands left behind. Call with the exclusive store lock held.</summary>
    internal void Recover()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(TmpDir).ToList())
        {
            if (entry.EndsWith(".lock", StringComparison.Ordinal))
            {
                if (LiveScopeLocks.ContainsKey(entry)) continue; // this process works there now
                string dir = entry[..^5];
                using var owner = FileLock.TryExclusive(entry, attempts: 3);
                if (owner is null) continue; // still being worked on
                DeleteTree(dir);
                try { File.Delete(entry); } catch { }
            }
            else if (!File.Exists(entry + ".lock"))
            {
                DeleteTree(entry);
            }
        }
        var index = ReadIndex();
        var live = new HashSet<string>(index.Images, StringComparer.Ordinal);
        var liveChains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(ImagesDir).ToList())
        {
            string name = Path.GetFileName(f);
            if (name.StartsWith(AtomicFile.TempPrefix, StringComparison.Ordinal)) { TryDelete(f); continue; }
            string id = "sha256:" + Path.GetFileNameWithoutExtension(f);
            if (!live.Contains(id)) { TryDelete(f); continue; }
        }
        foreach (var id in index.Images)
        {
            var rec = ReadRecord(id);
            if (rec is not null) foreach (var c in rec.ChainIds) liveChains.Add(Digest.Hex(c));
        }
        foreach (var d in Directory.EnumerateDirectories(LayersDir).ToList())
        {
            if (!liveChains.Contains(Path.GetFileName(d))) RemoveLayerDir(d);
        }
        foreach (var f in Directory.EnumerateFiles(Root, AtomicFile.TempPrefix + "*")) TryDelete(f);
    }

    private void RemoveLayerDir(string dir)
    {
        // rename first so the layer disappears atomically, then delete at leisure
        string doomed = Path.Combine(TmpDir, "del-" + Guid.NewGuid().ToString("N")[..16]);
        try { Directory.Move(dir, doomed); } catch (IOException) { return; }
        DeleteTree(doomed);
    }

    /// <summary>
    /// Delete a tree the store owns (a layer, staging work) with <see cref="SafeTree.Delete(string)"/>: a symlink is an
    /// entry to remove, never a directory to enter, directories without write permission are opened up on their own
    /// descriptor only, and a mount inside the tree is left alone. Best effort: what cannot be deleted now is swept by
    /// the next recovery.
    /// </summary>
    internal static void DeleteTree(string path)
    {
        try { SafeTree.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void TryDelete(string f) { try { File.Delete(f); } catch { } }

    // ------------------------------------------------------------------ blobs

    /// <summary>Whether the store holds the blob: as a file, or as a layer directory (<see cref="IsLayerBlob"/>).</summary>
    public bool HasBlob(string digest) => File.Exists(BlobFile(digest)) || File.Exists(LayerBlobMarkerPath(digest));

    /// <summary>
    /// The path of the blob's file, to read (an export, a push, a commit). A blob kept as its layer directory gets its
    /// file first (the tar written again and checked: <see cref="EnsureBlobFile"/>).
    /// </summary>
    /// <exception cref="PscException">MissingBlob (InvalidData, Remedy RepairStorage): the store does not hold the blob
    /// (its file or its layer marker was removed outside the engine: an image needing it is damaged, which
    /// Test-ContainerStorage reports), or a layer blob cannot be made again.</exception>
    public string GetBlobPath(string digest)
    {
        EnsureBlobFile(digest);
        string path = BlobFile(digest);
        if (!File.Exists(path))
            throw new PscException(ErrorIds.MissingBlob, PscErrorCategory.InvalidData,
                $"The blob {digest} is not in the store: it was removed outside the engine. Test-ContainerStorage lists the images that need it; -Repair removes them.", digest)
            { Remedy = Remedy.RepairStorage };
        return path;
    }

    /// <summary>Open a blob to read (a layer blob kept as its directory gets its file first).</summary>
    /// <exception cref="PscException">BlobNotFound (ObjectNotFound): the store does not hold it; MissingBlob when a
    /// layer blob cannot be made again.</exception>
    public Stream OpenBlob(string digest)
    {
        EnsureBlobFile(digest);
        try { return new FileStream(BlobFile(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (FileNotFoundException) { throw PscException.NotFound(ErrorIds.BlobNotFound, $"The blob {digest} is not in the store.", digest); }
    }

    public byte[] ReadBlob(string digest)
    {
        using var s = OpenBlob(digest);
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The blob's size in bytes (a layer blob kept as its directory answers from its marker, without a file).</summary>
    public long GetBlobSize(string digest) =>
        !File.Exists(BlobFile(digest)) && ReadLayerBlobMarker(digest) is { } marker ? marker.Size : new FileInfo(BlobFile(digest)).Length;

    public string PutBlob(byte[] content, string? expectedDigest = null)
    {
        using var ms = new MemoryStream(content, writable: false);
        return PutBlob(ms, expectedDigest, -1, CancellationToken.None);
    }

    /// <summary>
    /// Stream <paramref name="content"/> into a temp file under the store, verify its sha256 (and size when
    /// <paramref name="expectedSize"/> >= 0), then publish it by rename. Returns the digest.
    /// </summary>
    public string PutBlob(Stream content, string? expectedDigest, long expectedSize, CancellationToken ct, Action<long>? bytesWritten = null)
    {
        if (expectedDigest is not null)
        {
            Digest.Validate(expectedDigest);
            Pin(expectedDigest); // before looking: a removal running now keeps it, or we write it again
            // A removal reads the pins and deletes blobs under the exclusive store lock: looking under the shared
            // lock means it either finished before (the blob is gone and is written again) or sees our pin.
            using (FileLock.Shared(LockFile))
            {
                if (HasBlob(expectedDigest) && (expectedSize < 0 || GetBlobSize(expectedDigest) == expectedSize)) return expectedDigest;
            }
        }
        using var scope = NewTemp("blob");
        string tmp = Path.Combine(scope.Dir, "data");
        string digest;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = content.Read(buf, 0, buf.Length)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                total += n;
                if (expectedSize >= 0 && total > expectedSize)
                    throw PscException.InvalidData(ErrorIds.SizeMismatch, $"The blob {expectedDigest} is larger than the {expectedSize} bytes announced.", expectedDigest);
                hash.AppendData(buf, 0, n);
                fs.Write(buf, 0, n);
                bytesWritten?.Invoke(total);
            }
            if (expectedSize >= 0 && total != expectedSize)
                throw PscException.InvalidData(ErrorIds.SizeMismatch, $"The blob {expectedDigest} has {total} bytes, {expectedSize} were announced.", expectedDigest);
            digest = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            if (expectedDigest is not null && digest != expectedDigest)
                throw PscException.InvalidData(ErrorIds.DigestMismatch, $"The content does not match its digest: expected {expectedDigest}, got {digest}.", expectedDigest);
            fs.Flush(flushToDisk: true);
        }
        PublishBlobFile(tmp, digest);
        if (expectedDigest is not null) Unpin(new[] { digest }); // PublishBlobFile pinned it again: keep one pin per put
        return digest;
    }

    /// <summary>Move a fully written, already verified file into the blob store.</summary>
    internal void PublishBlobFile(string verifiedFile, string digest)
    {
        Pin(digest);
        string final = BlobFile(digest);
        // keep-or-publish under the shared store lock: a removal (exclusive lock) either saw the pin or is done
        using (FileLock.Shared(LockFile))
        {
            if (File.Exists(final)) { TryDelete(verifiedFile); File.SetLastWriteTimeUtc(final, DateTime.UtcNow); return; }
            File.SetUnixFileMode(verifiedFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            AtomicFile.Publish(verifiedFile, final);
        }
    }

    /// <summary>Every blob the store holds, files and layer blobs kept as their directory (<see cref="IsLayerBlob"/>), each once.</summary>
    public IEnumerable<string> EnumerateBlobs() =>
        Directory.EnumerateFiles(BlobsDir).Select(Path.GetFileName)
            .Select(n => n!.EndsWith(LayerBlobSuffix, StringComparison.Ordinal) ? n[..^LayerBlobSuffix.Length] : n)
            .Where(n => n.Length == 64 && Digest.IsValid("sha256:" + n)).Distinct(StringComparer.Ordinal).Select(n => "sha256:" + n);

    // ------------------------------------------------------------------ index and records

    internal RepositoryIndex ReadIndex()
    {
        try
        {
            var bytes = File.ReadAllBytes(IndexFile);
            return StoreJson.Deserialize<RepositoryIndex>(bytes) ?? new RepositoryIndex();
        }
        catch (FileNotFoundException) { return new RepositoryIndex(); }
        catch (JsonException e) { throw PscException.InvalidData(ErrorIds.StoreIndexCorrupt, $"The store index '{IndexFile}' is damaged: {e.Message}", IndexFile, e); }
    }

    internal void WriteIndex(RepositoryIndex index) => AtomicFile.WriteAllBytes(IndexFile, StoreJson.Serialize(index));

    internal string RecordPath(string id) => Path.Combine(ImagesDir, Digest.Hex(id) + ".json");

    /// <summary>
    /// How many image records (<see cref="ReadRecord"/>) and image configs (<see cref="ReadConfig"/>) this store object
    /// has read since it was made: the tests' proof that a run reads its image once. With PSCONTAINERS_TRACE set each
    /// read is also a trace line ("image store: record read", "image store: config read").
    /// </summary>
    internal (int Records, int Configs) Reads => (Volatile.Read(ref _recordReads), Volatile.Read(ref _configReads));
    private int _recordReads, _configReads;

    internal ImageRecord? ReadRecord(string id)
    {
        Interlocked.Increment(ref _recordReads);
        Containers.PhaseTrace.Mark("image store: record read");
        try { return StoreJson.Deserialize<ImageRecord>(File.ReadAllBytes(RecordPath(id))); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (JsonException) { return null; }
    }

    internal string LayerDir(string chainId) => Path.Combine(LayersDir, Digest.Hex(chainId));

    internal LayerRecord? ReadLayerRecord(string chainId)
    {
        try { return StoreJson.Deserialize<LayerRecord>(File.ReadAllBytes(Path.Combine(LayerDir(chainId), "layer.json"))); }
        catch (IOException) { return null; }
        catch (JsonException) { return null; }
    }

    public static string ComputeChainId(string? parentChain, string diffId) =>
        parentChain is null ? diffId : Digest.Of(Encoding.ASCII.GetBytes(parentChain + " " + diffId));

    public static List<string> ComputeChainIds(IEnumerable<string> diffIds)
    {
        var list = new List<string>();
        string? parent = null;
        foreach (var d in diffIds) { parent = ComputeChainId(parent, d); list.Add(parent); }
        return list;
    }

    // ------------------------------------------------------------------ manifests and configs

    /// <summary>Read and check the image manifest stored as blob <paramref name="digest"/> (<see cref="ParseImageManifest"/>).</summary>
    /// <exception cref="PscException">MissingBlob when the blob is absent; the errors of <see cref="ParseImageManifest"/>.</exception>
    internal ImageManifest ParseManifest(string digest)
    {
        if (!HasBlob(digest))
            throw PscException.InvalidData(ErrorIds.MissingBlob, $"The manifest blob {digest} is not in the store.", digest);
        return ParseImageManifest(ReadBlob(digest), digest);
    }

    /// <summary>
    /// Read a manifest or an index that is (or is about to be) a blob of the store, with <see cref="ManifestDocument.Parse"/>,
    /// turning its defects into the store's ErrorIds.
    /// </summary>
    /// <param name="bytes">The document.</param>
    /// <param name="what">The document's name in messages (its digest).</param>
    /// <exception cref="PscException">InvalidManifest (not JSON, malformed, schemaVersion not 2, a bad descriptor, over 4 MiB);
    /// UnsupportedMediaType (neither a manifest nor an index, or Docker schema 1). All InvalidData.</exception>
    internal static ManifestDocument ParseManifestDocument(byte[] bytes, string what)
    {
        try { return ManifestDocument.Parse(bytes); }
        catch (OciFormatException e)
        {
            throw e.Error switch
            {
                OciFormatError.UnsupportedMediaType or OciFormatError.Schema1 =>
                    PscException.InvalidData(ErrorIds.UnsupportedMediaType, $"The manifest {what} is not supported: {e.Message}.", what, e),
                _ => PscException.InvalidData(ErrorIds.InvalidManifest, $"The manifest {what} is invalid: {e.Message}.", what, e),
            };
        }
    }

    /// <summary>
    /// Read an image manifest the store can commit: <see cref="ParseManifestDocument"/>, then the store's own rules:
    /// not an index, a config of an image config media type, and layers of media types it can unpack
    /// (<see cref="MediaTypes.IsConfig"/>, <see cref="MediaTypes.IsLayer"/>).
    /// </summary>
    /// <exception cref="PscException">NotAnImageManifest (an index); UnsupportedMediaType (config or layer type);
    /// the errors of <see cref="ParseManifestDocument"/>. All InvalidData.</exception>
    internal static ImageManifest ParseImageManifest(byte[] bytes, string what)
    {
        if (ParseManifestDocument(bytes, what) is not ImageManifest m)
            throw PscException.InvalidData(ErrorIds.NotAnImageManifest, $"{what} is an image index, not an image manifest.", what);
        if (!MediaTypes.IsConfig(m.Config.MediaType))
            throw PscException.InvalidData(ErrorIds.UnsupportedMediaType, $"The image config has an unsupported media type '{m.Config.MediaType}'.", what);
        foreach (var l in m.Layers)
            if (!MediaTypes.IsLayer(l.MediaType))
                throw PscException.InvalidData(ErrorIds.UnsupportedMediaType, $"The layer {l.Digest} has an unsupported media type '{l.MediaType}'.", l.Digest);
        return m;
    }

    /// <summary>The layer diff_ids of an image config (config.md rootfs.diff_ids), base layer first.</summary>
    /// <exception cref="PscException">InvalidImageConfig (InvalidData): no rootfs.diff_ids, or an entry that is not a valid sha256 digest.</exception>
    internal static List<string> ParseDiffIds(ImageConfiguration config, string what)
    {
        var list = config.DiffIds?.ToList()
            ?? throw PscException.InvalidData(ErrorIds.InvalidImageConfig, $"The image config {what} has no rootfs.diff_ids.", what);
        if (list.Any(d => !Digest.IsValid(d)))
            throw PscException.InvalidData(ErrorIds.InvalidImageConfig, $"The image config {what} has an invalid diff_id.", what);
        return list;
    }

    /// <summary>Read the image config blob <paramref name="digest"/>.</summary>
    /// <exception cref="PscException">BlobNotFound (ObjectNotFound); InvalidImageConfig (InvalidData): not a JSON object.</exception>
    internal ImageConfiguration ReadConfig(string digest)
    {
        Interlocked.Increment(ref _configReads);
        Containers.PhaseTrace.Mark("image store: config read");
        try { return ImageConfiguration.Parse(ReadBlob(digest)); }
        catch (OciFormatException e) { throw PscException.InvalidData(ErrorIds.InvalidImageConfig, $"The image config {digest} is not valid JSON: {e.Message}", digest, e); }
    }

    // ------------------------------------------------------------------ commit

    /// <summary>
    /// Make the image whose manifest blob is <paramref name="manifestDigest"/> visible: check that the config
    /// and layer blobs exist, unpack missing layers (by ChainID, once, overlay whiteout form), write the image
    /// record and point <paramref name="tags"/> at it. References with a digest become repo digests.
    /// </summary>
    public ContainerImage CommitImage(string manifestDigest, IEnumerable<ImageReference> tags, IProgressSink progress, CancellationToken ct) =>
        CommitImage(manifestDigest, tags, progress, ct, null);

    private ContainerImage CommitImage(string manifestDigest, IEnumerable<ImageReference> tags, IProgressSink progress, CancellationToken ct, TakenLayerDirectory? taken)
    {
        Digest.Validate(manifestDigest);
        ImageManifest? parsed = null;
        try { return CommitImageCore(manifestDigest, tags, progress, ct, taken, out parsed); }
        finally
        {
            // what was put for this image no longer needs protection from removals: it is referenced, or it failed
            var put = new List<string> { manifestDigest };
            if (parsed is not null) put.AddRange(parsed.Layers.Select(l => l.Digest).Append(parsed.Config.Digest));
            Unpin(put);
        }
    }

    private ContainerImage CommitImageCore(string manifestDigest, IEnumerable<ImageReference> tags, IProgressSink progress, CancellationToken ct,
        TakenLayerDirectory? taken, out ImageManifest? parsed)
    {
        parsed = null;
        var tagList = tags.ToList();
        var m = ParseManifest(manifestDigest);
        parsed = m;
        if (!HasBlob(m.Config.Digest))
            throw PscException.InvalidData(ErrorIds.MissingBlob, $"The image config blob {m.Config.Digest} is not in the store.", m.Config.Digest);
        string actualConfig = Digest.OfFile(GetBlobPath(m.Config.Digest));
        if (actualConfig != m.Config.Digest)
            throw PscException.InvalidData(ErrorIds.DigestMismatch, $"The stored config blob does not match its digest {m.Config.Digest}.", m.Config.Digest);
        foreach (var l in m.Layers)
            if (!HasBlob(l.Digest))
                throw PscException.InvalidData(ErrorIds.MissingBlob, $"The layer blob {l.Digest} is not in the store.", l.Digest);
        var config = ReadConfig(m.Config.Digest);
        var diffIds = ParseDiffIds(config, m.Config.Digest);
        if (diffIds.Count != m.Layers.Count)
            throw PscException.InvalidData(ErrorIds.InvalidImageConfig, $"The manifest lists {m.Layers.Count} layers but the config has {diffIds.Count} diff_ids.", manifestDigest);
        var chains = ComputeChainIds(diffIds);
        string id = m.Config.Digest;

        using var scope = NewTemp("commit");
        var staged = new List<(string ChainId, string Dir)>();
        const int activity = 2001;
        for (int i = 0; i < m.Layers.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (Directory.Exists(LayerDir(chains[i]))) continue;
            var layer = m.Layers[i];
            string dir = Path.Combine(scope.Dir, Digest.Hex(chains[i]));
            string diff = Path.Combine(dir, "diff");
            Directory.CreateDirectory(dir);
            progress.Progress(new ProgressInfo(activity, "Unpacking layers", $"Layer {i + 1} of {m.Layers.Count}: {Digest.Short(layer.Digest)}", i * 100 / m.Layers.Count));
            long size, uncompressed;
            if (taken is not null && i == m.Layers.Count - 1 && layer.Digest == taken.Diff.Digest && diffIds[i] == taken.Diff.DiffId
                && TakeLayerDirectory(taken, diff, ct) is long fileBytes)
            {
                // the layer's own upper directory, already in the form unpacking gives: no second unpack
                (size, uncompressed) = (fileBytes, taken.Diff.UncompressedSize);
                Containers.PhaseTrace.Mark($"commit: layer {i + 1} taken from its directory");
            }
            else
            {
                Directory.CreateDirectory(diff);
                LayerUnpackResult r;
                using (var blob = OpenBlobForCommit(layer.Digest))
                {
                    r = LayerExtractor.Unpack(blob, diff, ct);
                }
                Containers.PhaseTrace.Mark($"commit: layer {i + 1} unpacked ({r.Entries} entries)");
                if (r.DiffId != diffIds[i])
                    throw PscException.InvalidData(ErrorIds.DiffIdMismatch, $"Layer {layer.Digest} unpacks to {r.DiffId}, but the image config says {diffIds[i]}.", layer.Digest);
                (size, uncompressed) = (r.Size, r.UncompressedBytes);
            }
            var rec = new LayerRecord { ChainId = chains[i], DiffId = diffIds[i], Parent = i == 0 ? null : chains[i - 1], Size = size, UncompressedBytes = uncompressed };
            File.WriteAllBytes(Path.Combine(dir, "layer.json"), StoreJson.Serialize(rec));
            AtomicFile.Fsync(Path.Combine(dir, "layer.json"));
            staged.Add((chains[i], dir));
        }
        progress.Progress(new ProgressInfo(activity, "Unpacking layers", Completed: true));

        Containers.PhaseTrace.Mark("commit: layers staged");
        using (LockExclusive(ct))
        {
            try { return PublishCommit(manifestDigest, tagList, m, diffIds, chains, staged, scope, ct); }
            catch
            {
                // leave nothing half-made behind: whatever the index does not reach goes
                try { Recover(); } catch (IOException) { }
                throw;
            }
        }
    }

    /// <summary>
    /// Make <paramref name="taken"/>'s directory the layer directory <paramref name="diff"/> (not existing yet): returns
    /// its regular-file bytes, or null when it cannot stand for the layer (<see cref="LayerDiff.PrepareAsLayerDirectory"/>)
    /// or cannot be renamed there (another file system): the caller unpacks the blob then.
    /// </summary>
    private static long? TakeLayerDirectory(TakenLayerDirectory taken, string diff, CancellationToken ct)
    {
        if (!Directory.Exists(taken.Directory)) return null;
        if ((taken.PreparedBytes ?? LayerDiff.PrepareAsLayerDirectory(taken.Directory, taken.Options, ct)) is not long bytes) return null;
        try { Directory.Move(taken.Directory, diff); }
        catch (IOException) { return null; }
        return bytes;
    }

    // ------------------------------------------------------------------ pins

    /// <summary>
    /// Blobs put by this process and not yet committed are "pinned": a removal in any process leaves them alone
    /// (an image pulled concurrently may need a blob an image being removed shares). Pins live in one directory
    /// per process and store, guarded by a lock held for the life of the process; a dead process's pins are swept.
    /// </summary>
    private static readonly Dictionary<string, TempScope> PinScopes = new(StringComparer.Ordinal);

    private string PinDir
    {
        get
        {
            lock (PinScopes)
            {
                if (!PinScopes.TryGetValue(Root, out var scope) || !Directory.Exists(scope.Dir))
                    PinScopes[Root] = scope = new TempScope(this, "pins");
                return scope.Dir;
            }
        }
    }

    /// <summary>In-process pin counts (several threads may pin the same blob): the file goes at zero.</summary>
    private static readonly Dictionary<string, int> PinCounts = new(StringComparer.Ordinal);

    internal void Pin(string digest) => PinName(Digest.Hex(digest));

    /// <summary>The prefix of a held image's pin (<see cref="HoldImage"/>), apart from the blobs' pins: a blob pinned
    /// while an image is being committed does not make that image in use.</summary>
    private const string HeldPrefix = "held-";

    /// <summary>The pin file name of a held image.</summary>
    private static string HeldPin(string id) => HeldPrefix + Digest.Hex(id);

    private void PinName(string name)
    {
        string dir = PinDir;
        string file = Path.Combine(dir, name);
        lock (PinCounts)
        {
            PinCounts[file] = PinCounts.GetValueOrDefault(file) + 1;
            if (!File.Exists(file)) File.WriteAllBytes(file, []);
        }
    }

    /// <summary>
    /// Drop the protection of blobs put for an image that will not be committed (a failed or cancelled pull).
    /// The blobs stay on disk for a later pull to reuse, as ordinary unreferenced blobs.
    /// </summary>
    public void ReleaseBlobs(IEnumerable<string> digests) => Unpin(digests);

    internal void Unpin(IEnumerable<string> digests) =>
        UnpinNames(digests.Distinct().Where(Digest.IsValid).Select(Digest.Hex));

    private void UnpinNames(IEnumerable<string> names)
    {
        string dir;
        lock (PinScopes) { if (!PinScopes.TryGetValue(Root, out var scope)) return; dir = scope.Dir; }
        lock (PinCounts)
        {
            foreach (var name in names)
            {
                string file = Path.Combine(dir, name);
                if (!PinCounts.TryGetValue(file, out int n)) continue;
                if (n > 1) { PinCounts[file] = n - 1; continue; }
                PinCounts.Remove(file);
                TryDelete(file);
            }
        }
    }

    /// <summary>
    /// Keep the image <paramref name="id"/> from removal while this process works with it (a build's base image, the
    /// images of its cache hits): docker rmi, Remove-ContainerImage and a prune in any process refuse it or pass over it
    /// (ImageInUse, "a build or pull in progress uses it") until <see cref="ReleaseImages"/> or the end of this process,
    /// as BuildKit's leases keep what a running build uses from its garbage collector. The image id is pinned like a blob
    /// (its config digest) and then looked up under the shared store lock, so a removal that ran first is seen: false
    /// when the image is gone (nothing is held then).
    /// </summary>
    /// <param name="id">The image id, "sha256:&lt;64 hex&gt;".</param>
    public bool HoldImage(string id)
    {
        Digest.Validate(id);
        PinName(HeldPin(id));
        bool present;
        using (FileLock.Shared(LockFile)) present = ReadIndex().Images.Contains(id) && ReadRecord(id) is not null;
        if (!present) ReleaseImages([id]);
        return present;
    }

    /// <summary>Hold an image about to be committed (<see cref="ImageCommitSpec.Hold"/>): no lookup, it does not exist yet.</summary>
    private void HoldCommitted(string id) => PinName(HeldPin(id));

    /// <summary>Give up images held with <see cref="HoldImage"/> or <see cref="ImageCommitSpec.Hold"/>: one entry per hold
    /// (an image held twice is listed twice; it is free once every hold is given up).</summary>
    public void ReleaseImages(IEnumerable<string> ids)
    {
        foreach (var id in ids.ToList()) if (Digest.IsValid(id)) UnpinNames([HeldPin(id)]);
    }

    /// <summary>The ids of the images live processes hold (<see cref="HoldImage"/>, <see cref="ImageCommitSpec.Hold"/>).</summary>
    public IReadOnlySet<string> HeldImages() => PinNames().Where(n => n.StartsWith(HeldPrefix, StringComparison.Ordinal))
        .Select(n => "sha256:" + n[HeldPrefix.Length..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Digests pinned by live processes (this one included). Call under the store lock.</summary>
    internal HashSet<string> PinnedBlobs() => PinNames().Where(n => !n.StartsWith(HeldPrefix, StringComparison.Ordinal))
        .Select(n => "sha256:" + n).ToHashSet(StringComparer.Ordinal);

    /// <summary>The names of the pin files of live processes (this one included).</summary>
    private List<string> PinNames()
    {
        var names = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(TmpDir, "pins-*"))
        {
            using (var owner = FileLock.TryExclusive(dir + ".lock"))
                if (owner is not null) continue; // its process is gone
            foreach (var f in Directory.EnumerateFiles(dir)) names.Add(Path.GetFileName(f));
        }
        return names;
    }

    private Stream OpenBlobForCommit(string digest)
    {
        try { return new FileStream(GetBlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (FileNotFoundException) { throw PscException.InvalidData(ErrorIds.MissingBlob, $"The blob {digest} was removed while the image was being committed.", digest); }
    }

    private ContainerImage PublishCommit(string manifestDigest, List<ImageReference> tagList, ImageManifest m, List<string> diffIds,
        List<string> chains, List<(string ChainId, string Dir)> staged, TempScope scope, CancellationToken ct)
    {
        string id = m.Config.Digest;
        {
            Recover();
            // a concurrent removal may have taken blobs away meanwhile
            foreach (var d in m.Layers.Select(l => l.Digest).Append(m.Config.Digest).Append(manifestDigest))
                if (!HasBlob(d))
                    throw PscException.InvalidData(ErrorIds.MissingBlob, $"The blob {d} was removed while the image was being committed.", d);
            // layers that are still missing (another process may have published them, or removed them)
            for (int i = 0; i < chains.Count; i++)
            {
                if (Directory.Exists(LayerDir(chains[i]))) continue;
                var st = staged.FirstOrDefault(s => s.ChainId == chains[i]);
                if (st.Dir is null)
                {
                    // removed by someone else after our check: unpack it now, under the lock
                    string dir = Path.Combine(scope.Dir, Digest.Hex(chains[i]));
                    DeleteTree(dir);
                    Directory.CreateDirectory(Path.Combine(dir, "diff"));
                    LayerUnpackResult r;
                    using (var blob = OpenBlobForCommit(m.Layers[i].Digest)) r = LayerExtractor.Unpack(blob, Path.Combine(dir, "diff"), ct);
                    var rec = new LayerRecord { ChainId = chains[i], DiffId = diffIds[i], Parent = i == 0 ? null : chains[i - 1], Size = r.Size, UncompressedBytes = r.UncompressedBytes };
                    File.WriteAllBytes(Path.Combine(dir, "layer.json"), StoreJson.Serialize(rec));
                    st = (chains[i], dir);
                }
                AtomicFile.Publish(st.Dir, LayerDir(chains[i]));
            }
            FaultPoint?.Invoke("layers-published");

            var index = ReadIndex();
            var existing = ReadRecord(id);
            long size = chains.Sum(c => ReadLayerRecord(c)?.Size ?? 0);
            var record = new ImageRecord
            {
                Id = id,
                ManifestDigest = manifestDigest,
                ManifestMediaType = m.MediaType,
                Config = m.Config,
                Layers = m.Layers.ToList(),
                DiffIds = diffIds,
                ChainIds = chains,
                Size = size,
                RepoDigests = existing?.RepoDigests ?? new List<string>(),
                Loaded = existing?.Loaded ?? DateTime.UtcNow,
            };
            foreach (var t in tagList.Where(t => t.Digest is not null))
            {
                string rd = t.Name + "@" + t.Digest;
                if (!record.RepoDigests.Contains(rd)) record.RepoDigests.Add(rd);
            }
            AtomicFile.WriteAllBytes(RecordPath(id), StoreJson.Serialize(record));
            FaultPoint?.Invoke("record-written");
            if (!index.Images.Contains(id)) index.Images.Add(id);
            foreach (var t in tagList.Where(t => t.Tag is not null))
                index.Tags[t.Name + ":" + t.Tag] = id;
            WriteIndex(index);
            FaultPoint?.Invoke("index-written");
            if (existing is not null && existing.ManifestDigest != manifestDigest)
            {
                // the same image (config) arrived with another manifest: drop blobs only the old one used
                var still = ReferencedBlobs(index);
                foreach (var b in existing.Layers.Select(l => l.Digest).Append(existing.ManifestDigest))
                    if (!still.Contains(b)) DeleteBlob(b);
            }
            var first = tagList.FirstOrDefault(t => t.Tag is not null);
            return BuildImage(ReadRecord(id)!, index, first?.Name + ":" + first?.Tag);
        }
    }

    // ------------------------------------------------------------------ queries

    /// <summary>One object per image (not per tag), Repository/Tag set to its first name.</summary>
    public IReadOnlyList<ContainerImage> ListImages()
    {
        var index = ReadIndex();
        var list = new List<ContainerImage>();
        foreach (var id in index.Images)
        {
            var rec = ReadRecord(id);
            if (rec is null) continue;
            try { list.Add(BuildImage(rec, index, null)); }
            catch (PscException) { }
            catch (IOException) { }
        }
        return list;
    }

    /// <summary>One row per name:tag (plus one &lt;none&gt; row per image without names), like <c>docker images</c>.</summary>
    public IReadOnlyList<ContainerImage> ListImageRows()
    {
        var rows = new List<ContainerImage>();
        foreach (var img in ListImages())
        {
            if (img.RepoTags.Length == 0) { rows.Add(img); continue; }
            foreach (var rt in img.RepoTags)
            {
                var r = ImageReference.Parse(rt);
                rows.Add(img.CloneAs(r.FamiliarName, r.Tag!));
            }
        }
        return rows;
    }

    [GeneratedRegex("^(sha256:)?[0-9a-f]{4,64}$")]
    private static partial Regex IdPrefixRegex();

    /// <summary>
    /// Find an image by reference (busybox, busybox:1, docker.io/library/busybox:latest, name@sha256:…; a local name
    /// also as podman spells it, localhost/x:1, see <see cref="StoredTag"/>) or by full or short (4+ hex) Id, with or
    /// without "sha256:". Returns null when nothing matches.
    /// </summary>
    public ContainerImage? FindImage(string nameOrId)
    {
        if (string.IsNullOrWhiteSpace(nameOrId)) return null;
        var index = ReadIndex();
        string s = nameOrId.Trim();
        bool looksLikeId = IdPrefixRegex().IsMatch(s);
        if (!s.StartsWith("sha256:", StringComparison.Ordinal) && ImageReference.TryParse(s, out var r) && r is not null)
        {
            if (r.Digest is null)
            {
                if (StoredTag(index, r) is string key && ReadRecord(index.Tags[key]) is { } rec)
                    return BuildImage(rec, index, key);
            }
            else
            {
                foreach (var id in index.Images)
                {
                    var rec = ReadRecord(id);
                    if (rec is null) continue;
                    if (rec.RepoDigests.Contains(r.Name + "@" + r.Digest) ||
                        (rec.ManifestDigest == r.Digest && (r.Tag is null || index.Tags.GetValueOrDefault(r.Name + ":" + r.Tag) == id)))
                    {
                        string? tagged = r.Tag is not null ? r.Name + ":" + r.Tag : index.Tags.FirstOrDefault(kv => kv.Value == id && kv.Key.StartsWith(r.Name + ":", StringComparison.Ordinal)).Key;
                        return BuildImage(rec, index, tagged);
                    }
                }
            }
        }
        if (looksLikeId)
        {
            string hex = s.StartsWith("sha256:", StringComparison.Ordinal) ? s[7..] : s;
            var matches = index.Images.Where(i => i.AsSpan(7).StartsWith(hex, StringComparison.Ordinal)).ToList();
            if (matches.Count > 1)
                throw PscException.InvalidArgument(ErrorIds.AmbiguousImageId, $"The short id '{s}' matches {matches.Count} images; give more characters.", s);
            if (matches.Count == 1 && ReadRecord(matches[0]) is { } rec) return BuildImage(rec, index, null);
        }
        return FindByShortName(s);
    }

    /// <summary>
    /// A short name not stored under docker's normalization (docker.io/library/…): the candidates of registries.conf
    /// (<see cref="Registry.RegistriesConf.Resolve"/>: the alias, else each unqualified search registry), first stored
    /// one wins. No network lookup. Null when none is stored or the text is no reference.
    /// </summary>
    private ContainerImage? FindByShortName(string s)
    {
        if (!Registry.RegistriesConf.IsShortName(s) || !ImageReference.TryParse(s, out var docker)) return null;
        foreach (var candidate in ShortNames().Resolve(s).Candidates)
            if (!candidate.Equals(docker) && FindImage(candidate.ToString()) is { } hit) return hit;
        return null;
    }

    /// <summary>
    /// The key of <paramref name="index"/>'s Tags under which the name <paramref name="r"/> is stored, or null: the
    /// name itself, else its <see cref="ImageReference.LocalCounterpart"/> as podman resolves local names, so that
    /// <c>localhost/x:1</c> finds an image built or tagged as <c>x:1</c> (stored docker.io/library/x:1) and <c>x:1</c>
    /// finds one tagged <c>localhost/x:1</c>. A name that came from docker.io (the image has a repo digest of it) is not
    /// local: <c>localhost/busybox</c> never means a pulled busybox, as in podman.
    /// </summary>
    internal string? StoredTag(RepositoryIndex index, ImageReference r)
    {
        string key = r.ToString();
        if (index.Tags.ContainsKey(key)) return key;
        if (r.LocalCounterpart is not { } alt || !index.Tags.TryGetValue(alt.ToString(), out var id)) return null;
        if (r.Registry == ImageReference.LocalRegistry
            && ReadRecord(id)?.RepoDigests.Any(d => d.StartsWith(alt.Name + "@", StringComparison.Ordinal)) == true)
            return null;
        return alt.ToString();
    }

    /// <summary>
    /// The unpacked layer directories of an image, BASE LAYER FIRST (reverse for overlay's lowerdir), from the diff ids
    /// the image object already holds (their ChainIDs, as the record lists them): nothing of the store is read again.
    /// </summary>
    /// <exception cref="PscException">LayerMissing: a layer directory is gone.</exception>
    public IReadOnlyList<string> GetLayerPaths(ContainerImage image) => LayerDirectories(image.Id, ComputeChainIds(image.DiffIds));

    /// <summary>
    /// The unpacked layer directories of the image <paramref name="id"/> (sha256:...), base layer first, from its record
    /// alone (the image config is not read: a container start needs no more).
    /// </summary>
    /// <exception cref="PscException">ImageNotFound: no record; LayerMissing: a layer directory is gone.</exception>
    public IReadOnlyList<string> GetLayerPaths(string id)
    {
        var rec = ReadRecord(id) ?? throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image {id} is not in the store.", id);
        return LayerDirectories(id, rec.ChainIds);
    }

    private List<string> LayerDirectories(string id, IEnumerable<string> chainIds)
    {
        var list = new List<string>();
        foreach (var c in chainIds)
        {
            string diff = Path.Combine(LayerDir(c), "diff");
            if (!Directory.Exists(diff))
                throw new PscException(ErrorIds.LayerMissing, PscErrorCategory.InvalidData, $"The unpacked layer {c} of image {id} is missing.", id)
                { Remedy = Remedy.RepairStorage };
            list.Add(diff);
        }
        return list;
    }

    /// <summary>
    /// The history of <paramref name="image"/> as docker history shows it: one <see cref="ContainerImageHistory"/> per entry
    /// of its config's history, newest first; each entry that made a layer is given the next layer (base first) with
    /// its unpacked size from the layer's record. An image whose config has no history gets one entry per layer, as
    /// docker does. Reads the layer records only (no layer content).
    /// </summary>
    public IReadOnlyList<ContainerImageHistory> History(ContainerImage image)
    {
        var chains = ComputeChainIds(image.DiffIds);
        var steps = image.History.Length > 0 ? image.History : image.DiffIds.Select(_ => new ImageHistory()).ToArray();
        var rows = new List<ContainerImageHistory>();
        int layer = 0;
        foreach (var h in steps)
        {
            bool makesLayer = !h.EmptyLayer && layer < chains.Count;
            rows.Add(new ContainerImageHistory
            {
                Image = image.Name,
                Created = h.Created,
                CreatedBy = h.CreatedBy ?? "",
                Comment = h.Comment ?? "",
                EmptyLayer = !makesLayer,
                Size = makesLayer ? ReadLayerRecord(chains[layer])?.Size ?? 0 : 0,
                LayerDiffId = makesLayer ? image.DiffIds[layer] : null,
            });
            if (makesLayer) layer++;
        }
        rows.Reverse();
        if (rows.Count > 0) rows[0] = rows[0] with { Id = image.Id };
        return rows;
    }

    /// <summary>The manifest bytes of an image.</summary>
    public byte[] GetManifest(ContainerImage image) => ReadBlob(image.Digest);

    /// <summary>The image config bytes (its digest is the image id).</summary>
    public byte[] GetConfig(ContainerImage image) => ReadBlob(image.Id);

    internal ContainerImage BuildImage(ImageRecord rec, RepositoryIndex index, string? asTag)
    {
        var cfg = ReadConfig(rec.Config.Digest);
        var img = new ContainerImage
        {
            Id = rec.Id,
            Digest = rec.ManifestDigest,
            Size = rec.Size,
            Layers = rec.Layers.Select(l => l.Digest).ToArray(),
            DiffIds = rec.DiffIds.ToArray(),
            Architecture = cfg.Architecture ?? "",
            Os = cfg.Os ?? "",
            Variant = cfg.Variant,
            Author = cfg.Author,
            Created = cfg.Created,
        };
        var tags = index.Tags.Where(kv => kv.Value == rec.Id).Select(kv => kv.Key).ToList();
        img.RepoTags = tags.Select(t => ImageReference.Parse(t).ToFamiliarString()).ToArray();
        img.RepoDigests = rec.RepoDigests.Select(d => ImageReference.TryParse(d, out var rr) && rr is not null ? rr.FamiliarName + "@" + rr.Digest : d).ToArray();
        string? which = asTag ?? tags.FirstOrDefault();
        if (which is not null && tags.Contains(which))
        {
            var r = ImageReference.Parse(which);
            img.Repository = r.FamiliarName; img.Tag = r.Tag ?? "<none>";
        }
        if (cfg.Config is { } c)
        {
            var ic = img.Config;
            ic.Entrypoint = c.Entrypoint?.ToArray();
            ic.Cmd = c.Cmd?.ToArray();
            ic.Env = c.Env?.ToArray() ?? [];
            ic.WorkingDir = NullIfEmpty(c.WorkingDir);
            ic.User = NullIfEmpty(c.User);
            ic.StopSignal = NullIfEmpty(c.StopSignal);
            ic.Healthcheck = c.Healthcheck?.Clone();
            ic.Shell = c.Shell?.ToArray();
            ic.OnBuild = c.OnBuild?.ToArray();
            ic.ExposedPortList = c.ExposedPorts.ToArray();
            ic.Volumes = c.Volumes.ToArray();
            foreach (var kv in c.Labels) ic.Labels[kv.Key] = kv.Value;
        }
        img.History = cfg.History.Select(h => new ImageHistory
        {
            Created = h.Created,
            CreatedBy = h.CreatedBy,
            Comment = h.Comment,
            EmptyLayer = h.EmptyLayer,
        }).ToArray();
        return img;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
