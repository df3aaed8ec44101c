using System.Net;

namespace PsContainers.Core.Networking;

/// <summary>
/// One extra /etc/hosts entry of a container (docker <c>--add-host</c>, compose <c>extra_hosts</c>): a host name and
/// the address it resolves to inside the container.
/// </summary>
/// <param name="Name">The host name, as given (no whitespace).</param>
/// <param name="Address">An IPv4 or IPv6 address (without brackets), or <see cref="HostGateway"/>.</param>
public sealed record ExtraHost(string Name, string Address)
{
    /// <summary>docker's special address: the gateway of the container's first network (the host, seen from inside).</summary>
    public const string HostGateway = "host-gateway";

    /// <summary>
    /// Parse docker's forms (opts.ValidateExtraHost): "name=address" or "name:address", split at the first '=' or,
    /// without one, at the first ':' (so "name:::1" is name → ::1); an IPv6 address may be in brackets
    /// ("name=[::1]"). The address is an IP address or "host-gateway".
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidExtraHost: no separator, an empty or blank name, or an address that is neither.</exception>
    public static ExtraHost Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim();
        int sep = s.IndexOf('=');
        if (sep < 0) sep = s.IndexOf(':');
        if (sep <= 0) throw Invalid(text, "is not of the form name:address");
        string name = s[..sep].Trim(), address = s[(sep + 1)..].Trim();
        if (name.Length == 0 || name.Any(char.IsWhiteSpace)) throw Invalid(text, "has no valid host name");
        if (address.StartsWith('[') && address.EndsWith(']')) address = address[1..^1];
        if (address != HostGateway && !IsIPAddress(address)) throw Invalid(text, $"has '{address}', which is not an IP address or {HostGateway}");
        return new ExtraHost(name, address);
    }

    /// <summary>
    /// Whether <paramref name="text"/> is an IP address as Go's net.ParseIP reads one (what docker checks): four
    /// dotted decimal parts of 0-255, or an IPv6 address (with colons); not the short or numeric IPv4 forms .NET
    /// also accepts ("10.0.0", "167772161").
    /// </summary>
    public static bool IsIPAddress(string text)
    {
        if (text.Contains(':')) return IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>The line of /etc/hosts: the address, a tab, the name; <paramref name="gateway"/> stands in for host-gateway (null: no line).</summary>
    public string? HostsLine(string? gateway)
    {
        string? ip = Address == HostGateway ? gateway : Address;
        return ip is null ? null : ip + "\t" + Name;
    }

    /// <summary>docker inspect's HostConfig.ExtraHosts form: "name:address".</summary>
    public override string ToString() => Name + ":" + Address;

    private static InvalidArgumentException Invalid(string text, string why) =>
        new(ErrorIds.InvalidExtraHost, $"Extra host '{text}' {why} (docker --add-host: name:address, name=address, or name:host-gateway).", text);
}
