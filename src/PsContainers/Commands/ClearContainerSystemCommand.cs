using System.Management.Automation;
using PsContainers.Core.Prune;

namespace PsContainers.Commands;

/// <summary>
/// Clear-ContainerSystem (docker system prune [-a] [--volumes]): removes stopped containers, networks no container
/// uses, nameless unused images (every unused image with -All) and, with -Volumes, anonymous unused volumes. The plan
/// (<see cref="PrunePlanner"/>) is made once; -WhatIf shows it item by item with the space it would free, the real run
/// removes exactly it (<see cref="PruneExecutor"/>) and writes a <see cref="PruneResult"/>. It also deletes what
/// interrupted builds left in the build trash (<see cref="Core.Build.BuildTrash"/>).
/// </summary>
[Cmdlet(VerbsCommon.Clear, "ContainerSystem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PruneResult))]
public sealed class ClearContainerSystemCommand : PscCmdlet
{
    /// <summary>Every image no container uses, not only nameless ones (docker system prune -a).</summary>
    [Parameter] public SwitchParameter All { get; set; }

    /// <summary>Also anonymous volumes no container mounts (docker system prune --volumes).</summary>
    [Parameter] public SwitchParameter Volumes { get; set; }

    /// <summary>
    /// Also forget every build cache entry (docker builder prune -a), not only those whose image is gone, and remove
    /// the RUN --mount=type=cache directories (storage/build-cache/mounts): the next Build-ContainerImage runs every
    /// step with empty cache mounts.
    /// </summary>
    [Parameter] public SwitchParameter BuildCache { get; set; }

    /// <summary>Do not ask for confirmation (docker system prune -f).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var plan = new PrunePlanner(Engine).Plan(new PruneOptions { AllImages = All, Volumes = Volumes });
            string summary = Summary(plan);
            var bound = MyInvocation.BoundParameters;
            if (!(Force && !bound.ContainsKey("WhatIf") && !bound.ContainsKey("Confirm")))
            {
                var reason = ShouldProcessReason.None;
                if (!Confirm(() => ShouldProcess(summary, "Remove " + summary + "?", "Clear-ContainerSystem", out reason), summary))
                {
                    // -WhatIf: each object too, with what it frees
                    if (reason == ShouldProcessReason.WhatIf)
                    {
                        foreach (var item in plan.Items) ShouldProcess($"{item.Kind} {item.Name} ({Core.Images.HumanFormat.Size(item.Size)})", "Remove");
                        if (BuildCache)
                        {
                            foreach (var e in Cache.List()) ShouldProcess($"BuildCache {Core.Util.Digest.Short(e.Key)} ({e.CreatedBy})", "Forget");
                            ShouldProcess($"BuildCache mounts ({Cache.Directory}/mounts: the RUN --mount=type=cache directories)", "Remove");
                        }
                    }
                    return;
                }
            }
            var result = new PruneExecutor(Engine).Execute(plan, item =>
            {
                WriteVerbose($"Removing {item}");
                return !Stopping;
            }, CancellationToken);
            foreach (var (item, error) in result.Failed) WriteEngineError(error, item.Name);
            // the intermediate images of builds are nameless images: once they are gone their cache entries can never
            // hit again, so they go too (all of them with -BuildCache)
            foreach (var e in Cache.Prune(e => BuildCache || !e.InUse)) WriteVerbose($"Forgot build cache entry {e.Key} ({e.CreatedBy})");
            // docker builder prune -a empties the RUN --mount=type=cache directories too
            if (BuildCache) WriteVerbose($"Removed {Cache.PruneMounts()} RUN --mount=type=cache directories");
            if (BuildCache) Cache.ForgetDigests();
            // what interrupted builds left half deleted in the build trash (ROOT/tmp/trash)
            int trashed = new Core.Build.BuildTrash(Engine.Paths).Collect(CancellationToken);
            if (trashed > 0) WriteVerbose($"Deleted {trashed} discarded build step directories");
            WriteObject(result);
        }
        catch (OperationCanceledException) when (Stopping) { throw new PipelineStoppedException(); }
        catch (PipelineStoppedException) { throw; }
        catch (Exception e) { ThrowEngineError(e); }
        finally { base.EndProcessing(); }
    }

    private Core.Build.BuildCache Cache => new(Engine.Paths, Engine.Images);

    private static string Summary(PrunePlan plan)
    {
        static string Count(int n, string word) => n + " " + word + (n == 1 ? "" : "s");
        // a dead build's working container whose RUN still runs is not stopped: it is counted apart
        int dead = plan.Of(PruneKind.Container).Count(i => i.Force);
        string containers = Count(plan.Of(PruneKind.Container).Count() - dead, "stopped container")
            + (dead > 0 ? $" and {Count(dead, "running container")} of a build that died" : "");
        return $"{containers}, {Count(plan.Of(PruneKind.Network).Count(), "unused network")}, "
            + $"{Count(plan.Of(PruneKind.Volume).Count(), "unused anonymous volume")}, {Count(plan.Of(PruneKind.Image).Count(), plan.Options.AllImages ? "unused image" : "dangling image")}; {plan.TotalText}";
    }
}
