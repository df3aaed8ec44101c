namespace PsContainers.Core.Prune;

/// <summary>What a system prune removes (docker system prune's flags).</summary>
public sealed record PruneOptions
{
    /// <summary>Every image no container uses, not only nameless ones (docker system prune -a).</summary>
    public bool AllImages { get; init; }

    /// <summary>Also anonymous volumes no container mounts (docker system prune --volumes; named volumes are kept, as docker 23+ does).</summary>
    public bool Volumes { get; init; }
}
