using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

public sealed partial class ImageStore
{
    /// <summary>
    /// Make a new image from an overlay upper directory (a container's changes, a build step's result): write it as a
    /// layer with <see cref="LayerDiff"/> into the store's work area, publish the blob under its digest (no copy), then
    /// <see cref="AddImage"/>. As docker commit does, an empty diff (no entry) adds no layer, only a history entry with
    /// <c>empty_layer</c>; so a container without changes gives an image with its base's layers.
    /// </summary>
    /// <param name="upper">The upper directory, open (read through descriptors only, nothing followed).</param>
    /// <param name="spec">Base, config, history and names of the new image.</param>
    /// <param name="diffOptions">Compression (gzip by default), excluded mount points, time precision.</param>
    /// <param name="progress">Progress of the layer's unpacking into the store.</param>
    /// <param name="ct">Cancels; nothing is left visible then.</param>
    /// <returns>The new image, as <see cref="FindImage"/> shows it under its first tag.</returns>
    /// <exception cref="PscException">As <see cref="LayerDiff"/> and <see cref="AddImage"/>.</exception>
    public ContainerImage CommitLayer(SafeFd upper, ImageCommitSpec spec, LayerDiffOptions? diffOptions, IProgressSink progress, CancellationToken ct) =>
        CommitLayer(upper, null, spec, diffOptions, progress, ct);

    private ContainerImage CommitLayer(SafeFd upper, string? takenDir, ImageCommitSpec spec, LayerDiffOptions? diffOptions, IProgressSink progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(spec);
        if (takenDir is not null && (diffOptions?.Compression ?? LayerCompression.None) == LayerCompression.None
            && Directory.Exists(takenDir) && OnLayerStoreMount(takenDir) && LayerDiff.PrepareAsLayerDirectory(takenDir, diffOptions, ct) is long fileBytes)
        {
            // a directory given up, uncompressed: it is made the layer's directory first, and the tar it gives is only
            // hashed; the blob is kept as that directory (ImageStore.LayerBlobs) and written when something reads it
            Containers.PhaseTrace.Mark("commit: directory made a layer directory");
            var options = new LayerDiffOptions { Compression = LayerCompression.None, SubsecondTimes = diffOptions?.SubsecondTimes ?? false };
            LayerDiffResult hashed;
            using (var prepared = SafeFd.OpenDirectory(takenDir))
            {
                // the directory is the layer's only copy: on disk before any record names it (one syncfs, where the
                // written blob used to be fsynced), written out while its tar is hashed (a read: nothing left to sync)
                var synced = Task.Run(() => SyncLayerDirectory(prepared, takenDir), CancellationToken.None);
                try
                {
                    hashed = LayerDiff.Write(prepared, Stream.Null, options, ct);
                    Containers.PhaseTrace.Mark($"commit: diff hashed ({hashed.Entries} entries, {hashed.UncompressedSize} bytes tar, kept as its directory)");
                }
                finally { synced.GetAwaiter().GetResult(); }
            }
            Containers.PhaseTrace.Mark("commit: layer directory synced");
            if (hashed.IsEmpty) return AddImage(spec, null, progress, ct);
            PublishLayerBlob(hashed, options.SubsecondTimes);
            return AddImage(spec, hashed, progress, ct, new TakenLayerDirectory(hashed, takenDir, options, fileBytes));
        }
        using var scope = NewTemp("diff");
        string file = Path.Combine(scope.Dir, "layer");
        LayerDiffResult diff;
        using (var fs = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            diff = LayerDiff.Write(upper, fs, diffOptions, ct);
            Containers.PhaseTrace.Mark($"commit: diff written ({diff.Entries} entries, {diff.UncompressedSize} bytes tar, {diff.Size} compressed)");
            fs.Flush(flushToDisk: true);
            Containers.PhaseTrace.Mark("commit: diff synced");
        }
        if (diff.IsEmpty) return AddImage(spec, null, progress, ct);
        PublishBlobFile(file, diff.Digest);
        return AddImage(spec, diff, progress, ct, takenDir is null ? null : new TakenLayerDirectory(diff, takenDir, diffOptions));
    }

