using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Prune;

/// <summary>
/// Works out what docker system prune [-a] [--volumes] would remove from one store, with the space each object frees
/// (<see cref="PrunePlan"/>), without changing anything:
/// <list type="number">
/// <item>stopped containers: created, exited or dead (docker container prune; running, paused and restarting ones stay);</item>
/// <item>networks no remaining container is attached to, never the default network (docker network prune);</item>
/// <item>with <see cref="PruneOptions.Volumes"/>: anonymous volumes no remaining container mounts (docker volume prune,
/// docker 23+: named volumes stay);</item>
/// <item>nameless images no remaining container uses, or with <see cref="PruneOptions.AllImages"/> every image no
/// remaining container uses (docker image prune [-a]).</item>
/// </list>
/// "Remaining" means the containers step 1 keeps: what only a pruned container used goes too, as in docker, where the
/// containers are pruned first. The selections are the catalogs' (<see cref="ImageQuery.Unused"/>,
/// <see cref="VolumeCatalog.Unused"/>, <see cref="NetworkCatalog.Unused"/>), so Get-ContainerImage -Unused and the
/// others list the same objects once no stopped container is left.
/// </summary>
public sealed class PrunePlanner(Engine engine)
{
    /// <summary>
    /// The plan for the store as it is now. A pure read, so that -WhatIf changes nothing: a container whose monitor died
    /// reads as exited (<see cref="ContainerStore.Load"/>) and is planned as stopped; what it left running or mounted is
    /// repaired only when <see cref="PruneExecutor"/> removes it (<see cref="ContainerManager.Remove"/> reconciles under
    /// the container lock).
    /// </summary>
    public PrunePlan Plan(PruneOptions options) => Plan(options, engine.ContainerStore.LoadAll());

    /// <summary>
    /// The plan, given the containers and their states (the store's image, volume and network records are read from
    /// disk). Pure: reads only.
    /// </summary>
    /// <param name="options">What to remove besides containers and networks.</param>
    /// <param name="containers">Every container, with its current status.</param>
    public PrunePlan Plan(PruneOptions options, IReadOnlyList<Container> containers)
    {
        var items = new List<PruneItem>();
        // a stopped pod's infra container goes with its pod (Remove-ContainerPod), never alone; a build's working
        // container goes with its build (BuildWorkingContainer.InUse), never while the build runs, and one whose build
        // died (its process killed during a RUN) goes even when its process still runs: nobody else will stop it
        var stopped = containers.Where(c => engine.Pods.InfraOf(c) is null
                && (c.Labels.ContainsKey(Build.BuildWorkingContainer.StepLabel)
                    ? !Build.BuildWorkingContainer.InUse(engine.ContainerStore, c)
                    : IsStopped(c)))
            .OrderBy(c => c.Created).ToList();
        var gone = stopped.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var c in stopped)
            items.Add(new PruneItem
            {
                Kind = PruneKind.Container, Name = c.Name, Id = c.Id,
                Size = ImageStore.DirectorySize(engine.ContainerStore.UpperOf(c.Id)),
                Force = !IsStopped(c),
            });

        foreach (var n in new NetworkCatalog(engine.Networks, engine.Networking) { Unused = true, IgnoredContainers = gone }.List())
            items.Add(new PruneItem { Kind = PruneKind.Network, Name = n.Name, Id = n.Name });

        if (options.Volumes)
            foreach (var v in new VolumeCatalog(engine.Volumes) { Unused = true, IgnoredContainers = gone }.List())
                items.Add(new PruneItem { Kind = PruneKind.Volume, Name = v.Name, Id = v.Name, Size = VolumeStore.DirectorySize(v.Mountpoint) });

        items.AddRange(PlanImages(options, gone));
        return new PrunePlan { Items = items, Options = options };
    }

    /// <summary>docker container prune's "stopped": not running, paused, restarting or being removed.</summary>
    public static bool IsStopped(Container c) => c.State.Status is ContainerStatus.Created or ContainerStatus.Exited or ContainerStatus.Dead;

    private IEnumerable<PruneItem> PlanImages(PruneOptions options, IReadOnlySet<string> gone)
    {
        var store = engine.Images;
        var doomed = new ImageQuery(store) { Unique = true, Unused = true, Dangling = !options.AllImages, IgnoredContainers = gone }.Rows()
            .OrderBy(i => i.Created ?? DateTime.MinValue).ToList();
        if (doomed.Count == 0) yield break;
        var doomedIds = doomed.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        // layers a kept image shares stay on disk; a layer shared by several removed images is counted once
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in store.ListImages().Where(i => !doomedIds.Contains(i.Id)))
            if (store.ReadRecord(i.Id) is { } rec) kept.UnionWith(rec.ChainIds);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var img in doomed)
        {
            long size = 0;
            if (store.ReadRecord(img.Id) is { } rec)
                foreach (var chain in rec.ChainIds)
                    if (!kept.Contains(chain) && counted.Add(chain)) size += store.ReadLayerRecord(chain)?.Size ?? 0;
            yield return new PruneItem
            {
                Kind = PruneKind.Image, Id = img.Id, Size = size,
                Name = img.RepoTags.Length > 0 ? ImageReference.Parse(img.RepoTags[0]).ToFamiliarString() : img.ShortId,
                ImageNames = img.RepoTags,
            };
        }
    }
}
