using System.Net;
using System.Net.Sockets;

namespace PsContainers.Core.Networking;

/// <summary>Small IPv4 subnet arithmetic for IPAM choices and validation.</summary>
public readonly record struct Ipv4Subnet(uint Network, int Prefix)
{
    public uint Mask => Prefix == 0 ? 0u : uint.MaxValue << (32 - Prefix);
    public uint Broadcast => Network | ~Mask;
    public bool Contains(uint ip) => (ip & Mask) == Network;
    public bool Overlaps(Ipv4Subnet o) => Contains(o.Network) || o.Contains(Network);
    public string FirstHost => ToIp(Network + 1);
    public override string ToString() => $"{ToIp(Network)}/{Prefix}";

    public static Ipv4Subnet Parse(string cidr)
    {
        if (!TryParse(cidr, out var s))
            throw new InvalidArgumentException(ErrorIds.InvalidSubnet, $"'{cidr}' is not an IPv4 subnet in CIDR form (like 10.89.5.0/24).", cidr);
        return s;
    }

    public static bool TryParse(string? cidr, out Ipv4Subnet subnet)
    {
        subnet = default;
        if (string.IsNullOrWhiteSpace(cidr)) return false;
        var parts = cidr.Trim().Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], out int prefix) || prefix < 0 || prefix > 32) return false;
        if (!TryParseIp(parts[0], out uint ip)) return false;
        var s = new Ipv4Subnet(0, prefix);
        subnet = new Ipv4Subnet(ip & s.Mask, prefix);
        return true;
    }

    public static bool TryParseIp(string? s, out uint ip)
    {
        ip = 0;
        if (s is null || !IPAddress.TryParse(s, out var a) || a.AddressFamily != AddressFamily.InterNetwork || s.Count(c => c == '.') != 3) return false;
        var b = a.GetAddressBytes();
        ip = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        return true;
    }

    public static string ToIp(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
}
