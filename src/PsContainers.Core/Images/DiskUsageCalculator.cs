using PsContainers.Core.Containers;
using PsContainers.Core.Util;

namespace PsContainers.Core.Images;

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
            long size = ImageStore.DirectorySize(u.UpperDirectory);
            bool running = u.Running;
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
}
