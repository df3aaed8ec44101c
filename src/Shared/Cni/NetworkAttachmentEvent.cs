using System.Text.Json.Nodes;
using PsContainers.Contract;

namespace PsContainers.Cni;

/// <summary>
/// The journal events of a container joining or leaving a network (docker's <c>network connect</c> and
/// <c>network disconnect</c>): made in one place for the engine (a start's network setup, Connect-/Disconnect-
/// ContainerNetwork, the teardown at stop or removal) and for pscmon's net-release (the poststop hook that releases a
/// stopped container's network), so every path writes the same shape. docker (daemon/events.go LogNetworkEventWithAttributes)
/// writes Actor.ID = the network's id and attributes <c>container</c> (the container's full id), <c>name</c> (the
/// network's name) and <c>type</c> (its driver); here a network's id is its name.
/// </summary>
public static class NetworkAttachmentEvent
{
    /// <summary>docker's action words.</summary>
    public const string Connect = "connect", Disconnect = "disconnect";

    /// <summary>The event, stamped now. <paramref name="driver"/> null or empty is written as "unknown".</summary>
    /// <param name="action"><see cref="Connect"/> or <see cref="Disconnect"/>.</param>
    /// <param name="network">The network's name.</param>
    /// <param name="driver">The network's driver: its main CNI plugin type (<see cref="DriverOf"/>), e.g. "bridge".</param>
    /// <param name="containerId">The container's full id.</param>
    public static EngineEvent Of(string action, string network, string? driver, string containerId) =>
        EngineEvent.Now(EventType.Network, action, network, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = network,
            ["type"] = string.IsNullOrEmpty(driver) ? "unknown" : driver,
            ["container"] = containerId,
        });

    /// <summary>A configuration list's driver: the type of its <see cref="CniPlugins.MainPlugin"/>; null when it has no plugins.</summary>
    public static string? DriverOf(JsonObject? conflist) => conflist is null ? null : (string?)CniPlugins.MainPlugin(conflist)?["type"];
}
