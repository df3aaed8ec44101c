using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// What Stop- and Restart-ContainerProject share: a running project by name (or a project object's Name down the
/// pipeline), optional services, a stop timeout, -PassThru, and one ShouldProcess per container.
/// </summary>
public abstract class ContainerProjectServiceCmdletBase : PscCmdlet
{
    /// <summary>The project's name; project objects bind by their Name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [Alias("ProjectName")]
    public string[]? Name { get; set; }

    /// <summary>Only the containers of these services.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    /// <summary>Seconds after the stop signal before SIGKILL; default: each container's stop timeout.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] public int Timeout { get; set; } = -1;

    /// <summary>Output the containers afterwards.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    /// <summary>The orchestrator's operation for one project.</summary>
    protected abstract IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve);

    protected override void ProcessRecord()
    {
        var orchestrator = new ProjectOrchestrator(Engine);
        foreach (var n in Name!)
        {
            if (ForTarget(n, () => Run(orchestrator, n, Service ?? [], Timeout >= 0 ? Timeout : null,
                    c => ShouldProcess(c.Target, $"{c.Action} container ({c.Service})")), out var containers) && PassThru)
                WriteObject(containers, enumerateCollection: true);
        }
    }
}
