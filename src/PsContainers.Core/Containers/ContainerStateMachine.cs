namespace PsContainers.Core.Containers;

/// <summary>The lifecycle operations whose legality depends on the container's state.</summary>
public enum ContainerOperation
{
    Start,
    Stop,
    Kill,
    Pause,
    Resume,
    Restart,
    Remove,
    /// <summary>Remove -Force: a running container is stopped first.</summary>
    ForceRemove,
    Rename,
    /// <summary>Update-Container (docker update): limits and restart policy, legal in every state but removing.</summary>
    Update,
    Exec,
    /// <summary>Top and Stats: read the processes of a running (or paused) container.</summary>
    ReadProcesses,
    /// <summary>ConvertTo-ContainerImage (docker commit): legal in every state but removing.</summary>
    Commit,
}

/// <summary>
/// The one place that says which operation is legal in which state (docker's names for the states).
/// Start and Stop on a container already in the target state are no-ops in the manager, not errors:
/// <see cref="CanStart"/> and <see cref="CanStop"/> say whether there is work to do.
/// </summary>
/// <remarks>
/// <code>
///               Start  Stop  Kill  Pause  Resume  Restart  Remove  Remove -Force  Rename  Exec  Top/Stats
///   created       x     -     -     -      -        x        x          x          x      -      -
///   running       -     x     x     x      -        x        -          x          x      x      x
///   paused        -     x     x     -      x        x        -          x          x      -      x
///   restarting    -     x     x     -      -        x        -          x          x      x      x
///   exited        x     -     -     -      -        x        x          x          x      -      -
///   dead          x     -     -     -      -        x        x          x          x      -      -
///   removing      -     -     -     -      -        -        -          -          -      -      -
/// </code>
/// Update (docker update) and Commit (docker commit) are legal wherever Rename is.
/// </remarks>
public static class ContainerStateMachine
{
    private static bool IsRunning(ContainerStatus s) => s is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;

    public static bool CanStart(ContainerStatus s) => s is ContainerStatus.Created or ContainerStatus.Exited or ContainerStatus.Dead;
    public static bool CanStop(ContainerStatus s) => IsRunning(s);
    public static bool CanKill(ContainerStatus s) => IsRunning(s);
    public static bool CanPause(ContainerStatus s) => s == ContainerStatus.Running;
    public static bool CanResume(ContainerStatus s) => s == ContainerStatus.Paused;
    public static bool CanRestart(ContainerStatus s) => s != ContainerStatus.Removing;
    public static bool CanRemove(ContainerStatus s, bool force) => s != ContainerStatus.Removing && (force || !IsRunning(s));
    public static bool CanRename(ContainerStatus s) => s != ContainerStatus.Removing;
    public static bool CanExec(ContainerStatus s) => s is ContainerStatus.Running or ContainerStatus.Restarting;
    public static bool CanReadProcesses(ContainerStatus s) => IsRunning(s);

    public static bool Can(ContainerStatus s, ContainerOperation op) => op switch
    {
        ContainerOperation.Start => CanStart(s),
        ContainerOperation.Stop => CanStop(s),
        ContainerOperation.Kill => CanKill(s),
        ContainerOperation.Pause => CanPause(s),
        ContainerOperation.Resume => CanResume(s),
        ContainerOperation.Restart => CanRestart(s),
        ContainerOperation.Remove => CanRemove(s, force: false),
        ContainerOperation.ForceRemove => CanRemove(s, force: true),
        ContainerOperation.Rename => CanRename(s),
        ContainerOperation.Update => CanRename(s),
        ContainerOperation.Commit => CanRename(s),
        ContainerOperation.Exec => CanExec(s),
        ContainerOperation.ReadProcesses => CanReadProcesses(s),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>Throws <see cref="InvalidStateException"/> unless <paramref name="op"/> is legal in <paramref name="status"/>.</summary>
    public static void Require(ContainerStatus status, ContainerOperation op, string name)
    {
        if (!Can(status, op)) throw new InvalidStateException(status, op, name);
    }

    public static void Require(Container c, ContainerOperation op) => Require(c.State.Status, op, c.Name);
}
