using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Get-ContainerProject: the compose projects of the store, found from their containers' labels (docker compose ls
/// -a): name, status ("running(2/3)"), config files and working directory. A pure read of the store.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerProject")]
[OutputType(typeof(ContainerProjectSummary))]
public sealed class GetContainerProjectCommand : PscCmdlet
{
    /// <summary>Project names or wildcard patterns; none lists every project. -ProjectName too, as the other project cmdlets take it (docker compose -p).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [SupportsWildcards]
    [Alias("ProjectName")]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        List<Core.Containers.Container> all;
        try { all = Engine.ContainerStore.LoadAll(); }
        catch (Exception e) { ThrowEngineError(e); return; }
        if (Name is null) { WriteObject(ComposeProjectLookup.Summaries(all), enumerateCollection: true); return; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in Name)
        {
            if (!ForTarget(n, () => ComposeProjectLookup.Summaries(all, n), out var hits)) continue;
            if (hits.Count == 0 && ComposeProjectLookup.MissingIsError(n))
                WriteEngineError(ComposeProjectLookup.NotFound(n), n);
            foreach (var p in hits) if (seen.Add(p.Name)) WriteObject(p);
        }
    }
}
