using PsContainers.Contract;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// Record a container event (docker's container events: create, kill, stop, restart, pause, unpause, rename,
    /// destroy from here; start, die and a -Remove run's destroy from its monitor) with the container's name and image.
    /// </summary>
    private void EmitEvent(Container c, string action, params (string Key, string? Value)[] attributes) =>
        _engine.Events.Emit(EventType.Container, action, c.Id, [("name", c.Name), ("image", c.Image), .. attributes]);
}
