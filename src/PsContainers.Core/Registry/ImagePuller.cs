using System.Diagnostics;
using PsContainers.Core.Images;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Registry;

/// <summary>
/// Pulls an image into the <see cref="ImageStore"/>: resolves the manifest (picking the platform from an
/// index), downloads config and layers (several at once, resumed after dropped connections, verified
/// while streaming, already stored blobs skipped), then commits the image. A cancelled or failed pull
/// leaves no image; the blobs already verified stay and are reused by the next pull.
/// </summary>
public sealed class ImagePuller
{
    private readonly ImageStore _store;
    private readonly RegistryOptions _options;
    private readonly IProgressSink _sink;
    private readonly TokenCache _tokens;
    private readonly BlobSources _sources;
    private static int s_activitySeed = 1000;

    /// <summary>Credentials to use; when null, stored credentials (auth.json, docker config) are looked up.</summary>
    public RegistryCredential? Credential { get; set; }
    /// <summary>Test hook: called with every client created.</summary>
    public Action<RegistryClient>? ClientCreated { get; set; }

    public ImagePuller(ImageStore store, RegistryOptions options, IProgressSink? sink = null, TokenCache? tokens = null)
    {
        _store = store;
        _options = options;
        _sink = sink ?? NullProgressSink.Instance;
        _tokens = tokens ?? TokenCache.Shared;
        _sources = new BlobSources(store.Paths);
    }

    public ContainerImage Pull(ImageReference reference, Platform? platform, CancellationToken ct) =>
        PullAsync(reference, platform, ct).GetAwaiter().GetResult();

    /// <summary>
    /// Pull a name as podman resolves it (<see cref="RegistriesConf.Resolve"/>): each candidate in order until one
    /// pulls (short-name-mode permissive, no prompt). The alias used, and each try, are written as verbose messages.
    /// </summary>
    /// <exception cref="PscException">
    /// The one candidate's error unchanged; with several, every candidate failed: the last failure's ErrorId and
    /// category, the message naming each candidate and why it failed (podman lists them the same way).
    /// </exception>
    public ContainerImage Pull(ShortNameResolution resolution, Platform? platform, CancellationToken ct)
    {
        if (resolution.Alias is not null)
            _sink.Verbose($"Resolved \"{resolution.Input}\" as an alias ({resolution.AliasSource}).");
        if (resolution.Candidates.Count == 1) return Pull(resolution.Candidates[0], platform, ct);
        var failures = new List<string>();
        PscException? last = null;
        foreach (var candidate in resolution.Candidates)
        {
            ct.ThrowIfCancellationRequested();
            _sink.Verbose($"Trying to pull {candidate}...");
            try { return Pull(candidate, platform, ct); }
            catch (PscException e)
            {
                failures.Add($"{candidate}: {e.Message}");
                last = e;
            }
        }
        throw new PscException(last!.ErrorId, last.Category,
            $"No unqualified search registry could give '{resolution.Input}': " + string.Join("; ", failures), resolution.Input, last);
    }

    public async Task<ContainerImage> PullAsync(ImageReference reference, Platform? platform, CancellationToken ct)
    {
        var image = await PullCoreAsync(reference, platform, ct).ConfigureAwait(false);
        _store.EmitEvent("pull", image.Id, reference.ToFamiliarString());
        return image;
    }

    private async Task<ContainerImage> PullCoreAsync(ImageReference reference, Platform? platform, CancellationToken ct)
    {
        var cred = Credential ?? CredentialStore.Find(reference.Registry);
        var hosts = _options.MirrorsFor(reference.Registry).Append(reference.RegistryEndpointHost).ToList();
        Exception? last = null;
        for (int i = 0; i < hosts.Count; i++)
        {
            bool isMirror = i < hosts.Count - 1;
            using var client = new RegistryClient(reference.Registry, _options, isMirror ? null : cred, _sink, _tokens, hosts[i]);
            ClientCreated?.Invoke(client);
            ManifestDocument top;
            try
            {
                top = await client.GetManifestAsync(reference.Repository, reference.Digest ?? reference.Tag!, ct).ConfigureAwait(false);
            }
            catch (PscException e) when (isMirror)
            {
                _sink.Verbose($"Mirror {hosts[i]} cannot serve {reference}: {e.Message}");
                last = e;
                continue;
            }
            var put = new List<string>();
            try
            {
                return await PullFromAsync(client, reference, top, platform, put, ct).ConfigureAwait(false);
            }
            catch
            {
                // The verified blobs stay for the next pull to reuse, but this pull no longer protects them:
                // they are ordinary unreferenced blobs now (Test-ContainerStorage reports them; -Repair removes them).
                _store.ReleaseBlobs(put);
                throw;
            }
        }
        throw last ?? new InvalidOperationException("no registry host");
    }

