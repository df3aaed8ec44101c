namespace PsContainers.Core.Compose;

/// <summary>One IPAM <c>config</c> entry of a project network (spec.md "ipam").</summary>
public sealed class ContainerProjectSubnet
{
    /// <summary>CIDR ("10.5.0.0/16").</summary>
    public string Subnet { get; init; } = "";
    public string? IpRange { get; init; }
    public string? Gateway { get; init; }

    public override string ToString() => Subnet;
}
