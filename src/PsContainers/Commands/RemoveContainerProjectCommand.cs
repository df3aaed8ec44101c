using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Remove-ContainerProject: stop and remove a compose project (docker compose down): its containers in reverse
/// dependency order (one-off containers stay), then its networks (not external ones), and with -Volumes its named
/// volumes (not external) and its containers' anonymous volumes. The project is named (-Name, a project from
/// Get-ContainerProject or Import-ContainerProject down the pipeline) or loaded from its files (-Path; neither: the
/// files found from the current location, as docker compose down in the project's directory). ConfirmImpact
/// is Medium, High with -Volumes (data goes). The work is <see cref="ProjectOrchestrator.Down"/>.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerProject", DefaultParameterSetName = "Name", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ContainerProjectChange))]
public sealed class RemoveContainerProjectCommand : PscCmdlet
{
    /// <summary>The project's name (docker compose -p); a project object binds by its Name. With -Path: the name instead of the one the files give. Neither: the project of the compose files found from the current location.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
    [Parameter(ParameterSetName = "Path")]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [Alias("ProjectName")]
    public string[]? Name { get; set; }

    /// <summary>The compose files of the project (docker compose -f); the project name comes from them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    public string[]? Path { get; set; }

    /// <summary>Also remove the project's named volumes and the containers' anonymous volumes (-v).</summary>
    [Parameter] public SwitchParameter Volumes { get; set; }
    /// <summary>With -Path: also remove containers of services the files no longer define (--remove-orphans). By name every container of the project goes.</summary>
    [Parameter] public SwitchParameter RemoveOrphans { get; set; }
    /// <summary>Seconds to wait after the stop signal before SIGKILL (-t); default: each container's stop timeout.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] public int Timeout { get; set; } = -1;
    /// <summary>Output what was removed.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var orchestrator = new ProjectOrchestrator(Engine);
        var options = new ProjectDownOptions { Volumes = Volumes, RemoveOrphans = RemoveOrphans, Timeout = Timeout >= 0 ? Timeout : null };
        // neither -Name nor -Path: the project of the compose files found from the current location (docker compose down in its directory)
        if (ParameterSetName == "Path" || Name is not { Length: > 0 })
        {
            var load = new ComposeLoadOptions
            {
                Files = Path?.Select(GetUnresolvedProviderPathFromPSPath).ToList() ?? [],
                ProjectName = Name is { Length: > 0 } n ? n[0] : null,
                CurrentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            };
            if (!ForTarget(load.Files.FirstOrDefault() ?? load.CurrentDirectory, () => ComposeLoader.Load(load), out var project)) return;
            Down(orchestrator, project.Name, project, options);
            return;
        }
        foreach (var n in Name!) Down(orchestrator, n, null, options);
    }

    private void Down(ProjectOrchestrator orchestrator, string name, ContainerProject? model, ProjectDownOptions options)
    {
        if (Volumes && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !MyInvocation.BoundParameters.ContainsKey("WhatIf")
            && ConfirmPreferenceAtMost(ConfirmImpact.High) && !Confirm(() => ShouldContinue($"Remove project '{name}' with its volumes? Their data is deleted.", "Remove-ContainerProject -Volumes"), name, "-Confirm:$false"))
            return;
        var failures = new List<PsContainers.Core.PscException>();
        var progress = new ProjectProgressWriter(this, "Remove-ContainerProject", name, model?.Services.Count ?? 0);
        if (ForTarget(name, () => orchestrator.Down(name, model, options, c => ShouldProcess(c.Target, $"Remove {c.Kind} ({c.Reason})"), CancellationToken, failures, progress.Write), out var done) && PassThru)
            WriteObject(done, enumerateCollection: true);
        progress.Complete();
        foreach (var e in failures) WriteEngineError(e);
    }

    /// <summary>Whether $ConfirmPreference asks for operations of <paramref name="impact"/> (High is asked unless the preference is None).</summary>
    private bool ConfirmPreferenceAtMost(ConfirmImpact impact) =>
        GetVariableValue("ConfirmPreference") is ConfirmImpact pref ? pref != ConfirmImpact.None && pref <= impact : true;
}
