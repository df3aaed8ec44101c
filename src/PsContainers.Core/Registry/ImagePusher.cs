using System.Diagnostics;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Registry;

/// <summary>
/// Pushes a stored image: layers and config (skipped when the registry has them, mounted from another
/// repository of the same registry when known there, else uploaded monolithically or in chunks), then
/// the manifest. Plain (uncompressed) layers, which the store keeps for the layers it made itself, are compressed on
/// the way (<see cref="Compression"/>, gzip by default, as docker push and buildah push do) and the pushed manifest
/// names the compressed blobs; otherwise the manifest goes with its exact stored bytes. Returns the pushed manifest's digest.
/// </summary>
public sealed class ImagePusher
{
    private readonly ImageStore _store;
    private readonly RegistryOptions _options;
    private readonly IProgressSink _sink;
    private readonly TokenCache _tokens;
    private readonly BlobSources _sources;
    private readonly CompressedLayerCache _compressed;
    private static int s_activitySeed = 5000;

    public RegistryCredential? Credential { get; set; }

    /// <summary>
    /// The compression the image's plain layers (media type <see cref="MediaTypes.OciLayer"/> or
    /// <see cref="MediaTypes.DockerLayer"/>) get in the registry: Gzip (the default, as docker push and buildah push),
    /// Zstd (OCI's tar+zstd type in either manifest family, as moby and containerd write it), or None (pushed as they
    /// are). Layers stored compressed are pushed as they are stored, whatever this says (podman push without
    /// --force-compression does the same). The compressed blob is made with <see cref="Images.Compression.CompressFile"/>
    /// (deterministic: the same layer always gives the same digest) into the store's work area and deleted after the
    /// push. The image config, and so its diff_ids and the image ID, are unchanged; the pushed manifest names the
    /// compressed blobs, so its digest is not the local manifest's, as with docker.
    /// </summary>
    public LayerCompression Compression { get; set; } = LayerCompression.Gzip;
    public Action<RegistryClient>? ClientCreated { get; set; }

    public ImagePusher(ImageStore store, RegistryOptions options, IProgressSink? sink = null, TokenCache? tokens = null)
    {
        _store = store;
        _options = options;
        _sink = sink ?? NullProgressSink.Instance;
        _tokens = tokens ?? TokenCache.Shared;
        _sources = new BlobSources(store.Paths);
        _compressed = new CompressedLayerCache(store.Paths);
    }

    public PushedImage Push(ContainerImage image, ImageReference destination, CancellationToken ct) =>
        PushAsync(image, destination, ct).GetAwaiter().GetResult();

    public async Task<PushedImage> PushAsync(ContainerImage image, ImageReference destination, CancellationToken ct)
    {
        var pushed = await PushCoreAsync(image, destination, ct).ConfigureAwait(false);
        _store.EmitEvent("push", image.Id, destination.ToFamiliarString());
        return pushed;
    }

