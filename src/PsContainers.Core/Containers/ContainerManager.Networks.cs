using PsContainers.Contract;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// docker network connect: record <paramref name="network"/> in the container's record (container.json
    /// NetworkSettings.Networks, the same typed endpoints create writes: IPAMConfig.IPv4Address from
    /// <paramref name="ipAddress"/>, Aliases), so every later start joins it (<see cref="NetworkParticipant"/>), and
    /// join it now (CNI ADD into its namespace, <see cref="ContainerNetworking.Connect"/>) when the container's network
    /// is set up (running, paused, or restarting by its policy, whose namespace the monitor keeps). A created or exited
    /// container is only recorded, as docker accepts it and joins the network at the next start. Done under the
    /// container's lock; a live join whose record cannot be written is undone.
    /// </summary>
    /// <param name="network">A network's name; "bridge" and "default" mean the default network, as -Network takes them.</param>
    /// <param name="ipAddress">A fixed IPv4 address (dotted quad) on that network, or null for one the network assigns.</param>
    /// <param name="aliases">Extra names the container answers to on that network.</param>
    /// <returns>The live attachment (interface, address, gateway, MAC), or null when the container's network is not set up.</returns>
    /// <exception cref="PscException">
    /// ContainerNotFound; ContainerNotConnectable (InvalidOperation): the container uses network mode host, none or
    /// container:x, or the network named is "host" or "none" (docker: "container cannot be disconnected from host network
    /// or connected to host network"); NetworkNotFound; InvalidIPAddress; AlreadyConnected (ResourceExists): recorded or
    /// attached already; what the CNI ADD throws (nothing is recorded then).
    /// </exception>
    public NetworkAttachment? ConnectNetwork(Container c, string network, string? ipAddress = null, IEnumerable<string>? aliases = null, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        network = ConnectableNetwork(cur, network);
        if (network == NetworkStore.DefaultNetworkName) _engine.Networks.EnsureDefault();
        else if (_engine.Networks.Get(network) is null)
            throw new PscException(ErrorIds.NetworkNotFound, PscErrorCategory.ObjectNotFound, $"No network named '{network}'.", network) { Remedy = Remedy.CreateNetwork };
        if (ipAddress is not null && !Ipv4Subnet.TryParseIp(ipAddress, out _))
            throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ipAddress}' is not an IPv4 address.", ipAddress);
        var endpoints = cur.NetworkSettings.EndpointsConfig;
        if (endpoints.ContainsKey(network))
            throw new ConflictException(ErrorIds.AlreadyConnected, $"Container '{cur.Name}' is already on network '{network}'.", network);
        var names = (aliases ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToArray();
        NetworkAttachment? live = null;
        if (LiveNetwork(cur) is not null)
            live = _engine.Networking.Connect(cur.Id, network, ipAddress, names, ct).Networks.First(a => a.Network == network);
        endpoints[network] = new ContainerEndpoint
        {
            IPAMConfig = ipAddress is null ? null : new EndpointIPAMConfig { IPv4Address = ipAddress },
            Aliases = names,
        };
        try { Store.SaveDefinition(cur); }
        catch when (live is not null)
        {
            try { _engine.Networking.Disconnect(cur.Id, network, CancellationToken.None); } catch (Exception e) when (e is PscException or IOException) { }
            throw;
        }
        return live;
    }

    /// <summary>
    /// docker network disconnect: remove <paramref name="network"/> from the container's record, so later starts no
    /// longer join it, and leave it now (CNI DEL: address, veth and rules released, <see cref="ContainerNetworking.Disconnect"/>)
    /// when the container is attached to it. A network the container left while running but that is still recorded, or
    /// joined while running but not recorded, is handled by the part that has it. Done under the container's lock.
    /// </summary>
    /// <exception cref="PscException">
    /// ContainerNotFound; ContainerNotConnectable (network mode host, none or container:x, or the network "host" or
    /// "none"); NotConnected (ObjectNotFound): neither recorded nor attached; what the CNI DEL throws (the record is kept then).
    /// </exception>
    public void DisconnectNetwork(Container c, string network, CancellationToken ct = default)
    {
        using var l = Store.LockContainer(c.Id, ct);
        var cur = LoadForChange(c);
        network = ConnectableNetwork(cur, network);
        bool attached = LiveNetwork(cur)?.Networks.Any(a => a.Network == network) == true;
        bool recorded = cur.NetworkSettings.EndpointsConfig.ContainsKey(network);
        if (!attached && !recorded)
            throw new ResourceNotFoundException(ErrorIds.NotConnected, $"Container '{cur.Name}' is not on network '{network}'.", network);
        if (attached) _engine.Networking.Disconnect(cur.Id, network, ct);
        if (recorded)
        {
            cur.NetworkSettings.EndpointsConfig.Remove(network);
            Store.SaveDefinition(cur);
        }
    }

    /// <summary>
    /// The network name as the store spells it ("bridge"/"default" → the default network), after checking that the
    /// container has a bridge network of its own to connect and that the name is no mode.
    /// </summary>
    /// <exception cref="PscException">ContainerNotConnectable.</exception>
    private static string ConnectableNetwork(Container cur, string network)
    {
        var mode = cur.HostConfig.NetworkModeKind;
        if (mode != NetworkMode.Bridge)
            throw new PscException(ErrorIds.ContainerNotConnectable, PscErrorCategory.InvalidOperation,
                $"Container '{cur.Name}' uses network mode '{NetworkChoice.Name(mode)}': it cannot be connected to or disconnected from networks (docker: container cannot be disconnected from host network or connected to host network).", cur.Name);
        if (NetworkChoice.NamesMode(network))
            throw new PscException(ErrorIds.ContainerNotConnectable, PscErrorCategory.InvalidOperation,
                $"'{network}' is a network mode, not a network: a container cannot be connected to or disconnected from it (docker: container cannot be disconnected from host network or connected to host network).", network);
        return NetworkChoice.NamesDefaultNetwork(network) ? NetworkStore.DefaultNetworkName : network;
    }

    /// <summary>
    /// The container's network state when its network is set up now (a bridge namespace that exists, while it runs, is
    /// paused, or is being restarted by its policy); null otherwise (only the record changes then).
    /// </summary>
    private ContainerNetworkState? LiveNetwork(Container cur) =>
        cur.State.Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting
        && _engine.Networking.GetState(cur.Id) is { Mode: "bridge", NetnsPath: { } ns } state && NetworkNamespace.Exists(ns)
            ? state : null;
}
