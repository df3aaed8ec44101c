using System.Diagnostics;
using System.Runtime.InteropServices;
using PsContainers.Contract;
using PsContainers.Core.Containers;
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
        var corrupt = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var b in blobs)
        {
            ct.ThrowIfCancellationRequested();
            progress.Progress(new ProgressInfo(2100, "Verifying blobs", Digest.Short(b), blobs.Count == 0 ? 0 : i++ * 100 / blobs.Count));
            if (Digest.OfFile(store.GetBlobPath(b)) != b)
            {
                corrupt.Add(b);
                problems.Add(new StorageProblem { Kind = "CorruptBlob", Target = b, Message = $"The blob {b} does not match its digest." });
            }
        }
        progress.Progress(new ProgressInfo(2100, "Verifying blobs", Completed: true));
        var broken = new HashSet<string>(StringComparer.Ordinal);
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
                else if (corrupt.Contains(d)) broken.Add(id);
            }
            foreach (var c in rec.ChainIds)
            {
                liveChains.Add(Digest.Hex(c));
                string dir = store.LayerDir(c);
                if (!Directory.Exists(Path.Combine(dir, "diff")) || store.ReadLayerRecord(c) is null)
                {
                    broken.Add(id);
                    problems.Add(new StorageProblem { Kind = "MissingLayer", Target = c, ImageId = id, Message = $"The image {Digest.Short(id)} needs the unpacked layer {c}, which is missing or incomplete." });
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
            if (!referenced.Contains(b) && !corrupt.Contains(b))
                problems.Add(new StorageProblem { Kind = "UnreferencedBlob", Severity = "Warning", Target = b, Message = $"The blob {b} is used by no image." });

        if (repair)
        {
            foreach (var b in corrupt) File.Delete(store.GetBlobPath(b));
            foreach (var p in problems.Where(p => p.Kind == "UnreferencedBlob")) { try { File.Delete(store.GetBlobPath(p.Target)); } catch { } }
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
                if (!stillUsed.Contains(b)) { try { File.Delete(store.GetBlobPath(b)); } catch { } }
            foreach (var p in problems) p.Repaired = true;
        }
        return problems;
    }
}

/// <summary>One row of Get-ContainerDiskUsage (docker system df).</summary>
public sealed class DiskUsage
{
    /// <summary>Images, Containers or Volumes.</summary>
    public string Type { get; set; } = "";
    public int Count { get; set; }
    public int Active { get; set; }
    public long Size { get; set; }
    public long Reclaimable { get; set; }
    public double ReclaimablePercent => Size == 0 ? 0 : Math.Round(100.0 * Reclaimable / Size, 0);
}

/// <summary>One item of Get-ContainerDiskUsage -Detailed.</summary>
public sealed class DiskUsageItem
{
    public string Type { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Id { get; set; }
    public long Size { get; set; }
    /// <summary>Bytes shared with other images (layers used by more than one image).</summary>
    public long SharedSize { get; set; }
    public int Containers { get; set; }
    public bool Active { get; set; }
    public DateTime? Created { get; set; }
}

public static class DiskUsageCalculator
{
    public static (IReadOnlyList<DiskUsage> Summary, IReadOnlyList<DiskUsageItem> Items) Compute(ImageStore store, CancellationToken ct = default)
    {
        var items = new List<DiskUsageItem>();
        var images = store.ListImages();
        var uses = store.GetContainerUses();
        var chainUse = new Dictionary<string, int>(StringComparer.Ordinal);
        var recs = images.Select(i => (Image: i, Rec: store.ReadRecord(i.Id))).Where(x => x.Rec is not null).ToList();
        foreach (var (_, rec) in recs) foreach (var c in rec!.ChainIds.Distinct()) chainUse[c] = chainUse.GetValueOrDefault(c) + 1;
        var chainSize = chainUse.Keys.ToDictionary(c => c, c => store.ReadLayerRecord(c)?.Size ?? 0);
        long imagesTotal = chainSize.Values.Sum();
        var activeChains = new HashSet<string>(StringComparer.Ordinal);
        int activeImages = 0;
        foreach (var (img, rec) in recs)
        {
            int n = uses.Count(u => u.ImageId == img.Id);
            if (n > 0) { activeImages++; activeChains.UnionWith(rec!.ChainIds); }
            items.Add(new DiskUsageItem
            {
                Type = "Image", Name = img.RepoTags.FirstOrDefault() ?? "<none>", Id = img.Id, Size = img.Size,
                SharedSize = rec!.ChainIds.Where(c => chainUse[c] > 1).Sum(c => chainSize[c]), Containers = n, Active = n > 0, Created = img.Created,
            });
        }
        long imagesReclaim = imagesTotal - activeChains.Sum(c => chainSize.GetValueOrDefault(c));

        long ctrTotal = 0, ctrReclaim = 0; int ctrActive = 0;
        foreach (var u in uses)
        {
            ct.ThrowIfCancellationRequested();
            long size = ImageStore.DirectorySize(Path.Combine(u.Directory, "upper"));
            bool running = IsRunning(u.Directory);
            if (running) ctrActive++; else ctrReclaim += size;
            ctrTotal += size;
            items.Add(new DiskUsageItem { Type = "Container", Name = u.ContainerName ?? Digest.Short(u.ContainerId), Id = u.ContainerId, Size = size, Active = running });
        }

        long volTotal = 0, volReclaim = 0; int volCount = 0, volActive = 0;
        if (Directory.Exists(store.Paths.Volumes))
        {
            var mounted = uses.SelectMany(u => u.Volumes ?? []).ToHashSet(StringComparer.Ordinal);
            foreach (var v in Directory.EnumerateDirectories(store.Paths.Volumes))
            {
                string name = Path.GetFileName(v);
                long size = ImageStore.DirectorySize(Path.Combine(v, "_data"));
                bool active = mounted.Contains(name);
                volCount++; volTotal += size;
                if (active) volActive++; else volReclaim += size;
                items.Add(new DiskUsageItem { Type = "Volume", Name = name, Size = size, Active = active, Containers = active ? 1 : 0 });
            }
        }
        var summary = new List<DiskUsage>
        {
            new() { Type = "Images", Count = images.Count, Active = activeImages, Size = imagesTotal, Reclaimable = imagesReclaim },
            new() { Type = "Containers", Count = uses.Count, Active = ctrActive, Size = ctrTotal, Reclaimable = ctrReclaim },
            new() { Type = "Volumes", Count = volCount, Active = volActive, Size = volTotal, Reclaimable = volReclaim },
        };
        return (summary, items);
    }