    private async Task<PushedImage> PushCoreAsync(ContainerImage image, ImageReference destination, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        byte[] manifestBytes = _store.GetManifest(image);
        if (RegistryManifests.Parse(manifestBytes, null, image.ToString()) is not ImageManifest manifest)
            throw PscException.InvalidData(ErrorIds.PushUnsupportedManifest, $"The image {image} has no single-platform manifest to push.", image);
        foreach (var b in manifest.Layers.Append(manifest.Config))
            if (!_store.HasBlob(b.Digest))
                throw PscException.InvalidData(ErrorIds.MissingBlob, $"The blob {b.Digest} of {image} is not in the store.", b.Digest);
        bool docker = manifest.MediaType == MediaTypes.DockerManifest;
        using var scope = manifest.Layers.Any(l => NeedsCompression(l)) ? _store.NewTemp("push") : null;
        var compressedFiles = new Dictionary<string, CompressedCopy>(StringComparer.Ordinal); // compressed digest → its copy in scope
        if (scope is not null)
        {
            manifest = await CompressLayersAsync(manifest, docker, scope.Dir, compressedFiles, ct).ConfigureAwait(false);
            _sink.Verbose($"Plain layers pushed as {Compression} blobs: the pushed manifest is {manifest.Digest}.");
        }
        var cred = Credential ?? CredentialStore.Find(destination.Registry);
        using var client = new RegistryClient(destination.Registry, _options, cred, _sink, _tokens, destination.RegistryEndpointHost);
        ClientCreated?.Invoke(client);
        string repo = destination.Repository;
        var result = new PushedImage
        {
            Registry = destination.Registry,
            Repository = repo,
            Tag = destination.Tag,
            ImageId = image.Id,
        };
        int parent = Interlocked.Add(ref s_activitySeed, 100);
        string activity = $"Pushing {destination.ToFamiliarString()}";
        var blobs = manifest.Layers.Append(manifest.Config).ToList();
        result.Size = blobs.Sum(b => b.Size);
        long[] done = new long[blobs.Count];
        object gate0 = new();
        var lastReport = Stopwatch.StartNew();
        void Report(bool force = false)
        {
            lock (gate0)
            {
                if (!force && lastReport.ElapsedMilliseconds < 250) return;
                lastReport.Restart();
                long sum = done.Sum();
                _sink.Progress(new ProgressInfo(parent, activity, $"{HumanFormat.Size(sum)} of {HumanFormat.Size(result.Size)}",
                    result.Size > 0 ? (int)(sum * 100 / result.Size) : 100));
            }
        }
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDownloads));
        // layers in parallel; the config after them (order: blobs, config, manifest)
        var layerTasks = manifest.Layers.Select((l, i) => Task.Run(async () =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try { await PushBlobAsync(client, destination, l, compressedFiles.GetValueOrDefault(l.Digest), result, p => { done[i] = p; Report(); }, i, parent, ct).ConfigureAwait(false); }
            finally { gate.Release(); }
        }, ct)).ToList();
        await Task.WhenAll(layerTasks).ConfigureAwait(false);
        await PushBlobAsync(client, destination, manifest.Config, null, result, p => { done[^1] = p; Report(); }, blobs.Count - 1, parent, ct).ConfigureAwait(false);
        Report(true);

        ct.ThrowIfCancellationRequested();
        string reference = destination.Tag ?? manifest.Digest;
        if (destination.Digest is not null && destination.Digest != manifest.Digest)
            throw PscException.InvalidArgument(ErrorIds.PushDigestMismatch, $"{destination} names digest {destination.Digest}, but the image's manifest is {manifest.Digest}.", destination.ToString());
        result.Digest = await client.PutManifestAsync(repo, reference, manifest.Bytes, manifest.MediaType, ct).ConfigureAwait(false);
        _sink.Progress(new ProgressInfo(parent, activity, Completed: true));
        try { _sources.Add(destination.Registry, repo, blobs.Select(b => b.Digest)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _sink.Verbose($"Cannot record blob sources: {e.Message}"); }
        // as docker push: the image is now also known as name@digest
        try { _store.AddRepoDigest(image.Id, destination.Name, result.Digest, ct); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _sink.Verbose($"Cannot record the repo digest: {e.Message}"); }
        result.Name = destination.Digest is null && destination.Tag is not null
            ? $"{destination.Name}:{destination.Tag}" : destination.Name;
        result.Duration = sw.Elapsed;
        return result;
    }

    private bool NeedsCompression(Descriptor layer) =>
        Compression != LayerCompression.None && layer.MediaType is MediaTypes.OciLayer or MediaTypes.DockerLayer;

    /// <summary>
    /// The manifest to push: <paramref name="manifest"/> with each plain layer replaced by its compressed copy, recorded
    /// in <paramref name="files"/> by digest (its file in <paramref name="workDir"/>). A layer pushed before with this
    /// compression (<see cref="CompressedLayerCache"/>) is named without being compressed: its copy is made only when
    /// the registry lacks it (<see cref="CompressedCopy.Ensure"/>); the others are compressed now, in parallel up to
    /// <see cref="RegistryOptions.MaxConcurrentDownloads"/> at a time, and remembered. Annotations, artifact type and
    /// subject are kept.
    /// </summary>
    private async Task<ImageManifest> CompressLayersAsync(ImageManifest manifest, bool docker, string workDir, Dictionary<string, CompressedCopy> files, CancellationToken ct)
    {
        var layers = manifest.Layers.ToArray();
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDownloads));
        var tasks = layers.Select((l, i) => (l, i)).Where(x => NeedsCompression(x.l)).Select(x => Task.Run(async () =>
        {
            var copy = new CompressedCopy(x.l.Digest, _store.GetBlobPath(x.l.Digest), Path.Combine(workDir, x.i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Compression);
            if (_compressed.Find(x.l.Digest, Compression) is not { } known)
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try { known = copy.Make(ct); }
                finally { gate.Release(); }
                _sink.Verbose($"{x.l.Digest}: compressed ({Compression}) to {known.Digest}, {HumanFormat.Size(x.l.Size)} → {HumanFormat.Size(known.Size)}.");
                try { _compressed.Add(x.l.Digest, Compression, known.Digest, known.Size); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _sink.Verbose($"Cannot record the compressed layer: {e.Message}"); }
            }
            layers[x.i] = x.l with { MediaType = MediaTypes.LayerFor(Compression, docker), Digest = known.Digest, Size = known.Size };
            lock (files) files[known.Digest] = copy;
        }, ct)).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new ImageManifest(manifest.MediaType, manifest.Config, layers, manifest.Annotations, manifest.ArtifactType, manifest.Subject);
    }

    /// <summary>
    /// The compressed copy of a plain layer blob (<paramref name="source"/>), written to <paramref name="file"/> at most
    /// once: when its digest is first needed, or when it must be uploaded although its digest was known.
    /// </summary>
    private sealed class CompressedCopy(string plainDigest, string source, string file, LayerCompression kind)
    {
        private readonly object _gate = new();
        private (string Digest, long Size)? _made;

        /// <summary>Compress now (once), and return the digest and size.</summary>
        public (string Digest, long Size) Make(CancellationToken ct)
        {
            lock (_gate) return _made ??= Images.Compression.CompressFile(source, file, kind, ct);
        }

        /// <summary>
        /// The copy's file for an upload of <paramref name="digest"/>, made now if need be. Throws PscException
        /// DigestMismatch (InvalidData) when compressing gives other bytes than <paramref name="cache"/> said (the entry
        /// is then forgotten, so the next push compresses afresh).
        /// </summary>
        public string Ensure(string digest, CompressedLayerCache cache, CancellationToken ct)
        {
            var made = Make(ct);
            if (made.Digest == digest) return file;
            try { cache.Remove(plainDigest, kind); } catch (IOException) { }
            throw PscException.InvalidData(ErrorIds.DigestMismatch,
                $"The layer {plainDigest} compressed ({kind}) to {made.Digest}, not to {digest} as when it was pushed before; push again.", plainDigest);
        }
    }

    /// <param name="copy">The blob's compressed copy when it is not the store's blob (made when it must be uploaded); null: the store's blob.</param>
    private async Task PushBlobAsync(RegistryClient client, ImageReference dest, Descriptor d, CompressedCopy? copy, PushedImage result, Action<long> progress,
        int index, int parent, CancellationToken ct)
    {
        string repo = dest.Repository;
        if (await client.BlobExistsAsync(repo, d.Digest, ct).ConfigureAwait(false))
        {
            lock (result) result.BlobsSkipped++;
            progress(d.Size);
            _sink.Verbose($"{d.Digest}: already in {dest.Name}.");
            return;
        }
        string? from = _sources.FindMountSource(d.Digest, dest.Registry, repo);
        var (mounted, location, chunkMin) = await client.StartUploadAsync(repo, from is null ? null : d.Digest, from, ct).ConfigureAwait(false);
        if (mounted)
        {
            lock (result) result.BlobsMounted++;
            progress(d.Size);
            _sink.Verbose($"{d.Digest}: mounted from {dest.Registry}/{from}.");
            return;
        }
        string path = copy?.Ensure(d.Digest, _compressed, ct) ?? _store.GetBlobPath(d.Digest);
        Func<Stream> open = () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        int id = parent + 1 + index;
        string act = $"Blob {Util.Digest.Short(d.Digest)}";
        var sw = Stopwatch.StartNew();
        long last = -1;
        Action<long> p = bytes =>
        {
            progress(bytes);
            long ms = sw.ElapsedMilliseconds;
            if (bytes < d.Size && ms - last < 200) return;
            last = ms;
            _sink.Progress(new ProgressInfo(id, act, $"{HumanFormat.Size(bytes)} of {HumanFormat.Size(d.Size)} at {HumanFormat.Size((long)(bytes / Math.Max(sw.Elapsed.TotalSeconds, 0.001)))}/s",
                d.Size > 0 ? (int)(bytes * 100 / d.Size) : 100, ParentActivityId: parent));
        };
        bool chunked = _options.ChunkedUploadThreshold > 0 && d.Size > _options.ChunkedUploadThreshold;
        if (chunked)
        {
            long chunk = Math.Max(_options.ChunkSize, chunkMin);
            await client.UploadChunkedAsync(location!, repo, d.Digest, d.Size, open, chunk, p, ct).ConfigureAwait(false);
        }
        else
        {
            await client.UploadMonolithicAsync(location!, repo, d.Digest, d.Size, open, p, ct).ConfigureAwait(false);
        }
        _sink.Progress(new ProgressInfo(id, act, "Pushed", 100, Completed: true, ParentActivityId: parent));
        lock (result) { result.BlobsUploaded++; result.BytesUploaded += d.Size; }
    }
}
