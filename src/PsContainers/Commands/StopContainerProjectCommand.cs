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
    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve) =>
        orchestrator.Stop(project, services, timeout, approve, CancellationToken);
}