    /// <summary>
    /// An upper directory the caller gave up, whose layer was just written: <see cref="CommitImageCore"/> makes it the
    /// layer's diff directory (<see cref="LayerDiff.PrepareAsLayerDirectory"/>, then a rename) instead of unpacking the blob.
    /// </summary>
    /// <param name="PreparedBytes">Set when the directory was already made a layer directory (its regular-file bytes).</param>
    internal sealed record TakenLayerDirectory(LayerDiffResult Diff, string Directory, LayerDiffOptions? Options, long? PreparedBytes = null);

    /// <summary>
    /// <see cref="CommitLayer(SafeFd, ImageCommitSpec, LayerDiffOptions?, IProgressSink, CancellationToken)"/> of a trusted engine path.
    /// With <paramref name="takeDirectory"/> the caller gives the directory up (a build step's upper directory, deleted
    /// next anyway): when the store does not hold the layer yet, the directory itself becomes the layer's diff directory
    /// (<see cref="LayerDiff.PrepareAsLayerDirectory"/> turns it into exactly what unpacking the blob gives, then it is
    /// renamed into the store) instead of the blob being decompressed and unpacked again; the blob, digests and records
    /// are the same either way. When the directory cannot stand for the layer (see there) or lies on another file
    /// system, the blob is unpacked as without it. Uncompressed (the default of a build), the directory is made the layer
    /// directory before anything else and its tar is only hashed: no blob file is written, the store keeps the blob as that
    /// directory and writes the tar when something reads it (<see cref="IsLayerBlob"/>, ImageStore.LayerBlobs).
    /// Afterwards the directory is gone or half changed: only delete it.
    /// </summary>
    public ContainerImage CommitLayer(string upperDir, ImageCommitSpec spec, LayerDiffOptions? diffOptions, IProgressSink progress, CancellationToken ct, bool takeDirectory = false)
    {
        SafeFd upper;
        try { upper = SafeFd.OpenDirectory(upperDir); }
        catch (FsException fe)
        {
            throw new PscException(ErrorIds.LayerDiffFailed, PscErrorCategory.ReadError, $"Cannot open the upper directory '{upperDir}': {fe.Message}", upperDir, fe);
        }
        using (upper) return CommitLayer(upper, takeDirectory ? Path.GetFullPath(upperDir) : null, spec, diffOptions, progress, ct);
    }

    /// <summary>
    /// Add an image made of the base image's layers (none for scratch) plus at most one new layer whose blob is already in
    /// the store, and tag it: the config is the base's (platform, diff_ids, history) with <paramref name="spec"/>'s execution
    /// config, author and created time, the new layer's diff_id and one history entry (<c>empty_layer</c> when
    /// <paramref name="layer"/> is null: a metadata-only step); the manifest keeps the base's layer descriptors and appends
    /// the new one. Then <see cref="CommitImage"/> publishes it: the layer is unpacked into the store (its diff_id checked
    /// against the tar), and the record and the names appear at once under the store lock. On failure, the blobs this
    /// call added (and the layer blob) are removed unless another image uses them.
    /// </summary>
    /// <param name="spec">Base, config, history and names.</param>
    /// <param name="layer">The new layer (its <see cref="LayerDiffResult.Digest"/> must be a blob in the store), or null for none.</param>
    /// <param name="progress">Progress of the unpacking.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="PscException">ImageNotFound (the base is gone); MissingBlob (the layer blob or a base blob is
    /// missing); DiffIdMismatch (the blob does not unpack to <see cref="LayerDiffResult.DiffId"/>); InvalidArgument
    /// (UnsupportedMediaType: a manifest media type that is not Docker schema 2 or OCI).</exception>
    public ContainerImage AddImage(ImageCommitSpec spec, LayerDiffResult? layer, IProgressSink progress, CancellationToken ct) =>
        AddImage(spec, layer, progress, ct, null);

