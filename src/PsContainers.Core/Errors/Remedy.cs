namespace PsContainers.Core;

/// <summary>
/// What the user can do about an error (<see cref="PscException.Remedy"/>). The engine names the remedy; the cmdlet
/// layer words it in PowerShell terms (parameters, cmdlets) as the ErrorRecord's
/// <c>ErrorDetails.RecommendedAction</c>, so engine messages state the fact only.
/// </summary>
public enum Remedy
{
    /// <summary>No general advice beyond the message.</summary>
    None,
    /// <summary>The check that failed is one that forcing overrides (remove an image a container uses, a network with users).</summary>
    Force,
    /// <summary>The container runs: stop it first, or force the removal (which stops it).</summary>
    StopOrForce,
    /// <summary>The image store is damaged: run the storage check with repair, then get the image again.</summary>
    RepairStorage,
    /// <summary>A network that does not exist was named: create it first.</summary>
    CreateNetwork,
    /// <summary>A volume that does not exist was named (a compose file's external volume): create it first.</summary>
    CreateVolume,
    /// <summary>A network needs a subnet given explicitly (a gateway, macvlan/ipvlan, or no free default subnet).</summary>
    GiveSubnet,
    /// <summary>A macvlan/ipvlan network needs the host interface named (the host has no default route).</summary>
    GiveParentInterface,
    /// <summary>host, none or container:&lt;name&gt; network modes stand alone.</summary>
    OneNetworkMode,
    /// <summary>Ports can only be published from a bridge network.</summary>
    PublishOnBridge,
    /// <summary>Remove-on-exit and a restart policy exclude each other.</summary>
    RemoveOrRestart,
    /// <summary>The init program is missing from the installation.</summary>
    ReinstallOrNoInit,
    /// <summary>A name was given for an archive that holds several images.</summary>
    ImportWithoutName,
    /// <summary>The archive is a root file system, not an image archive.</summary>
    ImportAsRootFs,
    /// <summary>
    /// Only a container started in the background (its monitor serves the attach socket) can be attached to; one
    /// started on the caller's terminal cannot.
    /// </summary>
    StartInBackground,
    /// <summary>
    /// A compose project's network still has containers that removing the project does not remove (one-off or foreign
    /// ones): remove or disconnect them, then remove the project again.
    /// </summary>
    RemoveNetworkUsers,
    /// <summary>A Kubernetes file's pod already exists here (played before): replacing removes it and plays the file again.</summary>
    ReplacePod,
    /// <summary>A Kubernetes file fails the structural check: the offline checker lists every finding with its line.</summary>
    CheckKubeManifest,
}
