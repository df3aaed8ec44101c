using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>New-ContainerNetwork: create a bridge (or macvlan/ipvlan) network as a CNI configuration list.</summary>
[Cmdlet(VerbsCommon.New, "ContainerNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerNetwork))]
public sealed class NewContainerNetworkCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter] public string? Subnet { get; set; }
    [Parameter] public string? Gateway { get; set; }
    [Parameter] public string? IPRange { get; set; }
    [Parameter] public SwitchParameter Internal { get; set; }

    [Parameter]
    [ValidateSet("bridge", "macvlan", "ipvlan")]
    public string Driver { get; set; } = "bridge";

    /// <summary>Host interface for macvlan/ipvlan.</summary>
    [Parameter] public string? Parent { get; set; }

    /// <summary>Name of the bridge interface (bridge driver).</summary>
    [Parameter] public string? BridgeName { get; set; }

    /// <summary>Containers on the network do not get each other's names.</summary>
    [Parameter] public SwitchParameter DisableDns { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Create container network")) return;
        ForTarget(Name, () =>
        {
            var n = Engine.Networks.Create(new NetworkCreateOptions
            {
                Name = Name, Subnet = Subnet, Gateway = Gateway, IPRange = IPRange, Internal = Internal,
                Driver = Driver, Parent = Parent, BridgeName = BridgeName, DisableDns = DisableDns,
            });
            WriteObject(n);
        });
    }
}

/// <summary>Get-ContainerNetwork: list networks with their subnet, driver and containers.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerNetwork")]
[OutputType(typeof(ContainerNetwork))]
public sealed class GetContainerNetworkCommand : PscCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only networks no container is attached to, never the default one (what docker network prune removes).</summary>
    [Parameter] public SwitchParameter Unused { get; set; }

    private TargetResolver<ContainerNetwork>? _targets;

    protected override void ProcessRecord()
    {
        var store = Engine.Networks;
        store.EnsureDefault();
        var cn = Engine.Networking;
        // the Unused selection is NetworkCatalog's (Core), the same the system prune planner uses
        _targets ??= new(this, new NetworkCatalog(store, cn) { Unused = Unused });
        foreach (var n in _targets.SelectOrAll(Name))
        {
            n.Containers = cn.UsersOf(n.Name);
            WriteObject(n);
        }
    }
}

/// <summary>Remove-ContainerNetwork: delete a network; refused while containers use it unless -Force.</summary>
[Cmdlet(VerbsCommon.Remove, "ContainerNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerNetworkCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetworkNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Disconnect the containers that use it first, and do not ask for confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    private TargetResolver<ContainerNetwork>? _targets;

    protected override void ProcessRecord()
    {
        var cn = Engine.Networking;
        _targets ??= new(this, new NetworkCatalog(Engine.Networks));
        // docker's pre-defined names: "bridge" (and our "default") is the default network, as -Network takes them;
        // "host" and "none" are modes, not networks. Each is refused as docker refuses it, not "No such network".
        var names = new List<string>();
        foreach (var name in Name)
        {
            if (NetworkChoice.NamesDefaultNetwork(name))
                WriteEngineError(PscException.InvalidOperation(ErrorIds.DefaultNetworkRemoval,
                    $"'{name}' is the default network ({NetworkStore.DefaultNetworkName}), which containers join when no -Network is given; it cannot be removed (docker refuses to remove its pre-defined networks too).", name), name);
            else if (NetworkChoice.NamesMode(name))
                WriteEngineError(PscException.InvalidOperation(ErrorIds.DefaultNetworkRemoval,
                    $"'{name}' is a pre-defined network (a mode of -Network, not a network of the store); it cannot be removed.", name), name);
            else names.Add(name);
        }
        if (names.Count == 0) return;
        ForEachTarget(_targets.Select(names.ToArray()), n =>
        {
            // refused before ShouldProcess: -WhatIf must not say "What if" for a removal the engine would refuse
            cn.CheckRemovable(n.Name, Force);
            if (ShouldProcessOrForce(Force, n.Name, "Remove container network")) cn.RemoveNetwork(n.Name, Force, CancellationToken);
        });
    }
}

/// <summary>
/// Connect-ContainerNetwork: record another network in a container's endpoints (joined at every start) and, when it
/// runs, attach it now (CNI ADD into its namespace); writes the live attachment, nothing for a stopped container.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "ContainerNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(NetworkAttachment))]
public sealed class ConnectContainerNetworkCommand : ContainerNetworkAttachmentCmdletBase
{
    [Parameter] public string? IPAddress { get; set; }
    [Parameter] public string[]? Alias { get; set; }

    protected override string Action => $"Connect to network '{Network}'";

    protected override void Act(ContainerManager containers, Container container)
    {
        if (RunPumped((p, ct) => containers.ConnectNetwork(container, Network, IPAddress, Alias, ct)) is { } live) WriteObject(live);
    }

    protected override void Act(ContainerNetworking networking, ContainerNetworkState container)
    {
        var s = RunPumped((p, ct) => networking.Connect(container.ContainerId, Network, IPAddress, Alias, ct));
        WriteObject(s.Networks.First(a => a.Network == Network));
    }
}

/// <summary>Disconnect-ContainerNetwork: remove a network from a container's endpoints and, when attached, detach it (CNI DEL).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ContainerNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisconnectContainerNetworkCommand : ContainerNetworkAttachmentCmdletBase
{
    /// <summary>Accepted for docker compatibility (disconnect is always forced to release the address).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override string Action => $"Disconnect from network '{Network}'";

    protected override void Act(ContainerManager containers, Container container) =>
        RunPumped((p, ct) => containers.DisconnectNetwork(container, Network, ct));

    protected override void Act(ContainerNetworking networking, ContainerNetworkState container) =>
        RunPumped((p, ct) => networking.Disconnect(container.ContainerId, Network, ct));
}
