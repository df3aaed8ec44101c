using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Volumes;

namespace PsContainers.Commands;

/// <summary>
/// Turns the network, port and mount parameters of New-Container / Invoke-ContainerImage (-Publish, -PublishAll,
/// -IPAddress, -Volume, -Tmpfs, -Mount) into create options. Everything is parsed here, once (ports by
/// <see cref="PortParser"/>, mounts by the one <see cref="MountParser"/> into the record's <see cref="MountSpec"/>), so
/// bad input fails before anything is pulled or created and ContainerManager.Create parses nothing again.
/// </summary>
public static class PortAndMountParameters
{
    /// <summary>Fill <paramref name="o"/>'s Publish, PublishAll, IPAddress and Mounts (-Volume, then -Tmpfs, then -Mount, in the order given).</summary>
    /// <param name="volume">docker -v values (<see cref="MountParser.ParseVolume"/>).</param>
    /// <param name="resolvePath">Resolves a -Volume host path that starts with '.' or '~' (relative, or a PowerShell
    /// path) to a file system path: the cmdlet's current location, not the process's current directory.</param>
    /// <exception cref="PscException">InvalidPort, InvalidIPAddress, InvalidVolume, InvalidVolumeName, InvalidMountSpec.</exception>
    public static void Apply(ContainerCreateOptions o, string[]? publish, bool publishAll, string? ipAddress, string[]? volume, string[]? tmpfs, string[]? mount,
        Func<string, string> resolvePath)
    {
        // the ports are parsed here, once; host ports of 0 and ranges are resolved at start
        foreach (var p in publish ?? []) o.Publish.AddRange(ParsePublish(p));
        o.PublishAll = publishAll;
        if (!string.IsNullOrEmpty(ipAddress))
        {
            if (!Ipv4Subnet.TryParseIp(ipAddress, out _))
                throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ipAddress}' is not an IPv4 address.", ipAddress);
            o.IPAddress = ipAddress;
        }
        foreach (var v in volume ?? [])
        {
            // a host path (the part before the first ':') that is relative or a PowerShell path is resolved here; a
            // value without ':' is a container path (an anonymous volume), which the parser wants absolute
            int colon = v.IndexOf(':');
            string spec = colon > 0 && (v.StartsWith('.') || v.StartsWith('~')) ? resolvePath(v[..colon]) + v[colon..] : v;
            o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseVolume(spec)));
        }
        foreach (var t in tmpfs ?? []) o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseTmpfs(t)));
        foreach (var spec in mount ?? []) o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseMount(spec)));
    }

    /// <summary>
    /// One -Publish value (<see cref="PortParser.Parse(string)"/>). A value that fails and reads as a name (a letter
    /// outside IPv6's hex digits before any '/', as 'busybox') most likely is the image taken by docker's -P: PowerShell
    /// binds -P to -p, -Publish's alias, so <c>Invoke-ContainerImage -P busybox</c> gives -Publish 'busybox'; the
    /// InvalidPortSpec error then says that docker's -P is -PublishAll.
    /// </summary>
    private static List<PortMapping> ParsePublish(string spec)
    {
        try { return PortParser.Parse(spec); }
        catch (InvalidArgumentException e) when (e.ErrorId == ErrorIds.InvalidPortSpec && LooksLikeName(spec))
        {
            throw new InvalidArgumentException(ErrorIds.InvalidPortSpec,
                $"{e.Message} If '{spec}' is the image: docker's -P (publish every exposed port) is -PublishAll here, and -p is -Publish, which took '{spec}'.", spec, e);
        }
    }

    private static bool LooksLikeName(string spec) =>
        spec.Split('/')[0].Any(ch => char.IsLetter(ch) && !Uri.IsHexDigit(ch));
}
