using System.Management.Automation;
using PsContainers.Core.Images;
using PsContainers.Core.Kube;
using PsContainers.Core.Registry;

namespace PsContainers.Commands;

/// <summary>
/// Import-ContainerKube: run Kubernetes manifests here (podman kube play): Pods, Deployments (a pod per replica),
/// Jobs, PersistentVolumeClaims (named volumes), ConfigMaps and Secrets (env and read-only volume files), with the
/// mapping of <see cref="KubePlanner"/> and the work of <see cref="KubePlayer"/>. Missing images are pulled first
/// (imagePullPolicy Always: always). Outputs one <see cref="KubePlayResult"/> per claim's volume and per pod made
/// (podman kube play's listing); each unsupported kind or field is a warning.
/// </summary>
[Cmdlet(VerbsData.Import, "ContainerKube", SupportsShouldProcess = true)]
[OutputType(typeof(KubePlayResult))]
public sealed class ImportContainerKubeCommand : ContainerKubeFileCmdletBase
{
    /// <summary>Create the pods and containers without starting them (podman kube play --start=false).</summary>
    [Parameter] public SwitchParameter NoStart { get; set; }

    /// <summary>
    /// Remove pods of the same names first, with their containers (podman kube play --replace), and the replicas a former
    /// play of the file's Deployments made beyond their replicas now; all before any new pod starts; volumes stay.
    /// </summary>
    [Parameter] public SwitchParameter Replace { get; set; }

    protected override void Act(string file, KubePlayPlan plan)
    {
        if (!PullImages(plan)) return;
        var player = new KubePlayer(Engine);
        if (ForTarget(file, () => player.Play(plan, Replace, NoStart, ShouldProcess, CancellationToken), out var made))
            WriteObject(made, enumerateCollection: true);
    }

    /// <summary>Pull each image that is missing, or asked for with imagePullPolicy Always (ShouldProcess "Pull image"); false after a failed pull (written).</summary>
    private bool PullImages(KubePlayPlan plan)
    {
        bool ok = true;
        foreach (var image in plan.Images)
        {
            bool present;
            try { present = Engine.Images.FindImage(image) is not null; }
            catch (Exception e) when (e is PsContainers.Core.PscException or IOException) { present = false; }
            if (present && !plan.AlwaysPull.Contains(image)) continue;
            if (!ShouldProcess(image, "Pull image")) continue;
            ok &= ForTarget(image, () => RunPumped((sink, ct) => Engine.Registry.Pull(image, null, sink, ct)));
        }
        return ok;
    }
}
