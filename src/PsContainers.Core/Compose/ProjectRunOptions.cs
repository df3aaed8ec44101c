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
    /// <summary>The container's name instead of <c>&lt;project&gt;-&lt;service&gt;-run-&lt;slug&gt;</c> (--name).</summary>
    public string? Name { get; init; }
    /// <summary>The entrypoint instead of the service's (--entrypoint); null: the service's; empty: none (the image's is cleared).</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary>KEY=VALUE entries added to the service's environment, winning over it (-e KEY=VALUE); a bare KEY takes the host's value.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];
    /// <summary>The user instead of the service's (-u, "name|uid[:group|gid]").</summary>
    public string? User { get; init; }
    /// <summary>The working directory instead of the service's (-w, absolute).</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>Keep standard input open (-i; docker compose run's default when attached).</summary>
    public bool Interactive { get; init; }
    /// <summary>Allocate a terminal (-t).</summary>
    public bool Tty { get; init; }
    /// <summary>The longest a dependency condition is waited for; null: no limit.</summary>
    public TimeSpan? WaitTimeout { get; init; }
}
