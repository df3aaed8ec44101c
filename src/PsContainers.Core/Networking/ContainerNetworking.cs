using PsContainers.Cni;
using PsContainers.Contract;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>
/// Sets up and tears down the network of one container: the network namespace, the CNI attachments
/// (addresses, veths, NAT, published ports), and the /etc/hosts, /etc/hostname and /etc/resolv.conf files
/// bind-mounted into it. Teardown works from the saved state and the CNI result cache, so it also cleans up
/// after a container that was killed or an engine process that died halfway.
/// </summary>
public sealed class ContainerNetworking
{
    public PscPaths Paths { get; }
    public NetworkStore Store { get; }
    public CniExecutor Cni { get; }
    public NetworkDns Dns { get; }

    public ContainerNetworking(PscPaths paths) : this(paths, new NetworkStore(paths)) { }

    /// <summary>Over the engine's network store (see <see cref="Engine"/>); <paramref name="syscalls"/>: the engine's
    /// system calls (the real ones when null).</summary>
    public ContainerNetworking(PscPaths paths, NetworkStore store, ISyscalls? syscalls = null)
    {
        Paths = paths;
        Store = store;
        Cni = Store.Executor();
        Dns = new NetworkDns(paths, syscalls);
    }

    public string ContainerDirectory(string id) => Path.Combine(Paths.Containers, id);
    public string StatePath(string id) => ContainerNetworkState.PathIn(ContainerDirectory(id));
    private string LockPath => Path.Combine(Paths.Networks, ".attach.lock");
    /// <summary>
    /// Per-container lock, always taken before the store-wide one. The poststop cleanup program takes only this
    /// one, so releasing one container's network never holds up another container's setup.
    /// </summary>
    public string ContainerLockPath(string id) => LockPathFor(Paths, id);

    /// <summary><see cref="ContainerLockPath"/> of the store at <paramref name="paths"/> (networks/locks/ID.lock), also held by pscmon net-release while it releases.</summary>
    public static string LockPathFor(PscPaths paths, string id) => NetworkLayout.LockFile(paths.Root, id);

    public ContainerNetworkState? GetState(string containerId) => ContainerNetworkState.ReadFrom(StatePath(containerId));

    public List<ContainerNetworkState> AllStates()
    {
        var list = new List<ContainerNetworkState>();
        if (!Directory.Exists(Paths.Containers)) return list;
        foreach (var d in Directory.EnumerateDirectories(Paths.Containers))
        {
            // a removed container's directory renamed for deletion (.trash-ID) holds no container
            if (Path.GetFileName(d).StartsWith(ContainerMarkers.TrashPrefix, StringComparison.Ordinal)) continue;
            if (GetState(Path.GetFileName(d)) is ContainerNetworkState s) list.Add(s);
        }
        return list;
    }

    /// <summary>Names (or short ids) of the containers attached to a network.</summary>
    public string[] UsersOf(string network) =>
        AllStates().Where(s => s.Networks.Any(a => a.Network == network))
                   .Select(s => s.ContainerName ?? s.ContainerId[..Math.Min(12, s.ContainerId.Length)]).ToArray();

    /// <summary>The bind mounts the runtime adds for the network files.</summary>
    public static List<NetworkFileMount> FileMounts(ContainerNetworkState s)
    {
        var m = new List<NetworkFileMount>();
        if (s.HostsFile is not null) m.Add(new NetworkFileMount { Source = s.HostsFile, Destination = "/etc/hosts" });
        if (s.HostnameFile is not null) m.Add(new NetworkFileMount { Source = s.HostnameFile, Destination = "/etc/hostname" });
        if (s.ResolvConfFile is not null) m.Add(new NetworkFileMount { Source = s.ResolvConfFile, Destination = "/etc/resolv.conf" });
        return m;
    }

