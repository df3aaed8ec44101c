namespace PsContainers.Core.Compose;

/// <summary>
/// How far one service of a project has come while the project is converged, stopped or removed (docker compose's
/// per-service progress lines, "Container shop-db-1  Healthy"): reported on the caller's thread by
/// <see cref="ProjectOrchestrator"/>, one record per step.
/// </summary>
public sealed class ContainerProjectProgress
{
    public string Project { get; init; } = "";
    /// <summary>The service the step is about.</summary>
    public string Service { get; init; } = "";
    /// <summary>The step in words: "Waiting for db (service_healthy)", "Creating app-web-2", "Started", "Failed: …".</summary>
    public string Status { get; init; } = "";
    /// <summary>True for the last record of the service (done or failed).</summary>
    public bool Completed { get; init; }

    public override string ToString() => $"{Service}: {Status}";
}
