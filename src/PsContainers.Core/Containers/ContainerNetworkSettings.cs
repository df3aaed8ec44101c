namespace PsContainers.Core.Containers;

/// <summary>
/// The networks a container joins, with its settings on each (docker inspect: NetworkSettings). Serialised like
/// docker's: <c>{"Networks": {"pscontainers": {"IPAddress": null, "Aliases": []}}}</c>.
/// </summary>
public sealed class ContainerNetworkSettings
{
    /// <summary>
    /// Network name to endpoint settings, in attachment order (the first is eth0). Empty for
    /// <see cref="NetworkMode.None"/> and <see cref="NetworkMode.Host"/>.
    /// </summary>
    public OrderedDictionary<string, EndpointSettings> Networks { get; set; } = new();
}