    private async Task<ContainerImage> PullFromAsync(RegistryClient client, ImageReference reference, ManifestDocument top, Platform? platform, List<string> put, CancellationToken ct)
    {
        string target = reference.ToString();
        var wanted = platform ?? Platform.Host;
        ManifestDocument chosen = top;
        if (top is ImageIndex index)
        {
            var desc = RegistryManifests.SelectPlatform(index, wanted, target);
            _sink.Verbose($"{target}: using {desc.Digest} for {desc.Platform} from the index.");
            chosen = await client.GetManifestAsync(reference.Repository, desc.Digest, ct).ConfigureAwait(false);
        }
        if (chosen is not ImageManifest manifest)
            throw PscException.InvalidData(ErrorIds.RegistryManifestInvalid, $"The index of {target} points at another index for {wanted}.", target);
        var config = manifest.Config;
        lock (put) put.AddRange(manifest.Layers.Select(l => l.Digest).Append(config.Digest).Append(manifest.Digest));
        int parent = Interlocked.Add(ref s_activitySeed, 100);
        string activity = $"Pulling {reference.ToFamiliarString()}";
        var sw = Stopwatch.StartNew();

        // config first (small), then layers in parallel
        if (!_store.HasBlob(config.Digest))
            await DownloadAsync(client, reference.Repository, config, null, ct).ConfigureAwait(false);
        CheckPlatform(config.Digest, wanted, platform is not null, target);

        long total = manifest.Layers.Sum(l => l.Size);
        long[] done = new long[manifest.Layers.Count];
        long reused = 0;
        using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDownloads));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lastParent = Stopwatch.StartNew();
        object parentLock = new();
        void ReportParent(bool force = false)
        {
            lock (parentLock)
            {
                if (!force && lastParent.ElapsedMilliseconds < 250) return;
                lastParent.Restart();
                long sum = done.Sum();
                double secs = Math.Max(sw.Elapsed.TotalSeconds, 0.001);
                _sink.Progress(new ProgressInfo(parent, activity,
                    $"{HumanFormat.Size(sum)} of {HumanFormat.Size(total)} at {HumanFormat.Size((long)((sum - reused) / secs))}/s",
                    total > 0 ? (int)(sum * 100 / total) : 100));
            }
        }
        ReportParent(true);
        var tasks = manifest.Layers.Select((layer, idx) => Task.Run(async () =>
        {
            if (_store.HasBlob(layer.Digest))
            {
                done[idx] = layer.Size;
                Interlocked.Add(ref reused, layer.Size);
                _sink.Verbose($"{target}: layer {layer.Digest} already present.");
                return;
            }
            await gate.WaitAsync(cts.Token).ConfigureAwait(false);
            try
            {
                await DownloadAsync(client, reference.Repository, layer, (idx, manifest.Layers.Count, parent, p => { done[idx] = p; ReportParent(); }), cts.Token).ConfigureAwait(false);
            }
            catch
            {
                cts.Cancel(); // stop the others: the pull has failed
                throw;
            }
            finally { gate.Release(); }
        }, cts.Token)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // report the first real failure rather than the cancellations it caused
            var real = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            ct.ThrowIfCancellationRequested();
            if (real is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(real).Throw();
            throw;
        }
        ReportParent(true);
        _sink.Progress(new ProgressInfo(parent, activity, Completed: true));
        var downloaded = sw.Elapsed;
        _sink.Verbose($"{target}: {HumanFormat.Size(total - reused)} downloaded and verified in {downloaded.TotalSeconds:0.00} s.");

        _store.PutBlob(manifest.Bytes, manifest.Digest);
        try { _sources.Add(reference.Registry, reference.Repository, manifest.Layers.Select(l => l.Digest).Append(config.Digest)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _sink.Verbose($"Cannot record blob sources: {e.Message}"); }

        var refs = new List<ImageReference>();
        if (reference.Tag is not null) refs.Add(reference.Digest is null ? reference : ImageReference.Parse($"{reference.Name}:{reference.Tag}"));
        refs.Add(ImageReference.Parse($"{reference.Name}@{top.Digest}"));
        ct.ThrowIfCancellationRequested();
        var image = _store.CommitImage(manifest.Digest, refs, _sink, ct);
        _sink.Verbose($"{target}: pulled {HumanFormat.Size(total - reused)} in {sw.Elapsed.TotalSeconds:0.00} s ({manifest.Layers.Count} layers, {HumanFormat.Size(reused)} reused; committed in {(sw.Elapsed - downloaded).TotalSeconds:0.00} s).");
        return image;
    }

    /// <summary>Warn when the image config names a platform other than the one requested (a single-platform image pulled for another platform).</summary>
    private void CheckPlatform(string configDigest, Platform wanted, bool explicitRequest, string target)
    {
        ImageConfiguration config;
        try { config = ImageConfiguration.Parse(_store.ReadBlob(configDigest)); }
        catch (OciFormatException) { return; } // the commit reports a broken config
        if (config.Platform is not { } have) return;
        if (!wanted.Matches(have) && (explicitRequest || have.Architecture != wanted.Architecture))
            _sink.Warning($"The image {target} is for {have}, which does not match the requested platform {wanted}.");
    }

    private async Task DownloadAsync(RegistryClient client, string repository, Descriptor d,
        (int Index, int Count, int Parent, Action<long> Done)? layer, CancellationToken ct)
    {
        int id = layer is { } l ? l.Parent + 1 + l.Index : 0;
        string act = layer is { } l2 ? $"Layer {l2.Index + 1} of {l2.Count} ({Util.Digest.Short(d.Digest)})" : "";
        var sw = Stopwatch.StartNew();
        long lastReport = -1;
        Action<long> progress = bytes =>
        {
            layer?.Done(bytes);
            if (layer is not { } ly) return;
            long ms = sw.ElapsedMilliseconds;
            if (bytes < d.Size && ms - lastReport < 200) return;
            lastReport = ms;
            double secs = Math.Max(sw.Elapsed.TotalSeconds, 0.001);
            _sink.Progress(new ProgressInfo(id, act, $"{HumanFormat.Size(bytes)} of {HumanFormat.Size(d.Size)} at {HumanFormat.Size((long)(bytes / secs))}/s",
                d.Size > 0 ? (int)(bytes * 100 / d.Size) : 100, ParentActivityId: ly.Parent));
        };
        await using var stream = new ResumableBlobStream(client, repository, d.Digest, d.Size, _sink, ct);
        await Task.Run(() => _store.PutBlob(stream, d.Digest, d.Size, ct, progress), ct).ConfigureAwait(false);
        if (layer is { } done) _sink.Progress(new ProgressInfo(id, act, "Done", 100, Completed: true, ParentActivityId: done.Parent));
    }
}
