namespace PsContainers.Core.Compose;

/// <summary>What Remove-ContainerProject asks of <see cref="ProjectOrchestrator.Down"/> (docker compose down's flags).</summary>
public sealed class ProjectDownOptions
{
    /// <summary>Also remove the project's named volumes (not external) and the containers' anonymous volumes (-v).</summary>
    public bool Volumes { get; init; }
    /// <summary>With a model: also remove containers of services the model no longer has (--remove-orphans). Without a model every project container goes.</summary>
    public bool RemoveOrphans { get; init; }
    /// <summary>Seconds to wait after the stop signal before SIGKILL; null: each container's own stop timeout (-t).</summary>
    public int? Timeout { get; init; }
}
