using System.Management.Automation;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Suspend-ContainerProject: freeze the running containers of a project, or of some services (docker compose pause),
/// all at the same time; Resume-ContainerProject thaws them. The work is <see cref="ProjectOrchestrator.Pause"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "ContainerProject", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class SuspendContainerProjectCommand : ContainerProjectServiceCmdletBase
{
    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve,
        ICollection<PsContainers.Core.PscException> failures) =>
        orchestrator.Pause(project, services, approve, CancellationToken, failures);
}