    /// <summary>Create the namespace, attach the networks, publish the ports, write the files. All or nothing.</summary>
    public ContainerNetworkState Setup(NetworkSetupRequest req, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(req.ContainerId)) throw new ArgumentException("ContainerId is required.", nameof(req));
        var choice = NetworkChoice.Decide(req.Networks);
        var nets = choice.Networks;
        string mode = NetworkChoice.Name(choice.Mode);
        if (choice.Mode != Containers.NetworkMode.Bridge && req.Ports.Count > 0)
            throw new InvalidArgumentException(ErrorIds.PublishNeedsNetwork, $"Ports cannot be published in network mode '{mode}'.", mode) { Remedy = Remedy.PublishOnBridge };
        var addresses = nets.Select((n, i) => i == 0 && req.IPAddress is not null ? req.IPAddress : req.Endpoints.GetValueOrDefault(n)?.IPAddress).ToList();
        foreach (var ip in addresses)
            if (ip is not null && !Ipv4Subnet.TryParseIp(ip, out _))
                throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ip}' is not an IPv4 address.", ip);

        var state = new ContainerNetworkState
        {
            ContainerId = req.ContainerId,
            ContainerName = req.ContainerName,
            Hostname = req.Hostname ?? (mode == "host" ? System.Net.Dns.GetHostName() : req.ContainerId[..Math.Min(12, req.ContainerId.Length)]),
            Domainname = string.IsNullOrEmpty(req.Domainname) ? null : req.Domainname,
            Mode = mode,
        };
        Directory.CreateDirectory(ContainerDirectory(req.ContainerId));
        Directory.CreateDirectory(Paths.Networks);
        using var cl = FileLock.Exclusive(ContainerLockPath(req.ContainerId), ct);
        using var l = FileLock.Exclusive(LockPath, ct);
        CollectGarbageLocked(ct);
        if (GetState(req.ContainerId) is ContainerNetworkState old && old.NetnsPath is not null && NetworkNamespace.Exists(old.NetnsPath))
            throw new ConflictException(ErrorIds.NetworkAlreadySetUp, $"The network of container {req.ContainerId} is already set up.", req.ContainerId);

        // everything that can be refused is checked before anything is created
        var confs = new List<JsonObject>();
        if (mode == "bridge")
        {
            foreach (var n in nets)
            {
                if (n != NetworkStore.DefaultNetworkName) NetworkStore.ValidateName(n);
                confs.Add(Store.GetConfig(n));
            }
            state.Ports = ResolvePorts(req, ct);
        }

        try
        {
            // a bridge attachment needs the namespace before the container exists (CNI plugins join it by path); with
            // -Network none the runtime makes the container's own empty namespace as runc does for a spec namespace
            // without a path (the monitor brings its loopback up): nothing is bind-mounted, so nothing has to be released
            if (mode == "bridge")
            {
                state.NetnsPath = NetworkNamespace.PathFor(req.ContainerId);
                NetworkNamespace.Create(state.NetnsPath);
            }
            // no early record is needed: after a crash, Teardown finds the namespace by id and the attachments in the CNI cache
            for (int i = 0; i < confs.Count; i++)
            {
                var conf = AttachList(i == 0 && state.Ports.Count > 0 ? confs[i] : WithoutPortPlugins(confs[i]), ct);
                var rt = new CniRuntimeConf { ContainerId = req.ContainerId, NetnsPath = state.NetnsPath!, IfName = $"eth{i}" };
                if (addresses[i] is string ip) rt.Args.Add(KeyValuePair.Create("IP", ip));
                if (i == 0 && state.Ports.Count > 0)
                    rt.CapabilityArgs["portMappings"] = new JsonArray(state.Ports.Select(p => (JsonNode)p.ToCni()).ToArray());
                var result = Cni.Add(conf, rt, ct);
                var aliases = req.Aliases.Concat(req.Endpoints.GetValueOrDefault(nets[i])?.Aliases ?? []).Distinct().ToList();
                state.Networks.Add(ToAttachment((string)conf["name"]!, rt.IfName, result, aliases));
            }
            WriteFiles(state, req);
            SaveState(state);
            RefreshHosts(state.Networks.Select(a => a.Network), except: state.ContainerId);
            SyncDns(state.Networks.Select(a => a.Network));
            foreach (var p in state.Ports) { p.ContainerId = state.ContainerId; p.ContainerName = state.ContainerName; }
            for (int i = 0; i < confs.Count; i++)
                EmitAttachment(NetworkAttachmentEvent.Connect, state.Networks[i].Network, req.ContainerId, NetworkAttachmentEvent.DriverOf(confs[i]));
            return state;
        }
        catch
        {
            try { TeardownLocked(req.ContainerId, CancellationToken.None, journal: false); } catch { } // no connect was journaled
            throw;
        }
    }

    /// <summary>
    /// Join another container's network namespace (-Network container:x): bind-mount the namespace at
    /// <paramref name="nsSource"/> (x's namespace file, or /proc/PID/ns/net of x's process) at this container's own
    /// namespace file (<see cref="NetworkNamespace.PathFor"/>), and record network.json with mode "container", that
    /// path, no attachments and no files of its own. The pin keeps the namespace itself, never x's attachments: x's
    /// release (CNI DEL) still removes its interfaces, and this container's <see cref="Teardown"/> or the poststop
    /// net-release only unmounts the pin. <paramref name="stillValid"/> is asked after the pin is made: false (x's
    /// process changed meanwhile) undoes it.
    /// </summary>
    /// <exception cref="PscException">
    /// NetnsExists (a pin of this container is in place), NetnsCreateFailed (the bind mount failed),
    /// NetworkContainerNotRunning (<paramref name="stillValid"/> said no).
    /// </exception>
    public ContainerNetworkState JoinShared(string containerId, string? containerName, string? hostname, string nsSource, Func<bool> stillValid, CancellationToken ct = default)
    {
        Directory.CreateDirectory(ContainerDirectory(containerId));
        Directory.CreateDirectory(Paths.Networks);
        using var cl = FileLock.Exclusive(ContainerLockPath(containerId), ct);
        var state = new ContainerNetworkState
        {
            ContainerId = containerId,
            ContainerName = containerName,
            Hostname = hostname,
            Mode = NetworkChoice.Name(Containers.NetworkMode.Container),
            NetnsPath = NetworkNamespace.PathFor(containerId),
        };
        NetworkNamespace.Pin(nsSource, state.NetnsPath);
        try
        {
            if (!stillValid())
                throw new PscException(ErrorIds.NetworkContainerNotRunning, PscErrorCategory.InvalidOperation,
                    $"Cannot join the network namespace at '{nsSource}': its container stopped meanwhile.", nsSource);
            SaveState(state);
            return state;
        }
        catch
        {
            try { NetworkNamespace.Delete(state.NetnsPath); } catch { }
            throw;
        }
    }

    /// <summary>
    /// The list without the plugins that only publish ports (portmap): when a container publishes nothing on a
    /// network they have nothing to do, yet each ADD and DEL would still run iptables. The ADD cache keeps the list
    /// actually used, so DEL runs exactly the same plugins.
    /// </summary>
    internal static JsonObject WithoutPortPlugins(JsonObject conf)
    {
        var copy = (JsonObject)JsonNode.Parse(conf.ToJsonString())!;
        if (copy["plugins"] is not JsonArray plugins) return copy;
        for (int i = plugins.Count - 1; i >= 0; i--)
            if (plugins[i] is JsonObject p && (string?)p["type"] == "portmap" && plugins.Count > 1) plugins.RemoveAt(i);
        return copy;
    }

    /// <summary>
    /// The list a container's CNI ADD runs on a network: for a bridge list whose masquerading and firewall rules are the
    /// network's (<see cref="NetworkFirewall"/>), those rules are made sure of and the per-container plugins' share of
    /// them is left out; any other list as given. The ADD cache keeps the list actually run, so DEL and CHECK run it too.
    /// </summary>
    /// <exception cref="PscException">NetworkRulesFailed: the network's rules could not be set.</exception>
    internal static JsonObject AttachList(JsonObject conf, CancellationToken ct)
    {
        if (NetworkFirewall.For(conf) is not { } rules) return conf;
        rules.Ensure(ct);
        return rules.AttachList;
    }

    /// <summary>
    /// Whether an earlier <see cref="Setup"/> of this container left anything <see cref="Teardown"/> would release: its
    /// network state (containers/ID/network.json), its namespace file, or a cached CNI attachment
    /// (cache/NETWORK-ID-IF.json). Read without the locks: the caller holds the container's lock.
    /// </summary>
    public bool HasLeftovers(string containerId) =>
        File.Exists(StatePath(containerId)) || File.Exists(NetworkNamespace.PathFor(containerId))
        || Directory.Exists(Cni.CacheDirectory) && Directory.EnumerateFiles(Cni.CacheDirectory, NetworkLayout.CacheFilePattern(containerId)).Any();

    /// <summary>Undo <see cref="Setup"/>: CNI DEL every attachment, remove the namespace, release the ports. Idempotent.</summary>
    public void Teardown(string containerId, CancellationToken ct = default)
    {
        if (!Directory.Exists(Paths.Networks) && !Directory.Exists(ContainerDirectory(containerId))) return;
        Directory.CreateDirectory(Paths.Networks);
        using var cl = FileLock.Exclusive(ContainerLockPath(containerId), ct);
        using var l = FileLock.Exclusive(LockPath, ct);
        TeardownLocked(containerId, ct);
    }

    /// <param name="journal">Journal a "network disconnect" for each attachment released (an attachment still in the
    /// CNI cache, i.e. not released by net-release already); false when undoing a setup that journaled no connect.</param>
    private void TeardownLocked(string containerId, CancellationToken ct, bool journal = true)
    {
        var state = GetState(containerId);
        string netns = state?.NetnsPath ?? NetworkNamespace.PathFor(containerId);
        var todo = new List<(string Net, string If)>();
        if (state is not null) todo.AddRange(state.Networks.Select(a => (a.Network, a.IfName)));
        var cached = new HashSet<(string Net, string If)>();
        foreach (var c in Cni.CachedAttachments())
        {
            if (c.ContainerId != containerId) continue;
            cached.Add((c.Network, c.IfName));
            if (!todo.Contains((c.Network, c.IfName))) todo.Add((c.Network, c.IfName));
        }
        Exception? first = null;
        foreach (var (net, ifname) in todo)
        {
            // only cached attachments need a DEL: the cache entry is written when ADD succeeded and removed when DEL did
            try
            {
                Cni.Del(net, new CniRuntimeConf { ContainerId = containerId, NetnsPath = netns, IfName = ifname }, null, ct);
                if (journal && cached.Contains((net, ifname))) EmitAttachment(NetworkAttachmentEvent.Disconnect, net, containerId);
            }
            catch (Exception e) when (e is not OperationCanceledException) { first ??= e; }
        }
        try { NetworkNamespace.Delete(netns); } catch (Exception e) { first ??= e; }
        if (first is null)
        {
            try { File.Delete(StatePath(containerId)); } catch (DirectoryNotFoundException) { }
        }
        if (state is not null) RefreshHosts(state.Networks.Select(a => a.Network), except: containerId);
        SyncDns(state?.Networks.Select(a => a.Network) ?? Array.Empty<string>());
        if (first is not null)
            throw new PscException(ErrorIds.NetworkTeardownFailed, PscErrorCategory.InvalidOperation, $"Releasing the network of container {containerId} failed: {first.Message}", containerId, first);
    }

    /// <summary>
    /// Release the attachments of containers whose directory is gone (removed by their monitor after -Rm, or
    /// deleted by hand): CNI DEL from the cache, namespace removed. Runs before every setup, like CNI's GC.
    /// </summary>
    public int CollectGarbage(CancellationToken ct = default)
    {
        if (!Directory.Exists(Cni.CacheDirectory)) return 0;
        using var l = FileLock.Exclusive(LockPath, ct);
        return CollectGarbageLocked(ct);
    }

    private int CollectGarbageLocked(CancellationToken ct)
    {
        int n = 0;
        foreach (var id in Cni.CachedAttachments().Select(a => a.ContainerId).Distinct().ToList())
        {
            if (string.IsNullOrEmpty(id) || Directory.Exists(ContainerDirectory(id))) continue;
            // busy: its cleanup program is releasing it right now (waiting here could deadlock on the lock order)
            using var cl = FileLock.TryExclusive(ContainerLockPath(id));
            if (cl is null) continue;
            try { TeardownLocked(id, ct); n++; } catch (PscException) { }
        }
        return n;
    }

    /// <summary>Attach a set-up (typically running) container to one more network: CNI ADD into its namespace.</summary>
    public ContainerNetworkState Connect(string containerId, string network, string? ipAddress = null, IEnumerable<string>? aliases = null, CancellationToken ct = default)
    {
        using var cl = FileLock.Exclusive(ContainerLockPath(containerId), ct);
        using var l = FileLock.Exclusive(LockPath, ct);
        var state = GetState(containerId) ?? throw NotNetworked(containerId);
        if (state.Mode != "bridge" || state.NetnsPath is null || !NetworkNamespace.Exists(state.NetnsPath))
            throw new PscException(ErrorIds.ContainerNotConnectable, PscErrorCategory.InvalidOperation, $"Container '{state.ContainerName ?? containerId}' uses network mode '{state.Mode}' or is not running; it cannot join other networks.", containerId);
        if (state.Networks.Any(a => a.Network == network))
            throw new ConflictException(ErrorIds.AlreadyConnected, $"Container '{state.ContainerName ?? containerId}' is already on network '{network}'.", network);
        if (ipAddress is not null && !Ipv4Subnet.TryParseIp(ipAddress, out _))
            throw new InvalidArgumentException(ErrorIds.InvalidIPAddress, $"'{ipAddress}' is not an IPv4 address.", ipAddress);
        var conf = AttachList(WithoutPortPlugins(Store.GetConfig(network)), ct);
        int n = 0;
        while (state.Networks.Any(a => a.IfName == $"eth{n}")) n++;
        var rt = new CniRuntimeConf { ContainerId = containerId, NetnsPath = state.NetnsPath, IfName = $"eth{n}" };
        if (ipAddress is not null) rt.Args.Add(KeyValuePair.Create("IP", ipAddress));
        var result = Cni.Add(conf, rt, ct);
        var attachment = ToAttachment(network, rt.IfName, result, aliases ?? Array.Empty<string>());
        attachment.RequestedIPAddress = ipAddress; // docker inspect: IPAMConfig {IPv4Address} of a network connect --ip
        state.Networks.Add(attachment);
        SaveState(state);
        RefreshHosts(new[] { network }, except: null);
        SyncDns(new[] { network });
        EmitAttachment(NetworkAttachmentEvent.Connect, network, containerId, NetworkAttachmentEvent.DriverOf(conf));
        return state;
    }

    /// <summary>Detach a container from a network: CNI DEL (address, veth, rules released).</summary>
    public ContainerNetworkState Disconnect(string containerId, string network, CancellationToken ct = default)
    {
        using var cl = FileLock.Exclusive(ContainerLockPath(containerId), ct);
        using var l = FileLock.Exclusive(LockPath, ct);
        var state = GetState(containerId) ?? throw NotNetworked(containerId);
        var att = state.Networks.FirstOrDefault(a => a.Network == network)
            ?? throw new ResourceNotFoundException(ErrorIds.NotConnected, $"Container '{state.ContainerName ?? containerId}' is not on network '{network}'.", network);
        JsonObject? conf = null;
        try { conf = Store.GetConfig(network); } catch (PscException) { }
        Cni.Del(network, new CniRuntimeConf { ContainerId = containerId, NetnsPath = state.NetnsPath ?? "", IfName = att.IfName }, conf, ct);
        state.Networks.Remove(att);
        if (att.IfName == "eth0") state.Ports.Clear(); // published ports went with the first attachment
        SaveState(state);
        RefreshHosts(new[] { network }, except: null);
        SyncDns(new[] { network });
        EmitAttachment(NetworkAttachmentEvent.Disconnect, network, containerId, NetworkAttachmentEvent.DriverOf(conf));
        return state;
    }

    /// <summary>
    /// Whether network <paramref name="name"/> may be removed, checked as <see cref="RemoveNetwork"/> checks it, so that a
    /// cmdlet can refuse before it asks ShouldProcess (-WhatIf must not promise a removal that would be refused).
    /// Returns the states of the containers attached to it (disconnected by a forced removal).
    /// Errors (<see cref="PscException"/>): NetworkNotFound; DefaultNetworkRemoval (the default network);
    /// NetworkInUse (containers use it and <paramref name="force"/> is not set; Remedy Force).
    /// </summary>
    public List<ContainerNetworkState> CheckRemovable(string name, bool force)
    {
        var network = Store.Get(name) ?? throw new ResourceNotFoundException(ErrorIds.NetworkNotFound, $"No network named '{name}'.", name);
        if (network.IsDefault)
            throw PscException.InvalidOperation(ErrorIds.DefaultNetworkRemoval,
                $"'{name}' is the default network, which containers join when no -Network is given; it cannot be removed (docker refuses to remove its pre-defined networks too).", name);
        var users = AllStates().Where(s => s.Networks.Any(a => a.Network == name)).ToList();
        if (users.Count > 0 && !force)
            throw new ConflictException(ErrorIds.NetworkInUse,
                $"Network '{name}' is used by container(s) {string.Join(", ", users.Select(u => u.ContainerName ?? u.ContainerId[..Math.Min(12, u.ContainerId.Length)]))}.", name, inUse: true)
            { Remedy = Remedy.Force };
        return users;
    }

    /// <summary>
    /// Remove a network (docker network rm). Without <paramref name="force"/> a network that containers are attached
    /// to is refused; with it, each of them is disconnected first (CNI DEL, as <see cref="Disconnect"/>), then the
    /// network goes (<see cref="NetworkStore.Remove"/>). A container whose attachment is released meanwhile (it
    /// stopped) needs no disconnect.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">NetworkNotFound.</exception>
    /// <exception cref="ConflictException">NetworkInUse (ResourceBusy, <see cref="Remedy.Force"/>), naming the containers.</exception>
    /// <exception cref="PscException">DefaultNetworkRemoval (InvalidOperation): the default network, even with <paramref name="force"/>.</exception>
    public void RemoveNetwork(string name, bool force, CancellationToken ct = default)
    {
        var users = CheckRemovable(name, force);
        foreach (var u in users)
        {
            // a stopped container's network may be released meanwhile: then there is nothing to disconnect
            try { Disconnect(u.ContainerId, name, ct); }
            catch (PscException e) when (e.ErrorId is ErrorIds.ContainerNetworkNotFound or ErrorIds.NotConnected) { }
        }
        Store.Remove(name);
    }

    /// <summary>
    /// CNI CHECK of every attachment of a container, with the list its ADD ran (from the cache; the network's list
    /// when nothing is cached), plus the network's own rules when that ADD left them to the network
    /// (<see cref="NetworkFirewall"/>).
    /// </summary>
    /// <exception cref="PscException">ContainerNetworkNotFound; CniPluginFailed (a plugin's CHECK failed); NetworkRulesMissing.</exception>
    public void Check(string containerId, CancellationToken ct = default)
    {
        var state = GetState(containerId) ?? throw NotNetworked(containerId);
        foreach (var a in state.Networks)
        {
            var network = Store.GetConfig(a.Network);
            var added = Cni.ReadCache(a.Network, containerId, a.IfName)?["config"] as JsonObject;
            Cni.Check(added ?? network, new CniRuntimeConf { ContainerId = containerId, NetnsPath = state.NetnsPath ?? "", IfName = a.IfName }, ct);
            if (NetworkFirewall.For(network) is { } rules && added is not null && NetworkFirewall.For(added) is null)
            {
                var missing = rules.Missing();
                if (missing.Count > 0)
                    throw new ResourceNotFoundException(ErrorIds.NetworkRulesMissing, $"CNI CHECK found rules of network '{a.Network}' missing: {string.Join("; ", missing)}.", a.Network);
            }
        }
    }

    /// <summary>
    /// Journal a container joining or leaving a network (<see cref="NetworkAttachmentEvent"/>, the shape pscmon's
    /// net-release writes too); the driver is read from the network's configuration when not given (null when it is gone).
    /// </summary>
    private void EmitAttachment(string action, string network, string containerId, string? driver = null)
    {
        if (Store.Events is not { } events) return;
        driver ??= Store.Get(network)?.Driver;
        events.Journal.TryAppend(NetworkAttachmentEvent.Of(action, network, driver, containerId));
    }

    private static PscException NotNetworked(string id) =>
        new ResourceNotFoundException(ErrorIds.ContainerNetworkNotFound, $"Container '{id}' has no network set up (is it running?).", id);

    private static NetworkAttachment ToAttachment(string network, string ifName, CniResult r, IEnumerable<string> aliases)
    {
        var ip = r.ContainerAddress();
        return new NetworkAttachment
        {
            Network = network,
            IfName = ifName,
            IPAddress = ip?.IP,
            PrefixLength = ip?.PrefixLength ?? 0,
            Gateway = ip?.Gateway,
            MacAddress = r.ContainerMac(ifName),
            Aliases = aliases.ToArray(),
        };
    }

    /// <summary>
    /// network.json, replaced atomically but not fsynced: like the container records (ContainerStore.WriteRecord) it
    /// describes what a reboot takes away anyway (the namespace, the veths, the leases under /run), and an fsync on
    /// every start costs milliseconds.
    /// </summary>
    private void SaveState(ContainerNetworkState s) =>
        AtomicFile.WriteAllText(StatePath(s.ContainerId), JsonSerializer.Serialize(s, ContainerNetworkState.Json), durable: false);

    // ---- ports ----

    private List<PortMapping> ResolvePorts(NetworkSetupRequest req, CancellationToken ct)
    {
        if (req.Ports.Count == 0) return new List<PortMapping>();
        try { return ResolvePortsOnce(req, ct); }
        catch (PscException e) when (e.ErrorId == ErrorIds.PortInUse && WaitForCleanups(req.ContainerId, ct))
        {
            // a stopped container's network was still being released: decide again now that it is done
            return ResolvePortsOnce(req, ct);
        }
    }

    /// <summary>Wait (up to 10 s) while other containers' locks are held, as by a running cleanup; true when one was.</summary>
    private bool WaitForCleanups(string self, CancellationToken ct)
    {
        string dir = Path.GetDirectoryName(ContainerLockPath(self))!;
        if (!Directory.Exists(dir)) return false;
        bool waited = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        foreach (var f in Directory.EnumerateFiles(dir, "*.lock"))
        {
            if (Path.GetFileNameWithoutExtension(f) == self) continue;
            while (true)
            {
                using (var l = FileLock.TryExclusive(f)) if (l is not null) break;
                waited = true;
                if (DateTime.UtcNow > deadline) return waited;
                ct.ThrowIfCancellationRequested();
                Thread.Sleep(20);
            }
        }
        return waited;
    }

    /// <summary>
    /// Who holds the ports of <paramref name="s"/>, for a PortInUse message: "pod 'web'" for a pod's infra container
    /// (it holds the pod's ports; its own name is the pod's short id and "-infra"), else "container 'name'".
    /// </summary>
    private string HolderOf(ContainerNetworkState s)
    {
        string name = s.ContainerName ?? s.ContainerId[..12];
        if (name.Length == 18 && name.EndsWith("-infra", StringComparison.Ordinal))
        {
            try
            {
                if (new Pods.PodStore(Paths).Find(name[..12], idOnly: true) is { } pod && pod.InfraContainerId == s.ContainerId) return $"pod '{pod.Name}'";
            }
            catch (Exception e) when (e is PscException or IOException or System.Text.Json.JsonException) { /* the container's name then */ }
        }
        return $"container '{name}'";
    }

    private List<PortMapping> ResolvePortsOnce(NetworkSetupRequest req, CancellationToken ct)
    {
        var result = new List<PortMapping>();
        var taken = new Dictionary<string, Lazy<string>>(); // "proto/port" -> who (worded only for a message)
        foreach (var s in AllStates())
            if (s.ContainerId != req.ContainerId)
            {
                var holder = new Lazy<string>(() => HolderOf(s));
                foreach (var p in s.Ports) taken[$"{p.Protocol}/{p.HostPort}"] = holder;
            }
        foreach (var f in HostPorts.ForwardedByIptables()) taken.TryAdd(f, new Lazy<string>(() => "a port forwarding rule on the host"));
        var used = new HashSet<int>(taken.Keys.Select(k => int.Parse(k.Split('/')[1])));
        foreach (var p in req.Ports)
        {
            ct.ThrowIfCancellationRequested();
            var m = new PortMapping { HostIP = p.HostIP, HostPort = p.HostPort, ContainerPort = p.ContainerPort, Protocol = p.Protocol };
            if (p.RangeEnd > 0)
            {
                m.HostPort = Enumerable.Range(p.HostPort, p.RangeEnd - p.HostPort + 1)
                    .FirstOrDefault(x => !taken.ContainsKey($"{p.Protocol}/{x}") && !result.Any(r => r.HostPort == x && r.Protocol == p.Protocol) && HostPorts.IsFree(p.HostIP, x, p.Protocol));
                if (m.HostPort == 0)
                    throw new PscException(ErrorIds.PortInUse, PscErrorCategory.ResourceUnavailable, $"Every host port in {p.HostPort}-{p.RangeEnd}/{p.Protocol} is in use.", $"{p.HostPort}-{p.RangeEnd}");
            }
            else if (m.HostPort == 0)
            {
                m.HostPort = HostPorts.PickFree(m.HostIP, m.Protocol, used);
            }
            else
            {
                string key = $"{m.Protocol}/{m.HostPort}";
                if (result.Any(r => r.HostPort == m.HostPort && r.Protocol == m.Protocol))
                    throw new InvalidArgumentException(ErrorIds.PortInUse, $"Host port {key} is published twice.", key);
                if (taken.TryGetValue(key, out var who))
                    throw new PscException(ErrorIds.PortInUse, PscErrorCategory.ResourceUnavailable, $"Host port {key} is already in use by {who.Value}.", key);
                if (!HostPorts.IsFree(m.HostIP, m.HostPort, m.Protocol))
                    throw new PscException(ErrorIds.PortInUse, PscErrorCategory.ResourceUnavailable,
                        $"Host port {key} is already in use on {(string.IsNullOrEmpty(m.HostIP) ? "the host" : m.HostIP)} (another program listens on it).", key);
            }
            used.Add(m.HostPort);
            result.Add(m);
        }
        return result;
    }

    // ---- /etc files ----

    private void WriteFiles(ContainerNetworkState s, NetworkSetupRequest req)
    {
        string dir = ContainerDirectory(s.ContainerId);
        s.HostnameFile = Path.Combine(dir, "hostname");
        WriteInPlace(s.HostnameFile, s.Hostname + "\n");
        s.ResolvConfFile = Path.Combine(dir, "resolv.conf");
        // on a user network with name resolution the network's own name server (on the gateway) comes first
        var first = s.Networks.FirstOrDefault();
        string? dnsServer = s.Mode == "bridge" && first?.Gateway is not null && NetworkDns.Serves(Store.Get(first.Network))
            && File.Exists(NetworkDns.ServerPath) ? first.Gateway : null;
        WriteInPlace(s.ResolvConfFile, BuildResolvConf(HostResolvConf.Read(), s.Mode, req.Dns, dnsServer, req.DnsSearch, req.DnsOptions));
        s.HostsFile = Path.Combine(dir, "hosts");
        s.ExtraHosts = req.AddHosts.ToList();
        // peers are listed per attached network: without one (none, host) no other container's state is read
        WriteInPlace(s.HostsFile, BuildHosts(s, s.Networks.Count == 0 ? [] : AllStates()));
    }

    /// <summary>
    /// A container's resolv.conf, as docker writes it: from the host's (<see cref="HostResolvConf.Read"/>), with the
    /// loopback nameservers dropped outside host mode (a resolver on the host's own lo is out of reach); -Dns
    /// replaces the servers, a network's own name server (<paramref name="networkDns"/>) comes instead of them (it
    /// forwards other names upstream), -DnsSearch and -DnsOption replace the host's search and options lines. When no
    /// server is left, docker's public fallback (<see cref="HostResolvConf.DefaultNameservers"/>) is written, with a comment.
    /// </summary>
    public static string BuildResolvConf(string hostResolv, string mode, IReadOnlyCollection<string>? dns = null, string? networkDns = null,
        IReadOnlyCollection<string>? dnsSearch = null, IReadOnlyCollection<string>? dnsOptions = null)
    {
        var sb = new StringBuilder();
        var servers = new List<string>();
        string? search = null, options = null;
        foreach (var raw in hostResolv.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';')) continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f[0] == "nameserver" && f.Length > 1)
            {
                if (mode == "host" || !HostResolvConf.IsLoopback(f[1])) servers.Add(f[1]);
            }
            else if (f[0] is "search" or "domain") search = line; // the last one wins, as in resolv.conf(5)
            else if (f[0] == "options") options = options is null ? line : options + "\n" + line;
        }
        if (dnsSearch is { Count: > 0 }) search = dnsSearch.All(d => d == ".") ? null : "search " + string.Join(' ', dnsSearch.Where(d => d != "."));
        if (dnsOptions is { Count: > 0 }) options = "options " + string.Join(' ', dnsOptions);
        if (dns is { Count: > 0 }) servers = dns.ToList();
        else if (networkDns is not null) servers = new List<string> { networkDns };
        else if (servers.Count == 0 && mode != "host")
        {
            sb.Append("# the host has no nameserver a container can reach (only loopback ones): docker's public fallback\n");
            servers = HostResolvConf.DefaultNameservers.ToList();
        }
        if (search is not null) sb.Append(search).Append('\n');
        if (options is not null) sb.Append(options).Append('\n');
        foreach (var sv in servers) sb.Append("nameserver ").Append(sv).Append('\n');
        return sb.ToString();
    }

    /// <summary>/etc/hosts for one container: localhost, itself, the host gateway, and its peers on networks with name resolution.</summary>
    internal string BuildHosts(ContainerNetworkState s, List<ContainerNetworkState> all)
    {
        var sb = new StringBuilder();
        if (s.Mode == "host")
        {
            sb.Append(File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : "127.0.0.1\tlocalhost\n");
            if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
        }
        else
        {
            sb.Append("127.0.0.1\tlocalhost localhost.localdomain\n");
            sb.Append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        }
        var first = s.Networks.FirstOrDefault();
        // docker's buildHostsFile: "hostname.domain hostname" when the container has a -Domainname
        string? fqdn = s.Domainname is { Length: > 0 } d && !string.IsNullOrEmpty(s.Hostname) ? s.Hostname + "." + d : null;
        string names = string.Join(' ', new[] { fqdn, s.Hostname, s.ContainerName }.Where(x => !string.IsNullOrEmpty(x)).Distinct());
        if (first?.IPAddress is not null) sb.Append(first.IPAddress).Append('\t').Append(names).Append('\n');
        else if (s.Mode != "host") sb.Append("127.0.1.1\t").Append(names).Append('\n');
        if (first?.Gateway is not null) sb.Append(first.Gateway).Append("\thost.containers.internal host.docker.internal\n");
        foreach (var e in s.ExtraHosts)
        {
            // "name:address" as ExtraHost writes it (an IPv6 address holds colons: the name ends at the first one)
            ExtraHost h;
            try { h = ExtraHost.Parse(e); } catch (PscException) { continue; }
            if (h.HostsLine(first?.Gateway) is { } line) sb.Append(line).Append('\n');
        }
        var peers = new List<string>();
        foreach (var att in s.Networks)
        {
            var net = Store.Get(att.Network);
            if (net is null || !net.DnsEnabled) continue;
            foreach (var o in all)
            {
                if (o.ContainerId == s.ContainerId) continue;
                var oa = o.Networks.FirstOrDefault(a => a.Network == att.Network);
                if (oa?.IPAddress is null) continue;
                var pn = new[] { o.ContainerName, o.Hostname }.Concat(oa.Aliases).Where(x => !string.IsNullOrEmpty(x)).Distinct();
                peers.Add($"{oa.IPAddress}\t{string.Join(' ', pn)}");
            }
        }
        if (peers.Count > 0)
        {
            sb.Append("# containers on the same networks\n");
            foreach (var p in peers.Distinct()) sb.Append(p).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Rewrite the hosts files of the containers on these networks (in place: the file is bind-mounted).</summary>
    private void RefreshHosts(IEnumerable<string> networks, string? except)
    {
        var set = networks.ToHashSet();
        if (set.Count == 0) return;
        var all = AllStates();
        foreach (var s in all)
        {
            if (s.ContainerId == except || s.HostsFile is null || !File.Exists(s.HostsFile)) continue;
            if (!s.Networks.Any(a => set.Contains(a.Network))) continue;
            try { WriteInPlace(s.HostsFile, BuildHosts(s, all)); } catch (IOException) { }
        }
    }

    /// <summary>Name servers of user networks follow their containers (never fails a container's setup or release).</summary>
    private void SyncDns(IEnumerable<string> networks)
    {
        try
        {
            var list = networks.ToList();
            if (list.Count == 0 && !Dns.HasRecords) return; // nothing to follow: no container state is read
            Dns.Sync(list, AllStates(), Store);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PscException) { }
    }

    /// <summary>Overwrite a file keeping its inode, so a bind mount of it sees the new content.</summary>
    private static void WriteInPlace(string path, string text)
    {
        using var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
        var b = Encoding.UTF8.GetBytes(text);
        fs.SetLength(0);
        fs.Write(b);
    }
}
