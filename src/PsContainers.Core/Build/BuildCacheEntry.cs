namespace PsContainers.Core.Build;

/// <summary>
/// One build cache entry: a step's key and the image the step produced (Get-ContainerBuildCache, Clear-ContainerSystem
/// -BuildCache).
/// </summary>
public sealed record BuildCacheEntry
{
    /// <summary>The step's cache key ("sha256:…"): parent image, expanded instruction, visible build args, content digest.</summary>
    public string Key { get; init; } = "";
    /// <summary>The image id ("sha256:…", the config digest) the step produced.</summary>
    public string ImageId { get; init; } = "";
    /// <summary>The step as it appears in the image history (created_by).</summary>
    public string CreatedBy { get; init; } = "";
    /// <summary>When the entry was recorded (UTC).</summary>
    public DateTime Created { get; init; }
    /// <summary>When a build last reused the entry (UTC); equal to <see cref="Created"/> before any reuse.</summary>
    public DateTime LastUsed { get; init; }
    /// <summary>False when the image the entry names is no longer in the store (the entry can no longer hit).</summary>
    public bool InUse { get; init; }
}
