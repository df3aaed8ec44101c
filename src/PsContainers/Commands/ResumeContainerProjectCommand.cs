using System.Management.Automation;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Resume-ContainerProject: thaw the paused containers of a project, or of some services (docker compose unpause), all
/// at the same time. The work is <see cref="ProjectOrchestrator.Unpause"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "ContainerProject", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class ResumeContainerProjectCommand : ContainerProjectServiceCmdletBase
{
    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve,
        ICollection<PsContainers.Core.PscException> failures) =>
        orchestrator.Unpause(project, services, approve, CancellationToken, failures);
}
