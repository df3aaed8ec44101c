using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// What Stop-, Restart-, Suspend-, Resume- and Wait-ContainerProject share: a running project by name (or a project
/// object's Name down the pipeline), optional services, -PassThru, one ShouldProcess per container, and each service's
/// failure written as an error naming the service once the others are done.
/// </summary>
public abstract class ContainerProjectServiceCmdletBase : PscCmdlet
{
    /// <summary>
    /// The project's name; project objects bind by their Name. Omitted: the project of the compose files found from
    /// the current location (their name:, else the directory's name), as docker compose stop, restart, pause, unpause
    /// and wait run in the project's directory; no compose file there is the loader's error.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [Alias("ProjectName")]
    public string[]? Name { get; set; }

    /// <summary>Only the containers of these services.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    /// <summary>The -Timeout of the cmdlets that have one (seconds), else null.</summary>
    protected virtual int? TimeoutSeconds => null;

    /// <summary>Output the containers without -PassThru (Wait-ContainerProject, whose result they are).</summary>
    protected virtual bool AlwaysPassThru => false;

    /// <summary>Output the containers afterwards.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    /// <summary>Progress of the project being handled (<see cref="ProjectProgressWriter"/>), for the operations that report it.</summary>
    protected Action<ContainerProjectProgress>? Progress { get; private set; }

    /// <summary>The orchestrator's operation for one project.</summary>
    /// <param name="failures">Collects each service's failure (the others still go on); written as errors afterwards.</param>
    protected abstract IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout,
        ProjectOrchestrator.Approve approve, ICollection<PsContainers.Core.PscException> failures);

    protected override void ProcessRecord()
    {
        var orchestrator = new ProjectOrchestrator(Engine);
        string[] names = Name ?? [];
        if (names.Length == 0)
        {
            var here = new ComposeLoadOptions { CurrentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath };
            if (!ForTarget(here.CurrentDirectory, () => ComposeLoader.Load(here).Name, out var name)) return;
            names = [name];
        }
        foreach (var n in names)
        {
            var failures = new List<PsContainers.Core.PscException>();
            var progress = new ProjectProgressWriter(this, MyInvocation.MyCommand.Name, n, 0);
            Progress = progress.Write;
            if (ForTarget(n, () => Run(orchestrator, n, Service ?? [], TimeoutSeconds,
                    c => ShouldProcess(c.Target, $"{c.Action} container ({c.Service})"), failures), out var containers) && (PassThru || AlwaysPassThru))
                WriteObject(containers, enumerateCollection: true);
            progress.Complete();
            foreach (var e in failures) WriteEngineError(e);
        }
    }
}
