using System.Management.Automation;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Stop-ContainerProject: stop a project's running containers, or those of some services, in reverse dependency order
/// (docker compose stop). Nothing is removed. The work is <see cref="ProjectOrchestrator.Stop"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "ContainerProject", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class StopContainerProjectCommand : ContainerProjectServiceCmdletBase
{
    /// <summary>Seconds after the stop signal before SIGKILL; default: each container's stop timeout.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] public int Timeout { get; set; } = -1;

    protected override int? TimeoutSeconds => Timeout >= 0 ? Timeout : null;

    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve,
        ICollection<PsContainers.Core.PscException> failures) =>
        orchestrator.Stop(project, services, timeout, approve, CancellationToken, failures, Progress);
}
