namespace PsContainers.Core.Containers;

/// <summary>
/// One host binding of a published port as docker inspect writes it in NetworkSettings.Ports: both text,
/// <c>{"HostIp": "0.0.0.0", "HostPort": "8080"}</c>.
/// </summary>
/// <param name="HostIp">The host address ("0.0.0.0": every address).</param>
/// <param name="HostPort">The host port, in decimal.</param>
public sealed record PortBinding(string HostIp, string HostPort);
