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
    /// <summary>Project names or wildcard patterns; none lists every project.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<ContainerProjectSummary> all;
        try { all = new ProjectOrchestrator(Engine).List(); }
        catch (Exception e) { ThrowEngineError(e); return; }
        if (Name is null) { WriteObject(all, enumerateCollection: true); return; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in Name)
        {
            var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
            var hits = all.Where(p => pattern.IsMatch(p.Name)).ToList();
            if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                WriteEngineError(PscException.NotFound(ErrorIds.ProjectNotFound, $"No container of compose project '{n}' exists.", n), n);
            foreach (var p in hits) if (seen.Add(p.Name)) WriteObject(p);
        }
    }
}
