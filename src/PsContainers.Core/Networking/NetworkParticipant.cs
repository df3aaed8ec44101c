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

    /// <summary>Label keys under which create-time choices that have no field in the container record are kept.</summary>
    public const string IPAddressLabel = "io.pscontainers.network.ip";
    public const string AliasesLabel = "io.pscontainers.network.aliases";
    public const string PublishAllLabel = "io.pscontainers.network.publish-all";

    public string Name => "network";

    public void Create(Container c, ContainerCreateOptions o, ResolvedImage image)
    {
        bool publishAll = o.Labels.TryGetValue(PublishAllLabel, out var pa) && pa == "true";
        c.Config.Labels.Remove(PublishAllLabel, out _);
        var nets = NormalizeNetworks(o.Networks);
        string mode = nets.Contains("host") ? "host" : nets.Contains("none") ? "none" : "bridge";
        if (mode != "bridge" && nets.Count > 1)
            throw new PscException("InvalidNetworkMode", PscErrorCategory.InvalidArgument, $"-Network {mode} cannot be combined with other networks.", string.Join(",", nets));
        var ports = PortParser.ParseAll(o.Publish);
        if (mode != "bridge" && ports.Count > 0)
            throw new PscException("PublishNeedsNetwork", PscErrorCategory.InvalidArgument, $"Ports cannot be published with -Network {mode}.", mode);
        if (mode == "bridge")
        {
            foreach (var n in nets.Where(n => n != NetworkStore.DefaultNetworkName))
                if (_networks.Get(n) is null)
                    throw new PscException("NetworkNotFound", PscErrorCategory.ObjectNotFound, $"No network named '{n}' (create it with New-ContainerNetwork).", n);
        }
        // -PublishAll publishes the image's EXPOSEd ports on random host ports
        if (publishAll)
        {
            if (mode != "bridge") throw new PscException("PublishNeedsNetwork", PscErrorCategory.InvalidArgument, $"Ports cannot be published with -Network {mode}.", mode);
            var published = ports.Select(p => $"{p.ContainerPort}/{p.Protocol}").ToHashSet();
            foreach (var e in PortParser.FromExposed(image.ExposedPorts))
                if (published.Add($"{e.ContainerPort}/{e.Protocol}")) o.Publish.Add($"{e.ContainerPort}/{e.Protocol}");
        }
        c.HostConfig.NetworkMode = mode;
        c.HostConfig.Networks = nets.ToArray();
        // canonical docker-ps form for fixed ports; random ones are known once the container starts (Get-ContainerPort)
        c.HostConfig.PortBindings = o.Publish.Select(PortParser.Canonical).ToArray();
    }

    public void ContributeSpec(Container c, RuntimeSpec spec, string bundle)
    {
        // a restart: what the previous run set up is released first
        _networking.Teardown(c.Id);
        var req = new NetworkSetupRequest
        {
            ContainerId = c.Id,
            ContainerName = c.Name,
            Hostname = c.HostConfig.NetworkMode == "host" ? null : c.Config.Hostname,
            Networks = NormalizeNetworks(c.HostConfig.Networks.Length > 0 ? c.HostConfig.Networks : new[] { c.HostConfig.NetworkMode }),
            Ports = PortParser.ParseAll(c.HostConfig.PortBindings),
            IPAddress = c.Config.Labels.TryGetValue(IPAddressLabel, out var ip) && ip.Length > 0 ? ip : null,
            Aliases = c.Config.Labels.TryGetValue(AliasesLabel, out var al) ? al.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList() : new(),
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
            if ((state.Mode != "host" || state.Networks.Count > 0) && !c.HostConfig.RestartPolicy.Restarts)
            {
                // the runtime releases the network when the container has stopped (also for -Rm and killed containers).
                // Not with a restart policy: the monitor restarts the same bundle, which needs the namespace; such a
                // container keeps its network until it is removed (never auto-removed: -Remove excludes restarts).
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
                if (state.Mode == "host" && f.Destination == "/etc/resolv.conf") continue;
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

    private static List<string> NormalizeNetworks(IEnumerable<string> nets)
    {
        var list = nets.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim())
            .Select(n => n is "bridge" or "default" ? NetworkStore.DefaultNetworkName : n).Distinct().ToList();
        if (list.Count == 0) list.Add(NetworkStore.DefaultNetworkName);
        return list;
    }
}