    /// <summary>
    /// Whether a container is running, paused or restarting by its state.json (<see cref="ContainerStateFile"/>, the
    /// monitor's record); a recorded pid that is gone means it is not running. No record, or one that does not read,
    /// is not running.
    /// </summary>
    internal static bool IsRunning(string containerDir)
    {
        ContainerStateFile? st;
        try { st = ContainerStateFile.ReadFrom(containerDir); }
        catch (System.Text.Json.JsonException) { return false; }
        catch (IOException) { return false; }
        if (st is null || st.Status is not (ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting)) return false;
        return st.Pid <= 0 || Directory.Exists("/proc/" + st.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Get-ContainerVersion output (docker version).</summary>
public sealed class ContainerVersionInfo
{
    public string ModuleVersion { get; set; } = "";
    public string EngineVersion { get; set; } = "";
    public string? RuntimeName { get; set; }
    public string? RuntimeVersion { get; set; }
    public string? RuntimePath { get; set; }
    public string OciRuntimeSpecVersion { get; set; } = "1.2.0";
    public string OciImageSpecVersion { get; set; } = "1.1.0";
    public string OciDistributionSpecVersion { get; set; } = "1.1.0";
    public string Os { get; set; } = "linux";
    public string Architecture { get; set; } = "";
    public string KernelVersion { get; set; } = "";
    /// <summary>
    /// "1" (v1 only), "1 (hybrid)" (v1 controllers with the unified hierarchy beside them) or "2" (a unified host),
    /// from what is mounted at /sys/fs/cgroup, not from the distribution (docker version's cgroup facts).
    /// </summary>
    public string CgroupVersion { get; set; } = "";
    /// <summary>
    /// "cgroupfs": pscrun and the engine write the cgroup file system themselves, containers in /pscontainers/ID of
    /// each hierarchy (docker info's "Cgroup Driver"); there is no systemd driver.
    /// </summary>
    public string CgroupDriver { get; set; } = "cgroupfs";
    public string StorageDriver { get; set; } = "overlay";
    public string StorageRoot { get; set; } = "";
    public string DotNetVersion { get; set; } = "";
    public string? PowerShellVersion { get; set; }

    /// <param name="probeRuntime">Run the bundled pscrun's --version (a process); false when the caller knows the runtime already.</param>
    public static ContainerVersionInfo Collect(PscPaths paths, string? powerShellVersion, bool probeRuntime = true)
    {
        var v = new ContainerVersionInfo
        {
            ModuleVersion = typeof(ContainerVersionInfo).Assembly.GetName().Version?.ToString(3) ?? "",
            Architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() switch { "x64" => "amd64", "arm64" => "arm64", var a => a },
            KernelVersion = ReadFirst("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.Version.ToString(),
            CgroupVersion = File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : Directory.Exists("/sys/fs/cgroup/unified") ? "1 (hybrid)" : "1",
            DotNetVersion = Environment.Version.ToString(),
            PowerShellVersion = powerShellVersion,
            StorageRoot = paths.Storage,
        };
        var info = typeof(ContainerVersionInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
        v.EngineVersion = (info ?? v.ModuleVersion).Split('+')[0];
        string pscrun = Path.Combine(PscPaths.BinDirectory, "pscrun");
        if (probeRuntime && File.Exists(pscrun))
        {
            v.RuntimeName = "pscrun";
            v.RuntimePath = pscrun;
            v.RuntimeVersion = RunVersion(pscrun);
        }
        return v;
    }

    private static string? ReadFirst(string path)
    {
        try { return File.ReadLines(path).FirstOrDefault()?.Trim(); } catch { return null; }
    }

    private static string? RunVersion(string exe)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(exe, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(5000)) { try { p.Kill(); } catch { } return null; }
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim();
        }
        catch { return null; }
    }
}
