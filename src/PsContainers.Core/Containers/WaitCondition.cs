namespace PsContainers.Core.Containers;

/// <summary>What Wait-Container waits for (docker wait --condition, and compose's depends_on conditions).</summary>
public enum WaitCondition
{
    /// <summary>The container has exited (docker wait's default; a created container is waited for until it ran and exited).</summary>
    Exited,
    /// <summary>The container is running (compose's service_started).</summary>
    Running,
    /// <summary>The container's healthcheck reports healthy (compose's service_healthy).</summary>
    Healthy,
    /// <summary>The container no longer exists (docker wait --condition removed).</summary>
    Removed,
}
