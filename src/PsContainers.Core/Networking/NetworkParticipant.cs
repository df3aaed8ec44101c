using PsContainers.Contract;
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
    private readonly ContainerStore? _containers;

    /// <summary>
    /// Made by <see cref="Engine"/> over its stores. <paramref name="containers"/> finds the other container of
    /// -Network container:x (without it that mode is refused as an unknown container).
    /// </summary>
    public NetworkParticipant(PscPaths paths, NetworkStore networks, ContainerNetworking networking, ContainerStore? containers = null)
    {
        _paths = paths;
        _networks = networks;
        _networking = networking;
        _containers = containers;
    }

    public string Name => "network";

    /// <summary>
    /// Checks what <see cref="ContainerManager.Create"/> decided (<see cref="NetworkChoice.Decide"/>): ports only on a
    /// bridge, the named networks exist; with -PublishAll adds the image's EXPOSEd
    /// ports (not published already) to PortMappings, on host port 0 (chosen at start).
    /// </summary>
    /// <exception cref="PscException">PublishNeedsNetwork, NetworkNotFound, DnsNeedsOwnNetwork (nothing is written).</exception>
    public void Create(Container c, ContainerCreateOptions o, ResolvedImage image)
    {
        var mode = c.HostConfig.NetworkModeKind;
        if (mode == NetworkMode.Container) { CreateShared(c, o); return; }
        string modeName = NetworkChoice.Name(mode);
        var ports = c.HostConfig.PortMappings;
        if (mode != NetworkMode.Bridge && (ports.Count > 0 || c.HostConfig.PublishAllPorts))
            throw new PscException(ErrorIds.PublishNeedsNetwork, PscErrorCategory.InvalidArgument, $"Ports cannot be published in network mode '{modeName}'.", modeName) { Remedy = Remedy.PublishOnBridge };
        // docker: "Conflicting options: dns and the network mode" on the host's network, whose resolv.conf is the host's
        if (mode == NetworkMode.Host && (c.HostConfig.Dns.Length + c.HostConfig.DnsSearch.Length + c.HostConfig.DnsOptions.Length) > 0)
            throw new PscException(ErrorIds.DnsNeedsOwnNetwork, PscErrorCategory.InvalidArgument,
                "-Dns, -DnsSearch and -DnsOption cannot be used with -Network host: the container uses the host's resolver configuration.", modeName);
        foreach (var n in c.NetworkSettings.EndpointsConfig.Keys)
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

    /// <summary>
    /// -Network container:x at create, as docker does: x (a name, id or id prefix) must exist; it is recorded by its
    /// full id (<see cref="HostConfig.NetworkContainerId"/>) and its hostname becomes this container's. What the shared
    /// namespace decides cannot be asked for (docker's runconfig errors "conflicting options: … and the network mode").
    /// </summary>
    /// <exception cref="PscException">
    /// ContainerNotFound (x does not exist), ConflictingOptions (ports, -PublishAll, -Hostname, -Dns, -AddHost,
    /// -NetworkAlias or -IPAddress given).
    /// </exception>
    private void CreateShared(Container c, ContainerCreateOptions o)
    {
        string target = Networking.NetworkChoice.Decide(o.Networks).Container!;
        if (c.HostConfig.PortMappings.Count > 0 || c.HostConfig.PublishAllPorts)
            throw Conflict("port publishing and the container type network mode", target);
        if (o.Hostname is not null) throw Conflict("hostname and the network mode", o.Hostname);
        if (o.Dns.Count > 0) throw Conflict("dns and the network mode", string.Join(",", o.Dns));
        if (o.AddHosts.Count > 0) throw Conflict("custom host-to-IP mapping and the network mode", string.Join(",", o.AddHosts));
        if (o.Aliases.Count > 0) throw Conflict("network-scoped aliases and the network mode", string.Join(",", o.Aliases));
        if (o.Endpoints.Values.Any(e => e.Aliases.Length > 0 || e.IPAddress is not null))
            throw Conflict("per-network settings and the network mode", string.Join(",", o.Endpoints.Keys));
        if (o.IPAddress is not null) throw Conflict("an IP address and the network mode", o.IPAddress);
        var other = _containers?.Find(target)
            ?? throw PscException.NotFound(ErrorIds.ContainerNotFound, $"No container '{target}' to share the network namespace of.", target);
        c.HostConfig.NetworkContainerId = other.Id;
        c.Config.Hostname = other.Config.Hostname;
    }

    private static InvalidArgumentException Conflict(string what, object? target) =>
        new(ErrorIds.ConflictingOptions, $"Conflicting options: {what} (a container that shares another container's network namespace takes its network settings).", target);

    public void ContributeSpec(Container c, RuntimeSpec spec, string bundle)
    {
        // a restart, or a start that failed halfway: what the previous setup left is released first
        if (_networking.HasLeftovers(c.Id)) _networking.Teardown(c.Id);
        if (c.HostConfig.NetworkModeKind == NetworkMode.Container) { JoinShared(c, spec); return; }
        var req = new NetworkSetupRequest
        {
            ContainerId = c.Id,
            ContainerName = c.Name,
            Hostname = c.UtsHostname,
            Domainname = c.Config.Domainname,
            Networks = c.HostConfig.NetworkModeKind == NetworkMode.Bridge ? c.NetworkSettings.EndpointsConfig.Keys.ToList() : [NetworkChoice.Name(c.HostConfig.NetworkModeKind)],
            Endpoints = c.NetworkSettings.EndpointsConfig.ToDictionary(e => e.Key, e => new EndpointSettings { IPAddress = e.Value.IPAMConfig?.IPv4Address, Aliases = e.Value.Aliases }),
            Ports = c.HostConfig.PortMappings,
            Dns = c.HostConfig.Dns.ToList(), DnsSearch = c.HostConfig.DnsSearch.ToList(), DnsOptions = c.HostConfig.DnsOptions.ToList(),
            AddHosts = c.HostConfig.ExtraHosts.ToList(),
        };
        var state = _networking.Setup(req);
        try
        {
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
                spec.Hooks.Poststop.Add(ReleaseHook(c, state));
            }
            AddFileMounts(spec, state);
        }
        catch
        {
            try { _networking.Teardown(c.Id); } catch { }
            throw;
        }
    }

    /// <summary>
    /// The network files of <paramref name="state"/> (/etc/hosts, /etc/hostname, /etc/resolv.conf) as bind mounts,
    /// except where the spec already mounts something. On the host's network the host's own resolv.conf, read-only.
    /// </summary>
    private static void AddFileMounts(RuntimeSpec spec, ContainerNetworkState state)
    {
        spec.Mounts ??= new List<SpecMount>();
        var taken = spec.Mounts.Select(m => m.Destination).ToHashSet();
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

    /// <summary>
    /// Start of a -Network container:x container (docker's initializeNetworking for a container network mode): x must be
    /// running (not restarting). This container joins x's network namespace, pinned under its own id
    /// (<see cref="ContainerNetworking.JoinShared"/>) so that a restart by the monitor can never join whatever process
    /// reuses x's pid; it gets x's /etc/hosts, /etc/resolv.conf and /etc/hostname (the same files, so x's updates show)
    /// and x's hostname. On the host's network (x uses -Network host) it shares the host's namespace, as x does. Nothing
    /// of x is changed: releasing this container releases only its pin.
    /// </summary>
    /// <exception cref="PscException">ContainerNotFound (x was removed), NetworkContainerNotRunning (x is not running).</exception>
    private void JoinShared(Container c, RuntimeSpec spec)
    {
        string id = c.HostConfig.NetworkContainerId ?? "";
        var target = (id.Length > 0 ? _containers?.Load(id) : null)
            ?? throw PscException.NotFound(ErrorIds.ContainerNotFound, $"No container '{id}' to share the network namespace of (it was removed).", id);
        // the namespace owner: follow a chain of shared namespaces to the container that set it up (its files are the ones)
        var owner = target;
        for (int hops = 0; owner.HostConfig.NetworkModeKind == NetworkMode.Container && hops < 16; hops++)
            owner = _containers!.Load(owner.HostConfig.NetworkContainerId ?? "") ?? owner;
        var ownerState = _networking.GetState(owner.Id);
        if (target.State.Status is not (ContainerStatus.Running or ContainerStatus.Paused) || target.State.Pid <= 0 || ownerState is null)
            throw new PscException(ErrorIds.NetworkContainerNotRunning, PscErrorCategory.InvalidOperation,
                $"Cannot join the network of container '{target.Name}': it is not running.", target.Name);
        if (owner.HostConfig.NetworkModeKind == NetworkMode.Host)
        {
            // x is on the host's network: so is this one (no network namespace of its own, like -Network host)
            spec.Linux?.Namespaces?.RemoveAll(n => n.Type == "network");
            spec.Hostname = null;
        }
        else
        {
            // x's persistent namespace file when it has one (bridge, or its own pin), else its process's namespace
            var targetState = _networking.GetState(target.Id);
            string source = targetState?.NetnsPath is { } p && NetworkNamespace.Exists(p) ? p
                : $"/proc/{target.State.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ns/net";
            var state = _networking.JoinShared(c.Id, c.Name, owner.Config.Hostname, source, () =>
            {
                // the pid read before the pin must still be x's: otherwise the pin may hold another process's namespace
                var again = _containers!.Load(target.Id);
                return again is not null && again.State.Pid == target.State.Pid && again.State.Status is ContainerStatus.Running or ContainerStatus.Paused;
            });
            if (spec.Linux?.Namespaces is { } nss)
            {
                var netNs = nss.FirstOrDefault(n => n.Type == "network");
                if (netNs is null) nss.Add(new SpecNamespace { Type = "network", Path = state.NetnsPath });
                else netNs.Path = state.NetnsPath;
            }
            spec.Hostname = owner.Config.Hostname;
            // the pin goes when the container stops, as a bridge namespace does (net-release keeps it while the monitor
            // records Restarting, for the same bundle, and releases it when the policy gives up)
            spec.Hooks ??= new SpecHooks();
            spec.Hooks.Poststop ??= new List<SpecHook>();
            spec.Hooks.Poststop.Add(ReleaseHook(c, state));
        }
        AddFileMounts(spec, ownerState);
    }

    /// <summary>
    /// The poststop hook that releases <paramref name="state"/> when the container stops: pscmon net-release over this
    /// store (<see cref="NetReleaseHook"/>, the command line pscmon parses).
    /// </summary>
    private SpecHook ReleaseHook(Container c, ContainerNetworkState state) => new()
    {
        Path = ContainerManager.MonitorExecutable,
        Args = new NetReleaseHook(_paths.Root, c.Id, state.SetupId).HookArguments(),
        Timeout = NetReleaseHook.TimeoutSeconds,
    };

    public void Released(Container c) => _networking.Teardown(c.Id);

    public void Removed(Container c, bool removeVolumes)
    {
        _networking.Teardown(c.Id);
        try { File.Delete(_networking.ContainerLockPath(c.Id)); } catch (IOException) { }
    }
}
