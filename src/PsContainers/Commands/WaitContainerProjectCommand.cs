using System.Management.Automation;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Wait-ContainerProject: wait until the containers of a project, or of some services, meet a condition (docker compose
/// up --wait, docker compose wait): Healthy (the default: healthy when the container has a healthcheck, running
/// otherwise, as up --wait), Running, or Exited (then each container's ExitCode is the result, the CI idiom of
/// --exit-code-from). Every container is waited for at the same time; a service whose container times out, turns
/// unhealthy or is removed is written as an error naming the service. Outputs the containers (always, no -PassThru
/// needed). The work is <see cref="ProjectOrchestrator.Wait"/>.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "ContainerProject")]
[OutputType(typeof(Container))]
public sealed class WaitContainerProjectCommand : ContainerProjectServiceCmdletBase
{
    /// <summary>What to wait for: Healthy (default), Running or Exited.</summary>
    [Parameter]
    [ValidateSet("Healthy", "Running", "Exited")]
    public string Condition { get; set; } = "Healthy";

    /// <summary>Seconds to wait for each container before a WaitTimedOut error; default: no limit.</summary>
    [Parameter] [ValidateRange(1, int.MaxValue)] public int Timeout { get; set; }

    protected override int? TimeoutSeconds => Timeout > 0 ? Timeout : null;

    protected override bool AlwaysPassThru => true;

    protected override IReadOnlyList<Container> Run(ProjectOrchestrator orchestrator, string project, IReadOnlyCollection<string> services, int? timeout, ProjectOrchestrator.Approve approve,
        ICollection<PsContainers.Core.PscException> failures) =>
        orchestrator.Wait(project, services, Enum.Parse<WaitCondition>(Condition), timeout is int t ? TimeSpan.FromSeconds(t) : null, CancellationToken, failures);
}
