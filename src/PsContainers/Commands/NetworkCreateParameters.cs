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
        foreach (var p in publish ?? [])
        {
            PortParser.Parse(p); // validates; the hook resolves host ports at start
            o.Publish.Add(p);
        }
        if (publishAll) o.Labels[NetworkParticipant.PublishAllLabel] = "true";
        if (!string.IsNullOrEmpty(ipAddress))
        {
            if (!Ipv4Subnet.TryParseIp(ipAddress, out _))
                throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ipAddress}' is not an IPv4 address.", ipAddress);
            o.Labels[NetworkParticipant.IPAddressLabel] = ipAddress;
        }
        foreach (var t in tmpfs ?? [])
        {
            var m = MountParser.ParseTmpfs(t);
            o.Tmpfs.Add(TmpfsEntry(m));
        }
        foreach (var spec in mount ?? [])
        {
            var m = MountParser.ParseMount(spec);
            switch (m.Type)
            {
                case "tmpfs": o.Tmpfs.Add(TmpfsEntry(m)); break;
                case "bind":
                    o.Mounts.Add(new MountPoint { Type = "bind", Source = Path.GetFullPath(m.Source!), Destination = m.Target, ReadOnly = m.ReadOnly, Options = m.Options.ToArray() });
                    break;
                default:
                    o.Mounts.Add(new MountPoint
                    {
                        Type = "volume", Source = m.Source ?? PsContainers.Core.Volumes.VolumeParticipant.NewAnonymousVolumeName(), Destination = m.Target, ReadOnly = m.ReadOnly,
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
            o.Mounts.Add(new MountPoint { Type = "volume", Source = PsContainers.Core.Volumes.VolumeParticipant.NewAnonymousVolumeName(), Destination = m.Target, Options = ["anonymous"] });
            o.Volumes.RemoveAt(i);
        }
    }

    private static string TmpfsEntry(MountRequest m)
    {
        var opts = new List<string> { "nosuid", "nodev" };
        opts.AddRange(m.Options);
        if (!m.Options.Any(x => x.StartsWith("mode="))) opts.Add("mode=1777");
        if (m.ReadOnly) opts.Add("ro");
        return m.Target + ":" + string.Join(',', opts.Distinct());
    }
}
