using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Volumes;

namespace PsContainers.Commands;

/// <summary>
/// Turns the network, port and volume parameters of New-Container / Invoke-ContainerImage (-Publish, -PublishAll,
/// -IPAddress, -Tmpfs, -Mount) into create options. Everything is parsed here (mounts by the one
/// <see cref="MountParser"/>; -Volume strings by the same parser in ContainerManager.Create), so bad input fails
/// before anything is created.
/// </summary>
public static class NetworkCreateParameters
{
    public static void Apply(ContainerCreateOptions o, string[]? publish, bool publishAll, string? ipAddress, string[]? tmpfs, string[]? mount)
    {
        // the ports are parsed here, once; host ports of 0 and ranges are resolved at start
        foreach (var p in publish ?? []) o.Publish.AddRange(PortParser.Parse(p));
        o.PublishAll = publishAll;
        if (!string.IsNullOrEmpty(ipAddress))
        {
            if (!Ipv4Subnet.TryParseIp(ipAddress, out _))
                throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ipAddress}' is not an IPv4 address.", ipAddress);
            o.IPAddress = ipAddress;
        }
        foreach (var t in tmpfs ?? []) o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseTmpfs(t)));
        foreach (var spec in mount ?? []) o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseMount(spec)));
    }
}
