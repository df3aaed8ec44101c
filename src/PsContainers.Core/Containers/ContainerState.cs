namespace PsContainers.Core.Containers;

/// <summary>The runtime state: what the monitor recorded, reconciled with what is alive.</summary>
public sealed class ContainerState
{
    public ContainerStatus Status { get; set; } = ContainerStatus.Created;
    public bool Running => Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;
    public bool Paused => Status == ContainerStatus.Paused;
    /// <summary>docker inspect's State.Restarting: the restart policy is restarting it (<see cref="ContainerStatus.Restarting"/>).</summary>
    public bool Restarting => Status == ContainerStatus.Restarting;
    /// <summary>docker inspect's State.Dead: the container could not be stopped or removed cleanly (<see cref="ContainerStatus.Dead"/>).</summary>
    public bool Dead => Status == ContainerStatus.Dead;
    public int Pid { get; set; }
    public int MonitorPid { get; set; }
    public int? ExitCode { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int RestartCount { get; set; }
    public string? Error { get; set; }
    /// <summary>
    /// docker inspect's State.OOMKilled: the kernel's OOM killer killed a process of the container's memory cgroup
    /// during the run that ended (read by pscmon from memory.oom_control's oom_kill on cgroup v1, memory.events on
    /// v2, before the cgroup is deleted). False while running and after a start.
    /// </summary>
    public bool OOMKilled { get; set; }
    /// <summary>
    /// The healthcheck's results as the monitor recorded them (docker inspect's State.Health), or null when the
    /// container has no active healthcheck. Starting until the first probe result of a run.
    /// </summary>
    public ContainerHealth? Health { get; set; }

    /// <summary>
    /// Recorded as running, but its monitor is gone: reported exited from what is known until
    /// <see cref="ContainerManager.Reconcile"/> cleans up what it left and records the exit.
    /// </summary>
    internal bool MonitorLost { get; set; }
}
