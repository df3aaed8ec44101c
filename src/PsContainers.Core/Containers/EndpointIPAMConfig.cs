namespace PsContainers.Core.Containers;

/// <summary>
/// docker inspect's NetworkSettings.Networks[name].IPAMConfig (and docker's create request's EndpointsConfig
/// IPAMConfig): the fixed address asked for on that network.
/// </summary>
public sealed class EndpointIPAMConfig
{
    /// <summary>A fixed IPv4 address (dotted quad, -IPAddress), or null for the next free one.</summary>
    public string? IPv4Address { get; set; }
}
