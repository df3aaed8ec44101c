using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Invoke-ContainerProject: run a one-off container of a service (docker compose run): the services it depends on are
/// converged first (unless -NoDeps), then a container <c>&lt;project&gt;-&lt;service&gt;-run-&lt;12 hex&gt;</c>
/// labelled oneoff True runs the service's definition with the given command, attached like Invoke-ContainerImage
/// (stdout to the pipeline, stderr as errors, the exit code in $LASTEXITCODE) or in the background with -Detach.
/// The preparation is <see cref="ProjectOrchestrator.PrepareRun"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ContainerProject", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(Container))]
public sealed class InvokeContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>A project from Import-ContainerProject.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public ContainerProject? InputObject { get; set; }

    /// <summary>The service whose definition the container takes.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string Service { get; set; } = "";

    /// <summary>The command and its arguments instead of the service's (after the files, or after '--').</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    public string[] Command { get; set; } = [];

    /// <summary>Remove the container when it exits (docker compose run --rm).</summary>
    [Parameter] [Alias("Rm")] public SwitchParameter Remove { get; set; }
    /// <summary>Start it in the background and output the container (docker compose run -d).</summary>
    [Parameter] public SwitchParameter Detach { get; set; }
    /// <summary>Do not start the services it depends on (--no-deps).</summary>
    [Parameter] public SwitchParameter NoDeps { get; set; }
    /// <summary>Publish the service's ports (--service-ports); by default a one-off container publishes none.</summary>
    [Parameter] public SwitchParameter ServicePorts { get; set; }

    private readonly List<ContainerProject> _projects = [];

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _projects.Add(InputObject);
        else CollectPaths();
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == "Path" && LoadProject([Service]) is { } loaded) _projects.Add(loaded);
        var orchestrator = new ProjectOrchestrator(Engine);
        var run = new ProjectRunOptions { Service = Service, Command = Command, NoDeps = NoDeps, ServicePorts = ServicePorts, Remove = Remove };
        foreach (var project in _projects)
        {
            if (!ShouldProcess($"{project.Name}/{Service}", "Run a one-off container")) continue;
            if (!ForTarget(Service, () => Manager.Create(orchestrator.PrepareRun(project, run, _ => true, WriteWarning, CancellationToken), CancellationToken), out var c))
            {
                SetLastExitCode(StartFailure.EngineError);
                continue;
            }
            RunCreated(c, Detach, Remove, () => RunAttached(c, stdin: false));
        }
    }
}
