namespace PsContainers.Contract;

/// <summary>
/// The kind of object an engine event is about: docker's event <c>Type</c> ("container", "image", "volume",
/// "network"; docker also has daemon, plugin, node... which a daemonless engine does not produce), and podman's
/// "pod".
/// </summary>
public enum EventType
{
    Container,
    Image,
    Volume,
    Network,
    /// <summary>A pod (podman's pod events: create, start, stop, kill, remove).</summary>
    Pod,
}
