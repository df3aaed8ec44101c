namespace PsContainers.Core.Compose;

/// <summary>What converging a project does to one resource (compose-notes §2.3, docker compose up's plan).</summary>
public enum ContainerProjectAction
{
    /// <summary>Up to date and running: nothing to do.</summary>
    None,
    /// <summary>Create the resource (a missing container replica, network or volume) and, for a container, start it.</summary>
    Create,
    /// <summary>Stop and remove the container, then create and start it again from the model.</summary>
    Recreate,
    /// <summary>Start the existing, stopped container as it is.</summary>
    Start,
    /// <summary>Stop and remove the container (a replica above the scale, an orphan).</summary>
    Remove,
    /// <summary>Stop the running container (Stop-ContainerProject).</summary>
    Stop,
    /// <summary>Stop the container if it runs and start it again (Restart-ContainerProject).</summary>
    Restart,
    /// <summary>Freeze the running container's processes (Suspend-ContainerProject, docker compose pause).</summary>
    Pause,
    /// <summary>Thaw the paused container (Resume-ContainerProject, docker compose unpause).</summary>
    Resume,
}
