namespace PsContainers.Core.Prune;

/// <summary>The kinds of object docker system prune removes, in the order it removes them.</summary>
public enum PruneKind
{
    /// <summary>A stopped container (created, exited or dead).</summary>
    Container,
    /// <summary>A network no container is attached to (never the default one).</summary>
    Network,
    /// <summary>An anonymous volume no container mounts (only with <see cref="PruneOptions.Volumes"/>).</summary>
    Volume,
    /// <summary>A nameless image no container uses, or with <see cref="PruneOptions.AllImages"/> any image no container uses.</summary>
    Image,
}
