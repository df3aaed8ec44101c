using System.Management.Automation;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Restart-ContainerProject: stop a project's containers, or those of some services, in reverse dependency order and
/// start them again in dependency order (docker compose restart; stopped containers are started too). The
/// containers are not recreated: configuration changes need Start-ContainerProject. The work is
/// <see cref="ProjectOrchestrator.Restart"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "ContainerProject", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class RestartContainerProjectCommand : ContainerProjectServiceCmdletBase
{
    /// <summary>Seconds after the stop signal before SIGKILL; default: each container's stop timeout.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] public int Timeout { get; set; } = -1;

    protected override int? TimeoutSeconds => Timeout >= 0 ? Timeout : null;

    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve,
        ICollection<PsContainers.Core.PscException> failures) =>
        orchestrator.Restart(project, services, timeout, approve, CancellationToken, failures, Progress);
}
