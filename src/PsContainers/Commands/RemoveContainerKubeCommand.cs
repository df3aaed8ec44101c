using System.Management.Automation;
using PsContainers.Core.Kube;

namespace PsContainers.Commands;

/// <summary>
/// Remove-ContainerKube: take down what Import-ContainerKube made from the same files (podman kube down): the pods
/// the manifests name, with their containers (running ones killed), ConfigMap/Secret files and emptyDir volumes; with
/// -Force also the PersistentVolumeClaims' volumes (podman kube down --force). Pods that do not exist are skipped.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerKube", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerKubeCommand : ContainerKubeFileCmdletBase
{
    /// <summary>Also remove the named volumes of the PersistentVolumeClaims (their data goes).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Remove only deletes: the fields it does not act on are not warned about (podman kube down is silent).</summary>
    protected override bool WritesPlanWarnings => false;

    protected override void Act(string file, KubePlayPlan plan)
    {
        var player = new KubePlayer(Engine);
        ForTarget(file, () => player.Down(plan, Force, ShouldProcess, CancellationToken));
    }
}
