namespace PsContainers.Core.Compose;

/// <summary>
/// A published or exposed port of a service, in the compose-spec long syntax (spec.md "ports": <c>target</c>,
/// <c>published</c>, <c>host_ip</c>, <c>protocol</c>, <c>mode</c>, <c>name</c>, <c>app_protocol</c>). The short form
/// <c>[ip:][host[-range]:]container[-range][/proto]</c> (docker's -p syntax) is read by the engine's port parser and
/// turned into one entry per container port.
/// </summary>
public sealed class ContainerProjectPort
{
    /// <summary>The container port (1-65535).</summary>
    public int Target { get; init; }
    /// <summary>The host port or range ("8080", "8000-8010"); null when the engine picks a free host port.</summary>
    public string? Published { get; init; }
    /// <summary>The host address to bind ("127.0.0.1", "::1"); null for every address.</summary>
    public string? HostIp { get; init; }
    /// <summary>"tcp" (the default), "udp" or "sctp".</summary>
    public string Protocol { get; init; } = "tcp";
    /// <summary>"ingress" (the default) or "host" (Swarm's distinction; the same locally).</summary>
    public string Mode { get; init; } = "ingress";
    /// <summary>A human-readable name for the port, or null.</summary>
    public string? Name { get; init; }
    /// <summary>The application protocol ("http", "grpc"...), or null.</summary>
    public string? AppProtocol { get; init; }

    /// <summary>
    /// The engine's value of this port, what -Publish makes of the same host address, ports and protocol
    /// (<see cref="Networking.PortParser"/>, parsed once when the project is loaded): 0.0.0.0 and :: read as every
    /// address (""), no published port as HostPort 0 (any free port at start), a published range for the target as
    /// any free port of it. Each container created from the service gets a copy (<see cref="Networking.PortMapping.Copy"/>).
    /// </summary>
    public Networking.PortMapping Mapping { get; init; } = new();

    public override string ToString() =>
        (HostIp is null ? "" : HostIp.Contains(':') ? $"[{HostIp}]:" : HostIp + ":") + (Published is null ? "" : Published + ":") + $"{Target}/{Protocol}";
}
