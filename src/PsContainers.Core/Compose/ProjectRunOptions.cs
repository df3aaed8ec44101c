namespace PsContainers.Core.Compose;

/// <summary>What Invoke-ContainerProject asks of <see cref="ProjectOrchestrator.PrepareRun"/> (docker compose run's flags).</summary>
public sealed class ProjectRunOptions
{
    /// <summary>The service whose definition the one-off container takes.</summary>
    public string Service { get; init; } = "";
    /// <summary>The command instead of the service's (empty: the service's command).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>Do not start the services it depends on (--no-deps).</summary>
    public bool NoDeps { get; init; }
    /// <summary>Publish the service's ports (--service-ports); by default a one-off publishes none.</summary>
    public bool ServicePorts { get; init; }
    /// <summary>Remove the container when it exits (--rm).</summary>
    public bool Remove { get; init; }
    /// <summary>The longest a dependency condition is waited for; null: no limit.</summary>
    public TimeSpan? WaitTimeout { get; init; }
}
