namespace PsContainers.Core.Compose;

/// <summary>What Start-ContainerProject asks of <see cref="ProjectOrchestrator.Up"/> (docker compose up -d's flags).</summary>
public sealed class ProjectUpOptions
{
    /// <summary>Only these services (and, unless <see cref="NoDeps"/>, those they depend on); empty = all.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];
    /// <summary>Do not start the dependencies of <see cref="Services"/> (--no-deps).</summary>
    public bool NoDeps { get; init; }
    /// <summary>Recreate every container, changed or not (--force-recreate).</summary>
    public bool ForceRecreate { get; init; }
    /// <summary>Never recreate an existing container, even when its configuration changed (--no-recreate).</summary>
    public bool NoRecreate { get; init; }
    /// <summary>Remove the project's containers whose service the model no longer has (--remove-orphans).</summary>
    public bool RemoveOrphans { get; init; }
    /// <summary>After starting, wait until every container runs (healthy when it has a healthcheck) (--wait).</summary>
    public bool Wait { get; init; }
    /// <summary>The longest <see cref="Wait"/> waits, and the longest one dependency condition is waited for; null: no limit.</summary>
    public TimeSpan? WaitTimeout { get; init; }
    /// <summary>The pull policy for every service (always, missing, never; docker compose up --pull) over each service's
    /// pull_policy; null: each service's own (default missing). See <see cref="ProjectOrchestrator.ImagesToPull"/>.</summary>
    public Images.PullPolicy? Pull { get; init; }
    /// <summary>Build the images of services with a build section even when they exist (docker compose up --build);
    /// without it only missing ones are built (and those whose pull_policy is build). See <see cref="ProjectOrchestrator.ImagesToBuild"/>.</summary>
    public bool Build { get; init; }
    /// <summary>Replicas per service name, over the files' scale and deploy.replicas (docker compose up --scale svc=N).</summary>
    public IReadOnlyDictionary<string, int> Scale { get; init; } = new Dictionary<string, int>();
}
