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
/// The one place that says which operation is legal in which state (docker's names for the states), and which
/// operation has nothing to do (<see cref="IsNoOp"/>): Start of a running or restarting container and Stop of one that
/// does not run succeed without acting, as docker answers them (304 Not Modified); Start of a paused container is an
/// error, as docker's "cannot start a paused container, try unpause instead" (ContainerPaused). Callers decide with
/// <see cref="Decide"/>.
/// </summary>
/// <remarks>
/// <code>
///               Start  Stop  Kill  Pause  Resume  Restart  Remove  Remove -Force  Rename  Exec  Top/Stats
///   created       x     0     -     -      -        x        x          x          x      -      -
///   running       0     x     x     x      -        x        -          x          x      x      x
///   paused        -     x     x     -      x        x        -          x          x      -      x
///   restarting    0     x     x     -      -        x        -          x          x      x      x
///   exited        x     0     -     -      -        x        x          x          x      -      -
///   dead          x     0     -     -      -        x        x          x          x      -      -
///   removing      -     -     -     -      -        -        -          -          -      -      -
/// </code>
/// x: legal; 0: a no-op (<see cref="IsNoOp"/>); -: <see cref="InvalidStateException"/>. Update (docker update) and
/// Commit (docker commit) are legal wherever Rename is.
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

    /// <summary>
    /// Whether <paramref name="op"/> has nothing to do in <paramref name="s"/> and succeeds without acting (docker's 304
    /// Not Modified): Start of a running or restarting container, Stop of a created, exited or dead one. Paused is never
    /// a no-op: Start of it is refused (ContainerPaused), Stop thaws and stops it.
    /// </summary>
    public static bool IsNoOp(ContainerStatus s, ContainerOperation op) => op switch
    {
        ContainerOperation.Start => s is ContainerStatus.Running or ContainerStatus.Restarting,
        ContainerOperation.Stop => s is ContainerStatus.Created or ContainerStatus.Exited or ContainerStatus.Dead,
        _ => false,
    };

    /// <summary>
    /// Decide <paramref name="op"/> on <paramref name="c"/> as just loaded: false when it has nothing to do
    /// (<see cref="IsNoOp"/>), true when it is legal and must act.
    /// </summary>
    /// <exception cref="InvalidStateException">Illegal in the container's status (e.g. ContainerPaused for Start of a paused container).</exception>
    public static bool Decide(Container c, ContainerOperation op)
    {
        if (IsNoOp(c.State.Status, op)) return false;
        Require(c, op);
        return true;
    }

    /// <summary>Throws <see cref="InvalidStateException"/> unless <paramref name="op"/> is legal in <paramref name="status"/>.</summary>
    public static void Require(ContainerStatus status, ContainerOperation op, string name)
    {
        if (!Can(status, op)) throw new InvalidStateException(status, op, name);
    }

    public static void Require(Container c, ContainerOperation op) => Require(c.State.Status, op, c.Name);
}
