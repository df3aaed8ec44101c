namespace PsContainers.Runtime;

/// <summary>
/// The status of a container in the OCI runtime spec (runtime.md "State": creating is never observed here because
/// create holds the state until it is written). <see cref="RuntimeStatusText.Text"/> gives the spec's lower-case word.
/// </summary>
internal enum RuntimeStatus
{
    /// <summary>"created": the environment exists, the user program has not been started (the exec fifo waits).</summary>
    Created,
    /// <summary>"running": the user program runs.</summary>
    Running,
    /// <summary>"paused": the container's cgroup is frozen (runc's extension of the spec).</summary>
    Paused,
    /// <summary>"stopped": the container's init has exited.</summary>
    Stopped,
}
