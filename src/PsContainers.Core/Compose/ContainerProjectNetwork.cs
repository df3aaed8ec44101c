namespace PsContainers.Core.Compose;

/// <summary>
/// A network of the project (spec.md "Networks top-level element"), including the implicit <c>default</c> one when a
/// service uses it. Its engine name is <c>&lt;project&gt;_&lt;key&gt;</c> unless <c>name:</c> is given or it is
/// <c>external</c> (then the key, or <c>name:</c>, names an existing network).
/// </summary>
public sealed class ContainerProjectNetwork
{
    /// <summary>The key in the file (<c>default</c> for the implicit network).</summary>
    public string Key { get; init; } = "";
    /// <summary>The engine's network name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The driver ("bridge" when null).</summary>
    public string? Driver { get; init; }
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();
    /// <summary>The network exists outside the project: never created nor removed by it.</summary>
    public bool External { get; init; }
    public bool Internal { get; init; }
    public bool Attachable { get; init; }
    public bool? EnableIpv6 { get; init; }
    /// <summary>IPAM subnets ("10.5.0.0/16"), with gateways where given (key subnet, value gateway or null).</summary>
    public IReadOnlyList<ContainerProjectSubnet> Subnets { get; init; } = [];
    public string? IpamDriver { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the network is declared ("file:line"), for errors about it; empty for the implicit default network.</summary>
    internal string Where { get; init; } = "";

    public override string ToString() => Name;
}
