using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Start-ContainerProject: converge a compose project and leave it running (docker compose up -d). The project comes
/// from the files (-Path and the loader's options) or from Import-ContainerProject (-InputObject). Networks and named
/// volumes are created, then each service in dependency order: its depends_on conditions are waited for and its
/// containers created, recreated (config hash changed), started or removed (above the scale). -WhatIf prints each
/// change with its reason. The work is <see cref="ProjectOrchestrator.Up"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "ContainerProject", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class StartContainerProjectCommand : ContainerProjectCmdletBase
{
    /// <summary>A project from Import-ContainerProject.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public ContainerProject? InputObject { get; set; }

    /// <summary>Only these services (and what they depend on, unless -NoDeps).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    /// <summary>Do not start the services the selected ones depend on (docker compose up --no-deps).</summary>
    [Parameter] public SwitchParameter NoDeps { get; set; }
    /// <summary>Recreate every container even when its configuration did not change (--force-recreate).</summary>
    [Parameter] public SwitchParameter ForceRecreate { get; set; }
    /// <summary>Keep existing containers even when their configuration changed (--no-recreate).</summary>
    [Parameter] public SwitchParameter NoRecreate { get; set; }
    /// <summary>Remove containers of services the files no longer define (--remove-orphans).</summary>
    [Parameter] public SwitchParameter RemoveOrphans { get; set; }
    /// <summary>Wait until every container runs, healthy when it has a healthcheck (--wait).</summary>
    [Parameter] public SwitchParameter Wait { get; set; }
    /// <summary>Seconds -Wait (and each depends_on wait) may take before a WaitTimedOut error (--wait-timeout).</summary>
    [Parameter] [ValidateRange(1, int.MaxValue)] public int WaitTimeout { get; set; }
    /// <summary>Output the project's containers.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    private readonly List<ContainerProject> _projects = [];

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _projects.Add(InputObject);
        else CollectPaths();
    }

    protected override void EndProcessing()
    {
        if (ForceRecreate && NoRecreate)
            ThrowEngineError(PscException.InvalidArgument(ErrorIds.ConflictingOptions, "-ForceRecreate and -NoRecreate cannot be used together."));
        if (ParameterSetName == "Path")
        {
            var load = LoadOptions();
            var options = new ComposeLoadOptions
            {
                Files = load.Files, ProjectName = load.ProjectName, ProjectDirectory = load.ProjectDirectory, EnvironmentFiles = load.EnvironmentFiles,
                Profiles = load.Profiles, Environment = load.Environment, NoInterpolate = load.NoInterpolate, CurrentDirectory = load.CurrentDirectory,
                Services = Service ?? [],
            };
            if (!ForTarget(options.Files.FirstOrDefault(), () => ComposeLoader.Load(options), out var loaded)) return;
            WriteFindings(loaded.Warnings);
            _projects.Add(loaded);
        }
        var up = new ProjectUpOptions
        {
            Services = Service ?? [],
            NoDeps = NoDeps,
            ForceRecreate = ForceRecreate,
            NoRecreate = NoRecreate,
            RemoveOrphans = RemoveOrphans,
            Wait = Wait,
            WaitTimeout = WaitTimeout > 0 ? TimeSpan.FromSeconds(WaitTimeout) : null,
        };
        var orchestrator = new ProjectOrchestrator(Engine);
        foreach (var project in _projects)
        {
            if (ForTarget(project.Name, () => orchestrator.Up(project, up, Approve, WriteWarning, CancellationToken), out var containers) && PassThru)
                WriteObject(containers, enumerateCollection: true);
        }
    }

    /// <summary>ShouldProcess for one change: "Recreate container (config-hash … → …)" on the container's name.</summary>
    private bool Approve(ContainerProjectChange change) =>
        ShouldProcess(change.Target, $"{change.Action} {change.Kind} ({change.Reason})");
}
