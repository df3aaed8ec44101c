using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Volumes;

namespace PsContainers.Commands;

/// <summary>
/// Turns the network, port and volume parameters of New-Container / Invoke-ContainerImage (-Publish, -PublishAll,
/// -IPAddress, -Tmpfs, -Mount, and anonymous -Volume /path) into create options. Everything is parsed here, so bad
/// input fails before anything is created.
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
        foreach (var t in tmpfs ?? []) o.Mounts.Add(TmpfsSpec(MountParser.ParseTmpfs(t)));
        foreach (var spec in mount ?? [])
        {
            var m = MountParser.ParseMount(spec);
            switch (m.Type)
            {
                case "tmpfs": o.Mounts.Add(TmpfsSpec(m)); break;
                case "bind":
                    o.Mounts.Add(new MountSpec { Type = MountKind.Bind, Source = Path.GetFullPath(m.Source!), Destination = m.Target, ReadOnly = m.ReadOnly, Options = m.Options.ToArray() });
                    break;
                default:
                    o.Mounts.Add(new MountSpec
                    {
                        Type = MountKind.Volume, Source = m.Source ?? VolumeParticipant.NewAnonymousVolumeName(), Destination = m.Target, ReadOnly = m.ReadOnly,
                        Options = (m.Source is null ? new[] { "anonymous" } : []).Concat(m.NoCopy ? new[] { "nocopy" } : []).ToArray(),
                    });
                    break;
            }
        }
        // -Volume /path (no source): an anonymous volume
        for (int i = o.Volumes.Count - 1; i >= 0; i--)
        {
            if (o.Volumes[i].Contains(':')) continue;
            var m = MountParser.ParseVolume(o.Volumes[i]);
            o.Mounts.Add(new MountSpec { Type = MountKind.Volume, Source = VolumeParticipant.NewAnonymousVolumeName(), Destination = m.Target, Options = ["anonymous"] });
            o.Volumes.RemoveAt(i);
        }
    }

    private static MountSpec TmpfsSpec(MountRequest m) =>
        new() { Type = MountKind.Tmpfs, Destination = m.Target, ReadOnly = m.ReadOnly, Tmpfs = TmpfsMount.FromOptions(m.Options) };
}
