namespace PsContainers.Core.Compose;

/// <summary>
/// A network a service joins (spec.md "networks" of a service): the key of the project's network, the extra DNS
/// aliases it is known by there (besides its service name and container name), fixed addresses and priority.
/// </summary>
public sealed class ContainerProjectServiceNetwork
{
    /// <summary>The network's key in the project (<c>default</c> for the implicit one), not its engine name.</summary>
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public string? Ipv4Address { get; init; }
    public string? Ipv6Address { get; init; }
    public string? MacAddress { get; init; }
    /// <summary>The order in which the service joins its networks (higher first); 0 by default.</summary>
    public int Priority { get; init; }

    public override string ToString() => Name;
}
