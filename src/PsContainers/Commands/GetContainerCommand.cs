using System.Collections;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>Get-Container: list containers (running ones by default, like docker ps) with their full inspect data.</summary>
[Cmdlet(VerbsCommon.Get, "Container", DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class GetContainerCommand : ContainerCmdletBase
{
    [Parameter(Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>Include stopped containers (docker ps -a).</summary>
    [Parameter] public SwitchParameter All { get; set; }

    [Parameter] public ContainerStatus[]? Status { get; set; }

    /// <summary>'key' or 'key=value' filters (all must match).</summary>
    [Parameter] public string[]? Label { get; set; }

    /// <summary>Image reference or id (wildcards allowed).</summary>
    [Parameter] [SupportsWildcards] public string? Image { get; set; }

    /// <summary>Only containers whose healthcheck reports one of these (docker ps --filter health=...); None: no healthcheck.</summary>
    [Parameter] public HealthStatus[]? Health { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<Container> list;
        bool explicitTarget = false;
        try
        {
            if (ParameterSetName == "Id") { list = Resolve(null, Id, null); explicitTarget = true; }
            else if (Name is { Length: > 0 })
            {
                explicitTarget = Name.Any(n => !WildcardPattern.ContainsWildcardCharacters(n));
                list = Resolve(Name, null, null);
            }
            else list = Manager.Store.LoadAll().OrderByDescending(c => c.Created);
            // reading is pure; what Get-Container shows is reconciled (a container whose monitor is gone has what it
            // left cleaned up), never what tab completion reads
            list = list.Select(Manager.Reconcile).ToList();
        }
        catch (Exception e) { ThrowEngineError(e); return; }

        bool any = All || explicitTarget || Status is { Length: > 0 } || Health is { Length: > 0 };
        WildcardPattern? img = Image is null ? null : new WildcardPattern(Image, WildcardOptions.IgnoreCase);
        foreach (var c in list)
        {
            if (!any && !c.State.Running) continue;
            if (Status is { Length: > 0 } && !Status.Contains(c.State.Status)) continue;
            if (img is not null && !(img.IsMatch(c.Image) || img.IsMatch(c.ImageId) || img.IsMatch(c.ImageId.Replace("sha256:", "")) ||
                c.ImageId.Replace("sha256:", "").StartsWith(Image!, StringComparison.OrdinalIgnoreCase))) continue;
            if (Label is { Length: > 0 } && !Label.All(l => MatchLabel(c, l))) continue;
            if (Health is { Length: > 0 } && !Health.Contains(c.State.Health?.Status ?? HealthStatus.None)) continue;
            WriteObject(c);
        }
    }

    private static bool MatchLabel(Container c, string filter)
    {
        int eq = filter.IndexOf('=');
        if (eq < 0) return c.Config.Labels.ContainsKey(filter);
        return c.Config.Labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }
}
