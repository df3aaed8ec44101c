namespace PsContainers.Core.Compose;

/// <summary>
/// One difference between a project's files and what runs (Compare-ContainerProject; compose-notes §2.2 "is production
/// what the file says?"): per container, network or volume, what the files want and what exists.
/// </summary>
public sealed class ContainerProjectDrift
{
    public string Project { get; init; } = "";
    /// <summary>The service; null for a network or a volume, or an orphan container without a service label.</summary>
    public string? Service { get; init; }
    /// <summary>"container", "network" or "volume".</summary>
    public string Kind { get; init; } = "container";
    /// <summary>The engine name of the container, network or volume.</summary>
    public string Target { get; init; } = "";
    /// <summary>
    /// Missing (the files want it, it does not exist), Extra (it exists, the files do not want it: a replica above the
    /// scale, a container of a service the files no longer have), ConfigChanged (its config-hash label is not the
    /// service's hash: Start-ContainerProject would recreate it), ImageChanged (the same configuration, but the image
    /// the service names was built or pulled again: docker compose up recreates it too), Stopped (up to date but not running).
    /// </summary>
    public string Difference { get; init; } = "";
    /// <summary>What the files want ("replica 3 of 3", the service's config-hash, the image's current id "sha256:...", "running"), or null.</summary>
    public string? Desired { get; init; }
    /// <summary>What exists (the container's config-hash, its image id, its state), or null.</summary>
    public string? Actual { get; init; }

    public override string ToString() => $"{Difference} {Kind} {Target}";
}
