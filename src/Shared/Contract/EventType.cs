namespace PsContainers.Contract;

/// <summary>
/// The kind of object an engine event is about: docker's event <c>Type</c> ("container", "image", "volume",
/// "network"; docker also has daemon, plugin, node... which a daemonless engine does not produce).
/// </summary>
public enum EventType
{
    Container,
    Image,
    Volume,
    Network,
}
