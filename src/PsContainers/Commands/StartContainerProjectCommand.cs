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
    /// <summary>Replicas per service, over the files' scale and deploy.replicas (docker compose up --scale web=3): @{ web = 3 }.</summary>
    [Parameter] public System.Collections.Hashtable? Scale { get; set; }
    /// <summary>Pull policy for every service over its pull_policy (docker compose up --pull): Always, Missing or Never.</summary>
    [Parameter]
    [ValidateSet("Always", "Missing", "Never")]
    public string? Pull { get; set; }
    /// <summary>Build the images of services with a build section before starting, even when they exist (docker compose up
    /// --build); without it, only missing images are built.</summary>
    [Parameter] public SwitchParameter Build { get; set; }
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
            if (LoadProject(Service) is not { } loaded) return;
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
            Scale = Scales(),
            Pull = Pull is null ? null : Enum.Parse<Core.Images.PullPolicy>(Pull, ignoreCase: true),
            Build = Build,
        };
        var orchestrator = new ProjectOrchestrator(Engine);
        foreach (var project in _projects)
        {
            if (!ForTarget(project.Name, () => PullImages(orchestrator, project, up), out bool pulled) || !pulled) continue;
            if (!BuildImages(orchestrator, project, up)) continue;
            var failures = new List<PscException>();
            var progress = new ProjectProgressWriter(this, "Start-ContainerProject", project);
            if (ForTarget(project.Name, () => orchestrator.Up(project, up, Approve, WriteWarning, CancellationToken, progress.Write, failures), out var containers) && PassThru)
                WriteObject(containers, enumerateCollection: true);
            progress.Complete();
            foreach (var e in failures) WriteEngineError(e);
        }
    }

    /// <summary>
    /// The pull step of up: each image <see cref="ProjectOrchestrator.ImagesToPull"/> names is pulled (ShouldProcess
    /// "Pull image", progress as Request-ContainerImage writes it), a short name resolved as Request-ContainerImage
    /// resolves it (registries.conf: an alias, else its unqualified-search-registries in order, else docker.io, as
    /// podman-compose pulls through podman). False when a pull failed (the error is written): the project is then not
    /// converged, as docker compose up stops when a pull fails.
    /// </summary>
    private bool PullImages(ProjectOrchestrator orchestrator, ContainerProject project, ProjectUpOptions up)
    {
        var images = orchestrator.ImagesToPull(project, up);
        if (images.Count == 0) return true;
        var registry = Engine.Registry;
        var options = registry.LoadOptions();
        bool ok = true;
        foreach (var image in images)
        {
            if (!ForTarget(image, () => registry.Resolve(image), out var resolution)) { ok = false; continue; }
            string target = string.Join(", ", resolution.Candidates);
            if (!ShouldProcess(target, "Pull image")) continue;
            ok &= ForTarget(image, () => RunPumped((sink, ct) => registry.Puller(sink, options: options).Pull(resolution, null, ct)));
        }
        return ok;
    }

    /// <summary>
    /// The build step of up (after the pull, before any container changes): each service
    /// <see cref="ProjectOrchestrator.ImagesToBuild"/> names is built as Build-ContainerImage builds (ShouldProcess "Build
    /// image", progress per step). False when a build failed (the error is written, its message naming the service):
    /// the project is then not converged, as docker compose up stops when a build fails.
    /// </summary>
    private bool BuildImages(ProjectOrchestrator orchestrator, ContainerProject project, ProjectUpOptions up)
    {
        if (!ForTarget(project.Name, () => orchestrator.ImagesToBuild(project, up), out var services)) return false;
        bool ok = true;
        foreach (var service in services)
        {
            string image = ServiceContainerOptions.ImageName(project, service);
            if (!ShouldProcess($"{image} (service {service.Name}, context {service.Build!.Context})", "Build image")) continue;
            ok &= ForTarget(service.Name, () => BuildServiceImage(project, service, "Start-ContainerProject: build " + service.Name), out _);
        }
        return ok;
    }

    /// <summary>-Scale as service → replicas; a value that is not a whole number is InvalidScale.</summary>
    private Dictionary<string, int> Scales()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Scale is null) return d;
        foreach (System.Collections.DictionaryEntry e in Scale)
        {
            object? v = e.Value is PSObject pso ? pso.BaseObject : e.Value;
            string key = e.Key.ToString()!;
            if (!int.TryParse(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n))
                ThrowEngineError(PscException.InvalidArgument(ErrorIds.InvalidScale, $"-Scale {key}={v} is not a whole number of replicas.", key));
            d[key] = n;
        }
        return d;
    }

    /// <summary>ShouldProcess for one change: "Recreate container (config-hash … → …)" on the container's name.</summary>
    private bool Approve(ContainerProjectChange change) =>
        ShouldProcess(change.Target, $"{change.Action} {change.Kind} ({change.Reason})");
}
