// Part of the contract (src/Shared/Contract) but in the engine's namespace: the engine's public type, which pscmon
// compiles from the same file to write state.json.
namespace PsContainers.Core.Containers;

/// <summary>
/// Lifecycle states, as docker names them (State.Status). state.json records them in lower case ("running");
/// the engine may report a recorded Running as Paused (the paused marker) or as Exited (its monitor is gone).
/// </summary>
public enum ContainerStatus
{
    Created,
    Running,
    Paused,
    Restarting,
    Removing,
    Exited,
    Dead,
}
