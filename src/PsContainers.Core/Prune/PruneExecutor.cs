using PsContainers.Core.Containers;

namespace PsContainers.Core.Prune;

/// <summary>
/// Carries out a <see cref="PrunePlan"/>: removes exactly its items, in order, each with the ordinary removal (so the
/// usual refusals hold: a container that started meanwhile, a volume or network a new container uses, an image a new
/// container uses are not removed, nothing is forced), and records what went and what did not. An item someone else
/// removed since the plan (a build removing its working container, another prune) is passed over, neither removed
/// nor failed, as docker's prune passes over an object that is gone by the time it gets to it; so is an image a build
/// started to hold since the plan (<see cref="Images.ImageStore.HoldImage"/>).
/// </summary>
public sealed class PruneExecutor(Engine engine)
{
    /// <summary>
    /// Remove the items <paramref name="confirm"/> accepts (all when null); one failure does not stop the others.
    /// </summary>
    /// <param name="plan">The plan (from <see cref="PrunePlanner"/>).</param>
    /// <param name="confirm">Asked once per item before it is removed (the cmdlet's ShouldProcess); false skips it.</param>
    /// <param name="ct">Cancels between items.</param>
    /// <returns>What was removed, the bytes that freed (planned sizes) and the failures.</returns>
    public PruneResult Execute(PrunePlan plan, Func<PruneItem, bool>? confirm = null, CancellationToken ct = default)
    {
        var result = new PruneResult();
        foreach (var item in plan.Items)
        {
            ct.ThrowIfCancellationRequested();
            if (confirm is not null && !confirm(item)) continue;
            try
            {
                if (Remove(item, result, ct)) result.SpaceReclaimed += item.Size;
            }
            catch (PscException e) when (e.Category == PscErrorCategory.ObjectNotFound && Gone(item)) { }
            // a build that started since the plan holds the image (its base, a cache hit): passed over, as the plan
            // would have passed over it (ImageQuery.Unused); a container that started using it is reported
            catch (ConflictException e) when (e.ErrorId == ErrorIds.ImageInUse && item.Kind == PruneKind.Image && engine.Images.HeldImages().Contains(item.Id)) { }
            catch (PscException e) { result.Failed.Add((item, e)); }
            catch (IOException e) { result.Failed.Add((item, e)); }
        }
        return result;
    }

    /// <summary>Whether the item no longer exists (removed by someone else since the plan).</summary>
    private bool Gone(PruneItem item) => item.Kind switch
    {
        PruneKind.Container => engine.ContainerStore.Load(item.Id) is null,
        PruneKind.Network => engine.Networks.Get(item.Id) is null,
        PruneKind.Volume => engine.Volumes.Get(item.Id) is null,
        PruneKind.Image => engine.Images.FindImage(item.Id) is null,
        _ => false,
    };

    /// <summary>Remove one item; false when it was already gone.</summary>
    private bool Remove(PruneItem item, PruneResult result, CancellationToken ct)
    {
        switch (item.Kind)
        {
            case PruneKind.Container:
                if (engine.ContainerStore.Load(item.Id) is not { } c) return false;
                engine.Containers.Remove(c, force: item.Force, removeVolumes: false, ct);
                result.ContainersDeleted.Add(item.Id);
                break;
            case PruneKind.Network:
                engine.Networking.RemoveNetwork(item.Id, force: false, ct);
                result.NetworksDeleted.Add(item.Id);
                break;
            case PruneKind.Volume:
                engine.Volumes.Remove(item.Id);
                result.VolumesDeleted.Add(item.Id);
                break;
            case PruneKind.Image:
                // by each name (the last one deletes it), or by id when it has none: never forced, so an image a new
                // container uses keeps its last name and its data; one planned nameless is deleted only if it still
                // is (a build names its result at its very end, maybe after the plan was read)
                if (item.ImageNames.Count == 0)
                {
                    var res = engine.Images.RemoveNameless(item.Id, ct);
                    if (res.Deleted.Count == 0) return false;
                    result.ImagesUntagged.AddRange(res.Untagged);
                    result.ImagesDeleted.AddRange(res.Deleted);
                    break;
                }
                foreach (var r in item.ImageNames)
                {
                    var res = engine.Images.Remove(r, force: false, ct);
                    result.ImagesUntagged.AddRange(res.Untagged);
                    result.ImagesDeleted.AddRange(res.Deleted);
                }
                break;
        }
        return true;
    }
}
