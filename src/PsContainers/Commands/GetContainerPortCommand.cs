using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Networking;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>Get-ContainerPort: the published ports of containers (docker port).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerPort")]
[OutputType(typeof(PortMapping))]
public sealed class GetContainerPortCommand : PscCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "Id")]
    [SupportsWildcards]
    public string[]? Container { get; set; }

    /// <summary>Only this container port ("80" or "80/tcp").</summary>
    [Parameter(Position = 1)]
    public string? ContainerPort { get; set; }

    private TargetResolver<ContainerNetworkState>? _targets;

    protected override void ProcessRecord()
    {
        var cn = Engine.Networking;
        IEnumerable<ContainerNetworkState> selected;
        if (Container is null || Container.Length == 0) selected = cn.AllStates();
        else
        {
            // containers are named as everywhere (TargetResolver), among those with a network
            _targets ??= new(this, new NetworkedContainerCatalog(cn));
            selected = _targets.Select(Container);
        }
        ContainerPortFilter? filter = null;
        if (ContainerPort is not null)
        {
            try { filter = ContainerPortFilter.Parse(ContainerPort); }
            catch (PscException e) { ThrowEngineError(e); return; }
        }
        foreach (var s in selected)
            foreach (var p in s.Ports)
            {
                if (filter is not null && !filter.Matches(p)) continue;
                p.ContainerId = s.ContainerId;
                p.ContainerName = s.ContainerName;
                // docker port's form: a binding on every address is 0.0.0.0, in the object (and its JSON) as in the view
                if (string.IsNullOrEmpty(p.HostIP)) p.HostIP = "0.0.0.0";
                WriteObject(p);
            }
    }
}
