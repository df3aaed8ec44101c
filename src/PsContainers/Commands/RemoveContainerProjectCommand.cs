using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Remove-ContainerProject: stop and remove a compose project (docker compose down): its containers in reverse
/// dependency order (one-off containers stay), then its networks (not external ones), and with -Volumes its named
/// volumes (not external) and its containers' anonymous volumes. The project is named (-Name, a project from
/// Get-ContainerProject or Import-ContainerProject down the pipeline) or loaded from its files (-Path). ConfirmImpact
/// is Medium, High with -Volumes (data goes). The work is <see cref="ProjectOrchestrator.Down"/>.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerProject", DefaultParameterSetName = "Name", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ContainerProjectChange))]
public sealed class RemoveContainerProjectCommand : PscCmdlet
{
    /// <summary>The project's name (docker compose -p); a project object binds by its Name. With -Path: the name instead of the one the files give.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Name")]
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
        if (ParameterSetName == "Path")
        {
            var load = new ComposeLoadOptions
            {
                Files = Path!.Select(GetUnresolvedProviderPathFromPSPath).ToList(),
                ProjectName = Name is { Length: > 0 } n ? n[0] : null,
                CurrentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            };
            if (!ForTarget(load.Files.FirstOrDefault(), () => ComposeLoader.Load(load), out var project)) return;
            Down(orchestrator, project.Name, project, options);
            return;
        }
        foreach (var n in Name!) Down(orchestrator, n, null, options);
    }

    private void Down(ProjectOrchestrator orchestrator, string name, ContainerProject? model, ProjectDownOptions options)
    {
        if (Volumes && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !MyInvocation.BoundParameters.ContainsKey("WhatIf")
            && ConfirmPreferenceAtMost(ConfirmImpact.High) && !AskToRemoveVolumes(name))
            return;
        var failures = new List<PsContainers.Core.PscException>();
        var progress = new ProjectProgressWriter(this, "Remove-ContainerProject", name, model?.Services.Count ?? 0);
        if (ForTarget(name, () => orchestrator.Down(name, model, options, c => ShouldProcess(c.Target, $"Remove {c.Kind} ({c.Reason})"), CancellationToken, failures, progress.Write), out var done) && PassThru)
            WriteObject(done, enumerateCollection: true);
        progress.Complete();
        foreach (var e in failures) WriteEngineError(e);
    }

    /// <summary>
    /// Ask before the volumes' data goes. A host that cannot prompt (pwsh -NonInteractive, whose ShouldContinue throws;
    /// a console whose input is closed, where the prompt's read fails) refuses with ConfirmationUnavailable
    /// (InvalidOperation, terminating) before anything is removed, as PowerShell's own cmdlets refuse to prompt there;
    /// -Confirm:$false removes without asking.
    /// </summary>
    private bool AskToRemoveVolumes(string name)
    {
        try
        {
            return ShouldContinue($"Remove project '{name}' with its volumes? Their data is deleted.", "Remove-ContainerProject -Volumes");
        }
        catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException or NullReferenceException or IOException or NotImplementedException)
        {
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(
                $"Remove-ContainerProject -Volumes asks before deleting the volumes of project '{name}', and this PowerShell host cannot ask " +
                "(it is non-interactive or its input is closed). Nothing was removed. Pass -Confirm:$false to remove the project with its volumes without asking.", e),
                ErrorIds.ConfirmationUnavailable, ErrorCategory.InvalidOperation, name));
            return false;
        }
    }

    /// <summary>Whether $ConfirmPreference asks for operations of <paramref name="impact"/> (High is asked unless the preference is None).</summary>
    private bool ConfirmPreferenceAtMost(ConfirmImpact impact) =>
        GetVariableValue("ConfirmPreference") is ConfirmImpact pref ? pref != ConfirmImpact.None && pref <= impact : true;
}
