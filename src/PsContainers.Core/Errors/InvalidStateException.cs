namespace PsContainers.Core.Containers;

/// <summary>
/// An operation that is not legal in the container's current state. The ErrorId says what is in the way
/// (ContainerNotRunning, ContainerPaused, ContainerNotPaused, ContainerRunning, ContainerRemoving). Removing a running
/// container without force carries <see cref="Remedy.StopOrForce"/>.
/// </summary>
public sealed class InvalidStateException : PscException
{
    public ContainerStatus Current { get; }
    public ContainerOperation Operation { get; }

    public InvalidStateException(ContainerStatus current, ContainerOperation operation, string name)
        : base(ErrorIdFor(current, operation), CategoryFor(current, operation), MessageFor(current, operation, name), name)
    {
        Current = current;
        Operation = operation;
        if (current != ContainerStatus.Removing && operation == ContainerOperation.Remove) Remedy = Remedy.StopOrForce;
    }

    private static string ErrorIdFor(ContainerStatus s, ContainerOperation op) => (s, op) switch
    {
        (ContainerStatus.Removing, _) => ErrorIds.ContainerRemoving,
        (ContainerStatus.Paused, ContainerOperation.Pause or ContainerOperation.Exec or ContainerOperation.Start) => ErrorIds.ContainerPaused,
        (_, ContainerOperation.Resume) => ErrorIds.ContainerNotPaused,
        (_, ContainerOperation.Remove or ContainerOperation.Start) => ErrorIds.ContainerRunning,
        _ => ErrorIds.ContainerNotRunning,
    };

    private static PscErrorCategory CategoryFor(ContainerStatus s, ContainerOperation op) =>
        s != ContainerStatus.Removing && op == ContainerOperation.Remove ? PscErrorCategory.ResourceBusy : PscErrorCategory.InvalidOperation;

    private static string MessageFor(ContainerStatus s, ContainerOperation op, string name) => (s, op) switch
    {
        (ContainerStatus.Removing, _) => $"Container '{name}' is being removed.",
        (ContainerStatus.Paused, ContainerOperation.Pause) => $"Container '{name}' is already paused.",
        (ContainerStatus.Paused, ContainerOperation.Exec or ContainerOperation.Start) => $"Container '{name}' is paused; resume it first.",
        (_, ContainerOperation.Resume) => $"Container '{name}' is not paused.",
        (_, ContainerOperation.Remove) => $"Container '{name}' is {s.ToString().ToLowerInvariant()}.",
        (_, ContainerOperation.Start) => $"Container '{name}' is already running.",
        _ => $"Container '{name}' is not running.",
    };
}
