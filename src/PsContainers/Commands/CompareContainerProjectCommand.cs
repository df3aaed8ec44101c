using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Compare-ContainerProject: what differs between a project's files and what exists (drift): per container, network
/// or volume, Missing, Extra, ConfigChanged (Start-ContainerProject would recreate it) or Stopped. Nothing means the
/// project is what the files say. The project comes from the files (-Path and the loader's options) or from
/// Import-ContainerProject (-InputObject). Reads only. The work is <see cref="ProjectOrchestrator.Compare"/>.
/// </summary>
[Cmdlet(VerbsData.Compare, "ContainerProject", DefaultParameterSetName = "Path")]
[OutputType(typeof(ContainerProjectDrift))]
public sealed class CompareContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>A project from Import-ContainerProject.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public ContainerProject? InputObject { get; set; }

    /// <summary>Only these services (orphans are then not reported).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    private readonly List<ContainerProject> _projects = [];

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _projects.Add(InputObject);
        else CollectPaths();
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == "Path" && LoadProject(Service) is { } loaded) _projects.Add(loaded);
        var orchestrator = new ProjectOrchestrator(Engine);
        foreach (var project in _projects)
            if (ForTarget(project.Name, () => orchestrator.Compare(project, Service ?? []), out var drift))
                WriteObject(drift, enumerateCollection: true);
    }
}
