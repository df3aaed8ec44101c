namespace PsContainers.Core.Containers;

/// <summary>
/// What a container asks of one network it joins (docker inspect: NetworkSettings.Networks[name], its IPAddress and
/// Aliases). Recorded at create time; the address actually assigned is in the network state (Get-ContainerNetwork).
/// </summary>
public sealed class EndpointSettings
{
    /// <summary>A fixed IPv4 address on this network (dotted quad, -IPAddress), or null for the next free one.</summary>
    public string? IPAddress { get; set; }

    /// <summary>Extra names the container answers to on this network, besides its name and short id.</summary>
    public string[] Aliases { get; set; } = [];
}
