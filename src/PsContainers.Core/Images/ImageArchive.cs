using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Archive;
using PsContainers.Core.Oci;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Images;

public enum ImageArchiveFormat { DockerArchive, OciArchive }

/// <summary>
/// Reads and writes image archives: docker-archive (what docker save / podman save write, classic and
/// OCI-layout style), OCI archives (a tar of an OCI layout), OCI layout directories, and plain root file
/// system tarballs (like docker import).
/// </summary>
public static class ImageArchive
{
    private const int ActivityId = 2000;

    // ------------------------------------------------------------------ import

    /// <summary>Files of an archive: staged into the store's temp area while being hashed.</summary>
    private sealed class StagedFile
    {
        public required string TempPath { get; init; }
        public required string Digest { get; init; }
        public required long Size { get; init; }
        public bool Published { get; set; }
    }

    private sealed class ArchiveContent
    {
        public Dictionary<string, StagedFile> Files { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);
        public string? Directory { get; init; }

        public StagedFile? Get(string name)
        {
            name = Normalize(name);
            for (int i = 0; i < 40; i++)
            {
                if (Files.TryGetValue(name, out var f)) return f;
                if (!Links.TryGetValue(name, out var target)) return null;
                name = target;
            }
            return null;
        }

        public byte[]? ReadSmall(string name)
        {
            var f = Get(name);
            if (f is null) return null;
            if (f.Size > 64 << 20) throw PscException.InvalidData(ErrorIds.InvalidArchive, $"'{name}' in the archive is too large.", name);
            return File.ReadAllBytes(f.TempPath);
        }
    }

    internal static string Normalize(string name)
    {
        var parts = new List<string>();
        foreach (var p in name.Replace('\\', '/').Split('/'))
        {
            if (p.Length == 0 || p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return string.Join('/', parts);
    }

    /// <summary>
    /// Import every image of an archive file (docker-archive, OCI archive) or OCI layout directory.
    /// <paramref name="names"/>, when given, replace the names recorded in the archive.
    /// </summary>
    public static IReadOnlyList<ContainerImage> Import(ImageStore store, string path, IReadOnlyList<ImageReference>? names, IProgressSink progress, CancellationToken ct)
    {
        using var scope = store.NewTemp("import");
        ArchiveContent content;
        if (System.IO.Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, "index.json")) && !File.Exists(Path.Combine(path, "manifest.json")))
                throw PscException.InvalidData(ErrorIds.UnknownArchiveFormat, $"The directory '{path}' is not an OCI image layout (no index.json).", path);
            content = StageDirectory(store, path, scope.Dir, progress, ct);
        }
        else if (File.Exists(path))
        {
            content = StageTar(path, scope.Dir, progress, ct);
        }
        else throw PscException.NotFound(ErrorIds.ArchiveNotFound, $"The file '{path}' does not exist.", path);

        var plan = Plan(store, content, path, names is { Count: > 0 } ? NullProgressSink.Instance : progress);
        if (plan.Count == 0)
            throw PscException.InvalidData(ErrorIds.NoImagesInArchive, $"The archive '{path}' contains no image.", path);
        if (names is { Count: > 0 } && plan.Count > 1)
            throw new InvalidArgumentException(ErrorIds.AmbiguousName, $"The archive holds {plan.Count} images; a name can only be given to an archive with one image.", path)
            { Remedy = Remedy.ImportWithoutName };

