using PsContainers.Core;

namespace PsContainers;

/// <summary>
/// The PowerShell words for an engine <see cref="Remedy"/>: the text of <c>ErrorRecord.ErrorDetails.RecommendedAction</c>
/// (what <c>Get-Error</c> and <c>$err.ErrorDetails.RecommendedAction</c> show). The engine's message states the fact;
/// this names the parameter or cmdlet that helps.
/// </summary>
public static class RecommendedActions
{
    /// <summary>The sentence for <paramref name="remedy"/>; null for <see cref="Remedy.None"/>.</summary>
    public static string? For(Remedy remedy) => remedy switch
    {
        Remedy.None => null,
        Remedy.Force => "Use -Force to remove it anyway.",
        Remedy.StopOrForce => "Stop the container first (Stop-Container), or use -Force to stop and remove it.",
        Remedy.RepairStorage => "Run Test-ContainerStorage -Repair, then import or pull the image again.",
        Remedy.CreateNetwork => "Create the network with New-ContainerNetwork (Get-ContainerNetwork lists the existing ones).",
        Remedy.CreateVolume => "Create the volume with New-ContainerVolume (Get-ContainerVolume lists the existing ones).",
        Remedy.StartInBackground => "Start containers in the background (Start-Container, Invoke-ContainerImage -Detach) to attach to them with Connect-Container.",
        Remedy.RemoveNetworkUsers => "Remove those containers (Remove-Container -Force) or disconnect them (Disconnect-ContainerNetwork), " +
            "then run Remove-ContainerProject again (with -RemoveOrphans it removes the project's finished one-off containers too).",
        Remedy.GiveSubnet => "Give the subnet with -Subnet.",
        Remedy.GiveParentInterface => "Name the host interface with -Parent.",
        Remedy.OneNetworkMode => "Give -Network host, none or container:<name> alone.",
        Remedy.PublishOnBridge => "Publish ports only on a bridge network: drop -Publish/-PublishAll or use the default -Network.",
        Remedy.RemoveOrRestart => "Use -Remove or -Restart, not both.",
        Remedy.ReinstallOrNoInit => "Reinstall the PsContainers module, or run without -Init.",
        Remedy.ImportWithoutName => "Import without -Name, then name the images with Add-ContainerImageTag.",
        Remedy.ImportAsRootFs => "Import it with -RootFs and -Name.",
        Remedy.CheckKubeManifest => "Fix the findings listed (Test-ContainerKube -Path <file> lists them with their lines), then import the file again.",
        Remedy.ReplacePod => "Use -Replace to remove the existing pod and its containers and play the file again, or Remove-ContainerKube first.",
        _ => throw new ArgumentOutOfRangeException(nameof(remedy), remedy, "no PowerShell words for this remedy"),
    };
}
