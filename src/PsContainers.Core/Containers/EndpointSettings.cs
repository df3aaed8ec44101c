namespace PsContainers.Core.Containers;

/// <summary>
/// What a container asks of one network it joins, as docker's create request gives it (EndpointsConfig): a fixed
/// address and aliases. The container records it as a <see cref="ContainerEndpoint"/> (docker inspect's
/// NetworkSettings.Networks[name]), whose IPAddress is the address actually assigned while it runs.
/// </summary>
public sealed class EndpointSettings
{
    /// <summary>A fixed IPv4 address on this network (dotted quad, -IPAddress), or null for the next free one.</summary>
    public string? IPAddress { get; set; }

    /// <summary>Extra names the container answers to on this network, besides its name and short id.</summary>
    public string[] Aliases { get; set; } = [];
}
