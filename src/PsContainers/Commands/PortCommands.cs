using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Networking;

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

    protected override void ProcessRecord()
    {
        var cn = Engine.Networking;
        var all = cn.AllStates();
        IEnumerable<ContainerNetworkState> selected;
        if (Container is null || Container.Length == 0) selected = all;
        else
        {
            var list = new List<ContainerNetworkState>();
            foreach (var c in Container)
            {
                if (WildcardPattern.ContainsWildcardCharacters(c))
                {
                    var p = new WildcardPattern(c, WildcardOptions.IgnoreCase);
                    list.AddRange(all.Where(s => p.IsMatch(s.ContainerName ?? "") || p.IsMatch(s.ContainerId)));
                }
                else if (cn.Find(c) is ContainerNetworkState st) list.Add(st);
                else WriteNotFound(ErrorIds.ContainerNotFound, $"No container named '{c}' with a network.", c);
            }
            selected = list.DistinctBy(s => s.ContainerId);
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
