using PsContainers.Core.Util;

namespace PsContainers.Core.Images;

/// <summary>One problem found by <see cref="StorageChecker"/>.</summary>
public sealed class StorageProblem
{
    /// <summary>CorruptBlob, MissingBlob, MissingLayer, CorruptLayer, MissingImageRecord, DanglingTag, OrphanLayer, OrphanRecord, UnreferencedBlob, LeftoverTemp, InvalidIndex.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Error (the store is damaged) or Warning (wasted space only).</summary>
    public string Severity { get; set; } = "Error";
    /// <summary>The digest, id, name or path concerned.</summary>
    public string Target { get; set; } = "";
    /// <summary>The image the problem damages (for a corrupt or missing blob, the first image found that needs it); null
    /// for problems of no image (orphans, leftovers, a blob no image needs).</summary>
    public string? ImageId { get; set; }
    public string Message { get; set; } = "";
    /// <summary>Whether -Repair fixed it.</summary>
    public bool Repaired { get; set; }
    public override string ToString() => $"{Severity} {Kind}: {Message}";
}

/// <summary>Verifies the store: every blob digest, every reference from the index to records, blobs and layers.</summary>
public static class StorageChecker
{
    public static IReadOnlyList<StorageProblem> Check(ImageStore store, bool repair, IProgressSink progress, CancellationToken ct)
    {
        var problems = new List<StorageProblem>();
        using var l = store.LockExclusive(ct);
        foreach (var e in Directory.EnumerateFileSystemEntries(store.TmpDir))
        {
            if (e.EndsWith(".lock", StringComparison.Ordinal)) { using var o = FileLock.TryExclusive(e); if (o is null) continue; }
            else if (File.Exists(e + ".lock")) continue;
            problems.Add(new StorageProblem { Kind = "LeftoverTemp", Severity = "Warning", Target = e, Message = $"Interrupted work left '{e}'." });
        }
        RepositoryIndex index;
        try { index = store.ReadIndex(); }
        catch (PscException ex)
        {
            problems.Add(new StorageProblem { Kind = "InvalidIndex", Target = store.IndexFile, Message = ex.Message });
            if (repair) { File.Move(store.IndexFile, store.IndexFile + ".damaged-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss"), true); problems[^1].Repaired = true; }
            index = new RepositoryIndex();
        }
        // blobs
        var blobs = store.EnumerateBlobs().ToList();
        // each corrupt blob's problem, named after the first image that needs it once the images are read
        var corrupt = new Dictionary<string, StorageProblem>(StringComparer.Ordinal);
        int i = 0;
        foreach (var b in blobs)
        {
            ct.ThrowIfCancellationRequested();
            progress.Progress(new ProgressInfo(2100, "Verifying blobs", Digest.Short(b), blobs.Count == 0 ? 0 : i++ * 100 / blobs.Count));
            if (!store.VerifyBlob(b))
            {
                var p = new StorageProblem { Kind = "CorruptBlob", Target = b, Message = $"The blob {b} does not match its digest." };
                corrupt[b] = p;
                problems.Add(p);
            }
        }
        progress.Progress(new ProgressInfo(2100, "Verifying blobs", Completed: true));
        var broken = new HashSet<string>(StringComparer.Ordinal);
        var checkedChains = new Dictionary<string, bool>(StringComparer.Ordinal);
        var liveChains = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in index.Images)
        {
            var rec = store.ReadRecord(id);
            if (rec is null)
            {
                broken.Add(id);
                problems.Add(new StorageProblem { Kind = "MissingImageRecord", Target = id, ImageId = id, Message = $"The image {id} is listed but its record is missing or damaged." });
                continue;
            }
            foreach (var d in rec.Layers.Select(x => x.Digest).Append(rec.Config.Digest).Append(rec.ManifestDigest))
            {
                if (!store.HasBlob(d))
                {
                    broken.Add(id);
                    problems.Add(new StorageProblem { Kind = "MissingBlob", Target = d, ImageId = id, Message = $"The image {Digest.Short(id)} needs blob {d}, which is missing." });
                }
                else if (corrupt.TryGetValue(d, out var bad))
                {
                    broken.Add(id);
                    if (bad.ImageId is null)
                    {
                        bad.ImageId = id;
                        bad.Message = $"The blob {d} of image {Digest.Short(id)} does not match its digest.";
                    }
                }
            }
            for (int ci = 0; ci < rec.ChainIds.Count; ci++)
            {
                string c = rec.ChainIds[ci];
                liveChains.Add(Digest.Hex(c));
                string dir = store.LayerDir(c);
                if (!Directory.Exists(Path.Combine(dir, "diff")) || store.ReadLayerRecord(c) is null)
                {
                    broken.Add(id);
                    problems.Add(new StorageProblem { Kind = "MissingLayer", Target = c, ImageId = id, Message = $"The image {Digest.Short(id)} needs the unpacked layer {c}, which is missing or incomplete." });
                }
                // a layer kept as its directory (no tar): that directory is the content, so each chain's is checked
                // (another chain with the same diff_id may be sound and give the blob back)
                else if (ci < rec.Layers.Count && store.IsLayerBlob(rec.Layers[ci].Digest)
                    && !(checkedChains.TryGetValue(c, out bool sound) ? sound : checkedChains[c] = store.VerifyLayerDirectory(c)))
                {
                    broken.Add(id);
                    problems.Add(new StorageProblem { Kind = "CorruptLayer", Target = c, ImageId = id, Message = $"The unpacked layer {c} of image {Digest.Short(id)} no longer gives its diff_id {rec.Layers[ci].Digest}: its files were changed." });
                }
            }
        }
        foreach (var kv in index.Tags)
            if (!index.Images.Contains(kv.Value))
                problems.Add(new StorageProblem { Kind = "DanglingTag", Target = kv.Key, ImageId = kv.Value, Message = $"The name {kv.Key} points at {kv.Value}, which is not in the store." });
        foreach (var d in Directory.EnumerateDirectories(store.LayersDir))
            if (!liveChains.Contains(Path.GetFileName(d)))
                problems.Add(new StorageProblem { Kind = "OrphanLayer", Severity = "Warning", Target = d, Message = $"The unpacked layer '{Path.GetFileName(d)}' is used by no image." });
        foreach (var f in Directory.EnumerateFiles(store.ImagesDir))
        {
            string id = "sha256:" + Path.GetFileNameWithoutExtension(f);
            if (!index.Images.Contains(id))
                problems.Add(new StorageProblem { Kind = "OrphanRecord", Severity = "Warning", Target = f, Message = $"The image record '{Path.GetFileName(f)}' is not in the index." });
        }
        var referenced = store.ReferencedBlobs(index);
        referenced.UnionWith(store.PinnedBlobs()); // put by a live process, about to be committed
        foreach (var b in blobs)
            if (!referenced.Contains(b) && !corrupt.ContainsKey(b))
                problems.Add(new StorageProblem { Kind = "UnreferencedBlob", Severity = "Warning", Target = b, Message = $"The blob {b} is used by no image." });

        if (repair)
        {
            foreach (var b in corrupt.Keys) store.DeleteBlob(b);
            foreach (var p in problems.Where(p => p.Kind == "UnreferencedBlob")) store.DeleteBlob(p.Target);
            if (broken.Count > 0 || problems.Any(p => p.Kind == "DanglingTag"))
            {
                foreach (var id in broken) index.Images.Remove(id);
                foreach (var t in index.Tags.Where(kv => !index.Images.Contains(kv.Value)).Select(kv => kv.Key).ToList()) index.Tags.Remove(t);
                store.WriteIndex(index);
            }
            store.Recover(); // orphan records, layers, temp work
            var stillUsed = store.ReferencedBlobs(store.ReadIndex());
            stillUsed.UnionWith(store.PinnedBlobs());
            foreach (var b in store.EnumerateBlobs().ToList())
                if (!stillUsed.Contains(b)) store.DeleteBlob(b);
            foreach (var p in problems) p.Repaired = true;
        }
        return problems;
    }
}
