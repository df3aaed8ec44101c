using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Containers;
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

    private TargetResolver<Container>? _targets;

    protected override void ProcessRecord()
    {
        var cn = Engine.Networking;
        IEnumerable<ContainerNetworkState> selected;
        if (Container is null || Container.Length == 0) selected = cn.AllStates();
        else
        {
            // containers are named as everywhere (TargetResolver); one without a network has no ports (docker port writes nothing)
            _targets ??= new(this, new ContainerCatalog(Engine.ContainerStore));
            selected = _targets.Select(Container).Select(c => cn.GetState(c.Id)).OfType<ContainerNetworkState>().ToList();
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
                WriteObject(p);
            }
    }
}