    private ContainerImage AddImage(ImageCommitSpec spec, LayerDiffResult? layer, IProgressSink progress, CancellationToken ct, TakenLayerDirectory? taken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(progress);
        var pinned = new List<string>();
        var added = new List<string>(); // removed again on failure unless another image uses them
        if (layer is not null) added.Add(layer.Digest);
        bool committing = false;
        string? held = null;
        try
        {
            ImageRecord? baseRec = null;
            ImageConfiguration? baseCfg = null;
            if (spec.BaseImageId is { } baseId)
            {
                Digest.Validate(baseId);
                baseRec = ReadRecord(baseId) ?? throw PscException.NotFound(ErrorIds.ImageNotFound, $"The image {baseId} is not in the store.", baseId);
                // the base's blobs stay while we work (a removal now leaves pinned blobs alone); CommitImage releases them
                foreach (var l in baseRec.Layers) { Pin(l.Digest); pinned.Add(l.Digest); }
                baseCfg = ReadConfig(baseRec.Config.Digest);
            }
            string manifestType = spec.ManifestMediaType ?? baseRec?.ManifestMediaType ?? MediaTypes.DockerManifest;
            if (!MediaTypes.IsManifest(manifestType))
                throw PscException.InvalidArgument(ErrorIds.UnsupportedMediaType, $"'{manifestType}' is not an image manifest media type.", manifestType);
            bool docker = manifestType == MediaTypes.DockerManifest;
            var now = (spec.Created ?? DateTime.UtcNow).ToUniversalTime();
            var host = Platform.Host;
            var config = new ImageConfiguration
            {
                Created = now,
                Author = spec.Author,
                Architecture = baseCfg is null ? host.Architecture : baseCfg.Architecture,
                Os = baseCfg is null ? host.Os : baseCfg.Os,
                OsVersion = baseCfg?.OsVersion,
                OsFeatures = baseCfg?.OsFeatures,
                Variant = baseCfg is null ? host.Variant : baseCfg.Variant,
                Config = spec.Config ?? baseCfg?.Config,
                RootFsType = "layers",
                DiffIds = [.. baseRec?.DiffIds ?? [], .. layer is null ? [] : new[] { layer.DiffId }],
                History = [.. baseCfg?.History ?? [], new ImageHistoryEntry
                {
                    Created = now,
                    CreatedBy = spec.CreatedBy,
                    Author = spec.Author,
                    Comment = spec.Comment,
                    EmptyLayer = layer is null,
                }],
            }.ToJsonBytes();
            string configDigest = PutBlob(config);
            added.Add(configDigest);
            // held from the moment the record appears (a hold, apart from the blob pins CommitImage releases)
            if (spec.Hold) { HoldCommitted(configDigest); held = configDigest; }
            // the base's layers in the manifest's family (a Docker base in an OCI image gets OCI layer types, and back)
            var layers = (baseRec?.Layers ?? []).Select(l => l with { MediaType = MediaTypes.LayerInFamily(l.MediaType, docker) }).ToList();
            if (layer is not null) layers.Add(new Descriptor(MediaTypes.LayerFor(layer.Compression, docker), layer.Digest, layer.Size));
            var manifest = new ImageManifest(manifestType, new Descriptor(docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, configDigest, config.Length), layers).Bytes;
            added.Add(Util.Digest.Of(manifest));
            string manifestDigest = PutBlob(manifest);
            committing = true; // CommitImage releases every blob of the manifest, the base's included, whatever happens
            return CommitImage(manifestDigest, spec.Tags, progress, ct, taken);
        }
        catch
        {
            if (!committing) Unpin(pinned);
            if (held is not null) ReleaseImages([held]);
            RemoveUnreferencedBlobs(added);
            throw;
        }
    }
}