        // verify and publish every blob first, then commit image by image
        foreach (var p in plan)
        {
            foreach (var (digest, file) in p.Blobs)
            {
                ct.ThrowIfCancellationRequested();
                if (file.Digest != digest)
                    throw PscException.InvalidData(ErrorIds.DigestMismatch, $"The blob {digest} in the archive does not match its digest (it hashes to {file.Digest}).", digest);
            }
        }
        var result = new List<ContainerImage>();
        var added = new List<string>(); // blobs this import brought in: removed again if it fails
        try
        {
            foreach (var p in plan)
            {
                foreach (var (digest, file) in p.Blobs)
                {
                    if (file.Published) { if (!store.HasBlob(digest)) throw PscException.InvalidData(ErrorIds.MissingBlob, $"The blob {digest} vanished.", digest); continue; }
                    if (!store.HasBlob(digest)) added.Add(digest);
                    if (content.Directory is null) store.PublishBlobFile(file.TempPath, digest);
                    else using (var fs = File.OpenRead(file.TempPath)) store.PutBlob(fs, digest, file.Size, ct);
                    file.Published = true;
                }
                if (p.ManifestBytes is not null)
                {
                    if (!store.HasBlob(p.ManifestDigest)) added.Add(p.ManifestDigest);
                    store.PutBlob(p.ManifestBytes, p.ManifestDigest);
                }
                var tags = names is { Count: > 0 } ? names : p.Tags;
                var img = store.CommitImage(p.ManifestDigest, tags, progress, ct);
                result.Add(img);
                if (tags.Count > 1)
                    foreach (var t in tags.Skip(1).Where(t => t.Tag is not null))
                        result.Add(store.FindImage(t.ToString())!);
            }
        }
        catch
        {
            store.RemoveUnreferencedBlobs(added);
            throw;
        }
        foreach (var img in result) store.EmitEvent("load", img.Id, img.Repository == "<none>" ? null : img.Name);
        return result;
    }

    private static ArchiveContent StageTar(string path, string workDir, IProgressSink progress, CancellationToken ct)
    {
        var content = new ArchiveContent();
        string filesDir = Path.Combine(workDir, "files");
        System.IO.Directory.CreateDirectory(filesDir);
        long total = new FileInfo(path).Length;
        using var raw = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        int n = 0;
        try
        {
            using var s = Compression.OpenDecompressed(raw, out _, leaveOpen: true);
            using var reader = new TarArchiveReader(s, leaveOpen: true);
            TarEntry? e;
            while ((e = reader.Next()) is not null)
            {
                ct.ThrowIfCancellationRequested();
                // names inside an image archive are text (the manifest refers to them); odd bytes cannot match one
                string name = Normalize(Encoding.UTF8.GetString(e.Name));
                switch (e.Kind)
                {
                    case TarEntryKind.RegularFile:
                    {
                        string tmp = Path.Combine(filesDir, (n++).ToString());
                        using var hs = new HashingStream(reader.GetDataStream(), leaveOpen: true);
                        using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                        {
                            hs.CopyTo(fs, 1 << 16);
                            fs.Flush(flushToDisk: true);
                        }
                        if (hs.BytesRead != e.Size)
                            throw new EndOfStreamException($"'{e.DisplayName}' is cut short");
                        content.Files[name] = new StagedFile { TempPath = tmp, Digest = hs.Digest, Size = hs.BytesRead };
                        progress.Progress(new ProgressInfo(ActivityId, "Reading image archive", Path.GetFileName(path),
                            total > 0 ? (int)Math.Min(99, raw.Position * 100 / total) : null, name));
                        break;
                    }
                    case TarEntryKind.Symlink:
                    {
                        string dir = name.Contains('/') ? name[..name.LastIndexOf('/')] : "";
                        string target = Encoding.UTF8.GetString(e.LinkName);
                        content.Links[name] = Normalize(target.StartsWith('/') ? target : dir + "/" + target);
                        break;
                    }
                    case TarEntryKind.HardLink:
                        content.Links[name] = Normalize(Encoding.UTF8.GetString(e.LinkName));
                        break;
                }
            }
            if (n == 0 && content.Links.Count == 0)
                throw PscException.InvalidData(ErrorIds.InvalidArchive, $"'{path}' is not an image archive (no files in it).", path);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or ZstdSharp.ZstdException)
        {
            bool truncated = ex is EndOfStreamException || (ex is TarFormatException tf && tf.Kind == TarFormatErrorKind.Truncated);
            throw PscException.InvalidData(truncated ? ErrorIds.TruncatedArchive : ErrorIds.InvalidArchive,
                truncated ? $"'{path}' is truncated: {ex.Message}" : $"'{path}' is not a valid tar archive: {ex.Message}", path, ex);
        }
        progress.Progress(new ProgressInfo(ActivityId, "Reading image archive", Completed: true));
        return content;
    }

    private static ArchiveContent StageDirectory(ImageStore store, string dir, string workDir, IProgressSink progress, CancellationToken ct)
    {
        // an OCI layout directory: hash files in place (no copy until publication)
        var content = new ArchiveContent { Directory = dir };
        // never follow a link out of the layout: the walk does not enter links, and a link's target is resolved
        // inside the layout directory as if it were "/" (a link to /etc/shadow names the layout's own etc/shadow)
        using var root = RootedPath.Open(Path.GetFullPath(dir));
        foreach (var entry in SafeTree.Walk(root.Root))
        {
            ct.ThrowIfCancellationRequested();
            if (entry.Depth == 0 || !BytePath.TryToString(entry.RelativePath, out string rel)) continue;
            rel = Normalize(rel);
            if (entry.Status.IsSymlink)
            {
                try { content.Links[rel] = Normalize(root.Resolve(rel).TrimStart('/')); }
                catch (FsException) { } // a link that resolves to nothing: nothing to stage
                continue;
            }
            if (!entry.Status.IsRegular) continue;
            using (var f = entry.OpenRead())
                content.Files[rel] = new StagedFile { TempPath = Path.Combine(dir, rel), Digest = Digest.Of(f), Size = entry.Status.Size };
        }
        return content;
    }

    private sealed class ImagePlan
    {
        public required string ManifestDigest { get; init; }
        public byte[]? ManifestBytes { get; init; }
        public List<(string Digest, StagedFile File)> Blobs { get; } = new();
        public List<ImageReference> Tags { get; } = new();
    }

    private static StagedFile Need(ArchiveContent c, string name, string what, string archive)
    {
        return c.Get(name) ?? throw PscException.InvalidData(ErrorIds.MissingBlob, $"The archive '{archive}' does not contain {what} ('{name}').", name);
    }

    private static List<ImagePlan> Plan(ImageStore store, ArchiveContent c, string archive, IProgressSink progress)
    {
        var plans = new List<ImagePlan>();
        var indexBytes = c.ReadSmall("index.json");
        var manifestJson = c.ReadSmall("manifest.json");
        var dockerTags = new Dictionary<string, List<ImageReference>>(StringComparer.Ordinal); // config digest -> tags
        JsonArray? dockerManifest = null;
        if (manifestJson is not null)
        {
            try { dockerManifest = JsonNode.Parse(manifestJson) as JsonArray ?? throw new JsonException("manifest.json is not a list"); }
            catch (JsonException e) { throw PscException.InvalidData(ErrorIds.InvalidManifest, $"manifest.json in '{archive}' is not valid: {e.Message}", archive, e); }
        }
        if (indexBytes is not null)
        {
            // OCI layout (OCI archive, OCI directory, or a docker 25+ archive which has both)
            if (dockerManifest is not null)
                foreach (var m in dockerManifest.OfType<JsonObject>())
                {
                    string? cfgPath = (string?)m["Config"];
                    var f = cfgPath is null ? null : c.Get(cfgPath);
                    if (f is null) continue;
                    var list = dockerTags.TryGetValue(f.Digest, out var l) ? l : dockerTags[f.Digest] = new();
                    foreach (var t in (m["RepoTags"] as JsonArray ?? []).Select(x => (string?)x))
                        if (t is not null && ImageReference.TryParse(t, out var r) && r is not null) list.Add(r);
                }
            ImageIndex index;
            try { index = ImageIndex.Parse(indexBytes); }
            catch (OciFormatException e) { throw PscException.InvalidData(ErrorIds.InvalidIndex, $"index.json in '{archive}' is not valid: {e.Message}", archive, e); }
            foreach (var desc in index.Manifests)
            {
                var plan = PlanOciManifest(c, desc, archive, 0);
                if (plan is null) continue;
                var ann = desc.Annotations ?? new Dictionary<string, string>();
                string? name = ann.GetValueOrDefault("io.containerd.image.name");
                string? refName = ann.GetValueOrDefault("org.opencontainers.image.ref.name");
                if (name is null && refName is not null && (refName.Contains('/') || refName.Contains(':'))) name = refName;
                if (name is not null && ImageReference.TryParse(name, out var r) && r is not null && r.Tag is not null) plan.Tags.Add(r.WithTag(r.Tag));
                else if (name is null && refName is not null)
                    progress.Warning($"The archive names image {Digest.Short(desc.Digest)} only by the tag '{refName}'; it is imported without a name (give one with -Name).");
                var cfgDigest = plan.Blobs.FirstOrDefault(b => b.File.Digest == b.Digest && IsConfigOf(plan, b.Digest)).Digest;
                if (cfgDigest is not null && dockerTags.TryGetValue(cfgDigest, out var extra))
                    foreach (var t in extra) if (!plan.Tags.Contains(t)) plan.Tags.Add(t);
                var existing = plans.FirstOrDefault(p => p.ManifestDigest == plan.ManifestDigest);
                if (existing is not null) { foreach (var t in plan.Tags) if (!existing.Tags.Contains(t)) existing.Tags.Add(t); }
                else plans.Add(plan);
            }
            return plans;
        }
        if (dockerManifest is not null)
        {
            foreach (var m in dockerManifest.OfType<JsonObject>())
            {
                string cfgPath = (string?)m["Config"] ?? throw PscException.InvalidData(ErrorIds.InvalidManifest, $"manifest.json in '{archive}' has an entry without Config.", archive);
                var cfg = Need(c, cfgPath, "the image config", archive);
                string name = Path.GetFileName(cfgPath);
                string hexFromName = name.EndsWith(".json", StringComparison.Ordinal) ? name[..^5] : name;
                if (hexFromName.Length == 64 && hexFromName.All(Uri.IsHexDigit) && "sha256:" + hexFromName != cfg.Digest)
                    throw PscException.InvalidData(ErrorIds.DigestMismatch, $"The image config '{cfgPath}' does not match its digest (it hashes to {cfg.Digest}).", cfgPath);
                var layers = (m["Layers"] as JsonArray ?? []).Select(x => (string?)x ?? "").ToList();
                var manifestLayers = new List<Descriptor>();
                var plan0Blobs = new List<(string, StagedFile)> { (cfg.Digest, cfg) };
                foreach (var lp in layers)
                {
                    var lf = Need(c, lp, "a layer", archive);
                    var kind = Compression.DetectFile(lf.TempPath);
                    manifestLayers.Add(new Descriptor(MediaTypes.LayerFor(kind, docker: true), lf.Digest, lf.Size));
                    plan0Blobs.Add((lf.Digest, lf));
                }
                // a docker-archive has no manifest: write the one docker would have pushed (schema 2, compact)
                var manifest = new ImageManifest(MediaTypes.DockerManifest, new Descriptor(MediaTypes.DockerConfig, cfg.Digest, cfg.Size), manifestLayers);
                var plan = new ImagePlan { ManifestDigest = manifest.Digest, ManifestBytes = manifest.Bytes };
                plan.Blobs.AddRange(plan0Blobs);
                var tags = (m["RepoTags"] as JsonArray ?? []).Select(x => (string?)x).Where(x => x is not null).ToList();
                foreach (var t in tags)
                {
                    if (!ImageReference.TryParse(t, out var r) || r is null)
                        throw PscException.InvalidData(ErrorIds.InvalidReferenceFormat, $"manifest.json in '{archive}' names an invalid reference '{t}'.", t);
                    if (r.Tag is not null) plan.Tags.Add(r.WithTag(r.Tag));
                }
                plans.Add(plan);
            }
            return plans;
        }
        if (c.Files.Keys.Any(k => k.StartsWith("bin/", StringComparison.Ordinal) || k.StartsWith("etc/", StringComparison.Ordinal)))
            throw new PscException(ErrorIds.UnknownArchiveFormat, PscErrorCategory.InvalidData, $"'{archive}' looks like a root file system, not an image archive.", archive)
            { Remedy = Remedy.ImportAsRootFs };
        throw PscException.InvalidData(ErrorIds.UnknownArchiveFormat, $"'{archive}' is neither a docker-archive (manifest.json) nor an OCI layout (index.json).", archive);
    }

    private static bool IsConfigOf(ImagePlan p, string digest) => p.Blobs.Count > 0 && p.Blobs[0].Digest == digest;

    private static ImagePlan? PlanOciManifest(ArchiveContent c, Descriptor desc, string archive, int depth)
    {
        if (!Digest.IsValid(desc.Digest))
            throw PscException.InvalidData(ErrorIds.InvalidIndex, $"index.json in '{archive}' has an invalid digest '{desc.Digest}'.", archive);
        var file = Need(c, "blobs/sha256/" + desc.Digest[7..], $"the manifest {desc.Digest}", archive);
        if (file.Digest != desc.Digest)
            throw PscException.InvalidData(ErrorIds.DigestMismatch, $"The blob {desc.Digest} in the archive does not match its digest (it hashes to {file.Digest}).", desc.Digest);
        byte[] bytes = File.ReadAllBytes(file.TempPath);
        var doc = ImageStore.ParseManifestDocument(bytes, desc.Digest);
        if (doc is ImageIndex idx)
        {
            if (depth > 2) return null;
            // linux/amd64 first (whatever this host is), else the first image manifest whose blob the archive holds
            var pick = idx.Manifests.FirstOrDefault(e => e.Platform is { Os: "linux", Architecture: "amd64" } && MediaTypes.IsManifest(e.MediaType))
                ?? idx.Manifests.FirstOrDefault(e => MediaTypes.IsManifest(e.MediaType) && c.Get("blobs/sha256/" + e.Digest[7..]) is not null);
            return pick is null ? null : PlanOciManifest(c, pick, archive, depth + 1);
        }
        var m = ImageStore.ParseImageManifest(bytes, desc.Digest);
        var plan = new ImagePlan { ManifestDigest = desc.Digest };
        plan.Blobs.Add((m.Config.Digest, Need(c, "blobs/sha256/" + m.Config.Digest[7..], $"the image config {m.Config.Digest}", archive)));
        foreach (var l in m.Layers)
            plan.Blobs.Add((l.Digest, Need(c, "blobs/sha256/" + l.Digest[7..], $"the layer {l.Digest}", archive)));
        plan.Blobs.Add((desc.Digest, file));
        return plan;
    }

    /// <summary>Import a plain root file system tarball (optionally gzip/zstd) as a one-layer image, like docker import.</summary>
    public static ContainerImage ImportRootFs(ImageStore store, string path, ImageReference name, IProgressSink progress, CancellationToken ct,
        string? message = null, ImageConfig? config = null)
    {
        if (!File.Exists(path)) throw PscException.NotFound(ErrorIds.ArchiveNotFound, $"The file '{path}' does not exist.", path);
        // validate the tar and compute its diff id in one pass
        string diffId;
        LayerCompression kind;
        long uncompressed;
        int count = 0;
        try
        {
            using var raw = File.OpenRead(path);
            using var s = Compression.OpenDecompressed(raw, out kind, leaveOpen: true);
            using var hs = new HashingStream(s, leaveOpen: true);
            using (var reader = new TarArchiveReader(hs, leaveOpen: true))
            {
                TarEntry? e;
                while ((e = reader.Next()) is not null)
                {
                    ct.ThrowIfCancellationRequested();
                    LayerExtractor.CleanName(e.Name);
                    reader.CopyDataTo(Stream.Null); // reading the data checks it is all there
                    count++;
                }
                if (count == 0) throw PscException.InvalidData(ErrorIds.InvalidArchive, $"'{path}' is not a tar archive (no entries).", path);
            }
            hs.Drain();
            diffId = hs.Digest;
            uncompressed = hs.BytesRead;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or ZstdSharp.ZstdException)
        {
            bool truncated = ex is EndOfStreamException || (ex is TarFormatException tf && tf.Kind == TarFormatErrorKind.Truncated);
            throw PscException.InvalidData(truncated ? ErrorIds.TruncatedArchive : ErrorIds.InvalidArchive, $"'{path}' is not a valid tar archive: {ex.Message}", path, ex);
        }
        string layerDigest;
        long layerSize = new FileInfo(path).Length;
        using (var fs = File.OpenRead(path))
        {
            string d = Digest.Of(fs);
            fs.Position = 0;
            layerDigest = store.PutBlob(fs, d, layerSize, ct);
        }
        // a one-layer image without a base, as docker import makes it
        var imported = store.AddImage(new ImageCommitSpec
        {
            Config = ToExecutionConfig(config ?? new ImageConfig()),
            CreatedBy = "Import-ContainerImage -RootFs",
            Comment = message ?? ("imported from " + Path.GetFileName(path)),
            Tags = [name],
            ManifestMediaType = MediaTypes.DockerManifest,
        }, new LayerDiffResult(diffId, layerDigest, layerSize, uncompressed, count, kind), progress, ct);
        store.EmitEvent("import", imported.Id, name.ToFamiliarString());
        return imported;
    }

    /// <summary>The execution defaults of <paramref name="c"/> in the image config's shape (config.md <c>config</c>).</summary>
    internal static ImageExecutionConfig ToExecutionConfig(ImageConfig c) => new()
    {
        Env = c.Env,
        Entrypoint = c.Entrypoint,
        Cmd = c.Cmd,
        WorkingDir = c.WorkingDir,
        User = c.User,
        StopSignal = c.StopSignal,
        Healthcheck = c.Healthcheck,
        Shell = c.Shell,
        OnBuild = c.OnBuild,
        ExposedPorts = c.ExposedPortList,
        Volumes = c.Volumes,
        Labels = c.Labels,
    };

    // ------------------------------------------------------------------ export

    /// <summary>One image and the names to record for it in the archive.</summary>
    public sealed record ExportItem(ContainerImage Image, IReadOnlyList<ImageReference> Names);

    /// <summary>
    /// Write images to <paramref name="path"/> (atomically: a temp file renamed into place).
    /// docker-archive: manifest.json + repositories + config + uncompressed layer tars (what podman and docker load);
    /// OCI archive: an OCI layout with the blobs as stored (same manifest digest).
    /// </summary>
    public static void Export(ImageStore store, IReadOnlyList<ExportItem> items, string path, ImageArchiveFormat format, IProgressSink progress, CancellationToken ct)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!System.IO.Directory.Exists(dir)) throw PscException.NotFound(ErrorIds.DirectoryNotFound, $"The directory '{dir}' does not exist.", path);
        string tmp = Path.Combine(dir, AtomicFile.TempPrefix + Path.GetFileName(full) + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var w = new TarArchiveWriter(fs, leaveOpen: true))
                {
                    if (format == ImageArchiveFormat.DockerArchive) WriteDocker(store, items, w, progress, ct);
                    else WriteOci(store, items, w, progress, ct);
                }
                fs.Flush(flushToDisk: true);
            }
            AtomicFile.Publish(tmp, full);
        }
        catch
        {
            try { File.Delete(tmp); } catch { }
            throw;
        }
        foreach (var item in items) store.EmitEvent("save", item.Image.Id, item.Names.Count > 0 ? item.Names[0].ToFamiliarString() : null);
        progress.Progress(new ProgressInfo(ActivityId + 1, "Writing image archive", Completed: true));
    }

    private static TarEntry FileEntry(string name, long size) => new()
    {
        Kind = TarEntryKind.RegularFile, Name = Encoding.UTF8.GetBytes(name), Mode = 0x1a4, Size = size,
        ModificationTime = TarTimestamp.Epoch,
    };

    private static void AddBytes(TarArchiveWriter w, string name, byte[] data) => w.WriteEntry(FileEntry(name, data.Length), data);

    private static void AddFile(TarArchiveWriter w, string name, string file)
    {
        using var fs = File.OpenRead(file);
        w.WriteEntry(FileEntry(name, fs.Length), fs);
    }

    private static void WriteDocker(ImageStore store, IReadOnlyList<ExportItem> items, TarArchiveWriter w, IProgressSink progress, CancellationToken ct)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        var manifest = new JsonArray();
        var repositories = new JsonObject();
        int done = 0, total = items.Sum(i => i.Image.Layers.Length);
        foreach (var item in items)
        {
            var img = item.Image;
            string cfgName = img.Id[7..] + ".json";
            if (written.Add(cfgName)) AddFile(w, cfgName, store.GetBlobPath(img.Id));
            var layerNames = new JsonArray();
            for (int i = 0; i < img.Layers.Length; i++)
            {
                ct.ThrowIfCancellationRequested();
                string name = img.DiffIds[i][7..] + ".tar";
                layerNames.Add(name);
                progress.Progress(new ProgressInfo(ActivityId + 1, "Writing image archive", $"Layer {Digest.Short(img.Layers[i])}", total > 0 ? done++ * 100 / total : null));
                if (!written.Add(name)) continue;
                string blob = store.GetBlobPath(img.Layers[i]);
                if (Compression.DetectFile(blob) == LayerCompression.None) { AddFile(w, name, blob); continue; }
                // docker-archive layers are plain tars: decompress into a temp file first (the tar header needs the size)
                using var scope = store.NewTemp("export");
                string plain = Path.Combine(scope.Dir, "layer.tar");
                using (var src = File.OpenRead(blob))
                using (var dec = Compression.OpenDecompressed(src, out _, leaveOpen: true))
                using (var dst = File.Create(plain)) dec.CopyTo(dst, 1 << 16);
                AddFile(w, name, plain);
            }
            var tags = new JsonArray();
            foreach (var n in item.Names.Where(n => n.Tag is not null))
            {
                // full names, like podman save: podman would read a familiar "name:tag" as localhost/name
                tags.Add(n.ToString());
                string repo = n.Name;
                if (repositories[repo] is not JsonObject ro) repositories[repo] = ro = new JsonObject();
                ro[n.Tag!] = img.DiffIds.Length > 0 ? img.DiffIds[^1][7..] : img.Id[7..];
            }
            manifest.Add(new JsonObject { ["Config"] = cfgName, ["RepoTags"] = tags.Count > 0 ? tags : null, ["Layers"] = layerNames });
        }
        AddBytes(w, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        AddBytes(w, "repositories", Encoding.UTF8.GetBytes(repositories.ToJsonString()));
    }

    private static void WriteOci(ImageStore store, IReadOnlyList<ExportItem> items, TarArchiveWriter w, IProgressSink progress, CancellationToken ct)
    {
        AddBytes(w, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        var written = new HashSet<string>(StringComparer.Ordinal);
        var manifests = new List<Descriptor>();
        foreach (var item in items)
        {
            var img = item.Image;
            foreach (var d in img.Layers.Append(img.Id).Append(img.Digest))
            {
                ct.ThrowIfCancellationRequested();
                if (written.Add(d)) AddFile(w, "blobs/sha256/" + d[7..], store.GetBlobPath(d));
            }
            var m = ImageStore.ParseManifestDocument(store.ReadBlob(img.Digest), img.Digest);
            var names = item.Names.Where(n => n.Tag is not null).ToList();
            if (names.Count == 0) names.Add(null!);
            foreach (var n in names)
            {
                manifests.Add(new Descriptor(m.MediaType, img.Digest, store.GetBlobSize(img.Digest))
                {
                    Annotations = n is null ? null : new Dictionary<string, string>
                    {
                        ["io.containerd.image.name"] = n.ToString(),
                        ["org.opencontainers.image.ref.name"] = n.Tag!,
                    },
                });
            }
        }
        AddBytes(w, "index.json", new ImageIndex(MediaTypes.OciIndex, manifests).Bytes);
    }
}
