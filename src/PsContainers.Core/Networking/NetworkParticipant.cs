using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Networking;

/// <summary>
/// Networks and published ports in the container lifecycle: checks the network options when a container is created
/// (the mode, the networks exist, ports only on a bridge, -PublishAll's EXPOSEd ports), sets up the network namespace,
/// the CNI attachments and the /etc files before each start (the runtime joins the namespace by path; a poststop hook
/// releases the attachments when the container stops), and releases all of it when the container exits or is removed.
/// </summary>
public sealed class NetworkParticipant : IContainerParticipant
{
    private readonly PscPaths _paths;
    private readonly NetworkStore _networks;
    private readonly ContainerNetworking _networking;

    /// <summary>Made by <see cref="Engine"/> over its stores.</summary>
    public NetworkParticipant(PscPaths paths, NetworkStore networks, ContainerNetworking networking)
    {
        _paths = paths;
        _networks = networks;
        _networking = networking;
    }

    public string Name => "network";

    /// <summary>
    /// Checks what <see cref="ContainerManager.Create"/> decided (<see cref="NetworkChoice.Decide"/>): ports only on a
    /// bridge, the named networks exist; with -PublishAll adds the image's EXPOSEd
    /// ports (not published already) to PortBindings, on host port 0 (chosen at start).
    /// </summary>
    /// <exception cref="PscException">PublishNeedsNetwork, NetworkNotFound, InvalidDnsServer, DnsNeedsOwnNetwork (nothing is written).</exception>
    public void Create(Container c, ContainerCreateOptions o, ResolvedImage image)
    {
        var mode = c.HostConfig.NetworkMode;
        string modeName = NetworkChoice.Name(mode);
        var ports = c.HostConfig.PortBindings;
        if (mode != NetworkMode.Bridge && (ports.Count > 0 || c.HostConfig.PublishAllPorts))
            throw new PscException(ErrorIds.PublishNeedsNetwork, PscErrorCategory.InvalidArgument, $"Ports cannot be published in network mode '{modeName}'.", modeName) { Remedy = Remedy.PublishOnBridge };
        // docker: "Conflicting options: dns and the network mode" on the host's network, whose resolv.conf is the host's
        if (mode == NetworkMode.Host && (c.HostConfig.Dns.Length + c.HostConfig.DnsSearch.Length + c.HostConfig.DnsOptions.Length) > 0)
            throw new PscException(ErrorIds.DnsNeedsOwnNetwork, PscErrorCategory.InvalidArgument,
                "-Dns, -DnsSearch and -DnsOption cannot be used with -Network host: the container uses the host's resolver configuration.", modeName);
        foreach (var d in c.HostConfig.Dns)
            if (!System.Net.IPAddress.TryParse(d, out _))
                throw new PscException(ErrorIds.InvalidDnsServer, PscErrorCategory.InvalidArgument, $"-Dns '{d}' is not an IP address.", d);
        foreach (var n in c.NetworkSettings.Networks.Keys)
            if (n != NetworkStore.DefaultNetworkName && _networks.Get(n) is null)
                throw new PscException(ErrorIds.NetworkNotFound, PscErrorCategory.ObjectNotFound, $"No network named '{n}'.", n) { Remedy = Remedy.CreateNetwork };
        // -PublishAll publishes the image's EXPOSEd ports on random host ports
        if (c.HostConfig.PublishAllPorts)
        {
            var published = ports.Select(p => $"{p.ContainerPort}/{p.Protocol}").ToHashSet();
            foreach (var e in PortParser.FromExposed(image.ExposedPorts))
                if (published.Add($"{e.ContainerPort}/{e.Protocol}")) ports.Add(e);
        }
    }

    public void ContributeSpec(Container c, RuntimeSpec spec, string bundle)
    {
        // a restart, or a start that failed halfway: what the previous setup left is released first
        if (_networking.HasLeftovers(c.Id)) _networking.Teardown(c.Id);
        var req = new NetworkSetupRequest
        {
            ContainerId = c.Id,
            ContainerName = c.Name,
            Hostname = c.HostConfig.NetworkMode == NetworkMode.Host ? null : c.Config.Hostname,
            Networks = c.HostConfig.NetworkMode == NetworkMode.Bridge ? c.NetworkSettings.Networks.Keys.ToList() : [NetworkChoice.Name(c.HostConfig.NetworkMode)],
            Endpoints = c.NetworkSettings.Networks,
            Ports = c.HostConfig.PortBindings,
            Dns = c.HostConfig.Dns.ToList(), DnsSearch = c.HostConfig.DnsSearch.ToList(), DnsOptions = c.HostConfig.DnsOptions.ToList(),
        };
        var state = _networking.Setup(req);
        try
        {
            spec.Mounts ??= new List<SpecMount>();
            var taken = spec.Mounts.Select(m => m.Destination).ToHashSet();
            if (state.NetnsPath is not null && spec.Linux?.Namespaces is { } nss)
            {
                var netNs = nss.FirstOrDefault(n => n.Type == "network");
                if (netNs is null) nss.Add(new SpecNamespace { Type = "network", Path = state.NetnsPath });
                else netNs.Path = state.NetnsPath;
            }
            if (state.NetnsPath is not null || state.Networks.Count > 0)
            {
                // the runtime releases the network when the container has stopped (also for -Rm and killed containers),
                // whatever stopped it (issue 10.9). Not with -Network none: its namespace is the runtime's and goes with
                // its last process, and its /etc files are the container's own (released at the next start or at
                // removal), so no hook runs on its exit. While a restart policy restarts it, the hook finds the state
                // Restarting and keeps the namespace for the same bundle; when the policy gives up it releases.
                spec.Hooks ??= new SpecHooks();
                spec.Hooks.Poststop ??= new List<SpecHook>();
                spec.Hooks.Poststop.Add(new SpecHook
                {
                    Path = ContainerManager.MonitorExecutable,
                    Args = ["pscmon", "net-release", _paths.Root, c.Id, state.SetupId],
                    Timeout = 30,
                });
            }
            foreach (var f in ContainerNetworking.FileMounts(state))
            {
                if (taken.Contains(f.Destination)) continue;
                if (state.Mode == "host" && f.Destination == "/etc/resolv.conf")
                {
                    // on the host's network the host's own resolver configuration applies, read-only (docker --network host)
                    if (File.Exists("/etc/resolv.conf"))
                        spec.Mounts.Add(new SpecMount { Destination = "/etc/resolv.conf", Type = "bind", Source = "/etc/resolv.conf", Options = ["rbind", "ro", "rprivate"] });
                    continue;
                }
                spec.Mounts.Add(new SpecMount { Destination = f.Destination, Type = "bind", Source = f.Source, Options = ["rbind", "rprivate"] });
            }
        }
        catch
        {
            try { _networking.Teardown(c.Id); } catch { }
            throw;
        }
    }

    public void Released(Container c) => _networking.Teardown(c.Id);

    public void Removed(Container c, bool removeVolumes)
    {
        _networking.Teardown(c.Id);
        try { File.Delete(_networking.ContainerLockPath(c.Id)); } catch (IOException) { }
    }
}
