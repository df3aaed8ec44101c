using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PsContainers.Contract;
using PsContainers.Core.Events;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Networking;

/// <summary>
/// Networks as standard CNI configuration lists (&lt;name&gt;.conflist) in the store's networks directory. Lists
/// dropped there by hand (macvlan, ipvlan, anything the installed plugins support) are usable by name. The
/// default bridge network "pscontainers" is written on first use.
/// </summary>
public sealed partial class NetworkStore
{
    public const string DefaultNetworkName = "pscontainers";
    public const string DefaultBridge = "psc0";
    public const string DefaultSubnet = "10.89.0.0/24";
    /// <summary>Host-wide runtime state: IPAM leases and subnet reservations (tmpfs; gone on reboot like the links it describes).</summary>
    public static string RunDirectory { get; set; } = EngineEnvironment.RunDirectory ?? NetworkLayout.DefaultRunDirectory;

    public PscPaths Paths { get; }
    public string Directory => Paths.Networks;
    public string CacheDirectory => NetworkLayout.CacheDirectory(Paths.Root);
    public static string IpamDirectory => Path.Combine(RunDirectory, "ipam");
    private string LockPath => Path.Combine(Paths.Networks, ".lock");

    public NetworkStore(PscPaths paths) { Paths = paths; }

    public CniExecutor Executor() => new(CacheDirectory);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")]
    private static partial Regex NameRegex();

    public static void ValidateName(string name)
    {
        // the pre-defined names are refused in any case: -Network takes them in any case (NetworkChoice)
        if (!NameRegex().IsMatch(name) || NetworkChoice.NamesMode(name) || NetworkChoice.NamesDefaultNetwork(name)
            || name.Equals("container", StringComparison.OrdinalIgnoreCase))
            throw new InvalidArgumentException(ErrorIds.InvalidNetworkName,
                $"'{name}' is not a valid network name: use letters, digits, '_', '.', '-' (not host, none, bridge, default, container, in any case).", name);
    }

    public string ConfigPath(string name) => Path.Combine(Directory, name + ".conflist");

    /// <summary>All networks (the default one only once it exists).</summary>
    public List<ContainerNetwork> List()
    {
        var list = new List<ContainerNetwork>();
        if (!System.IO.Directory.Exists(Directory)) return list;
        foreach (var f in System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".conflist") || f.EndsWith(".conf")).Order())
        {
            if (Path.GetFileName(f).StartsWith('.')) continue;
            var conf = TryLoadConfig(f);
            if (conf is not null) list.Add(Describe(conf, f));
        }
        return list;
    }

    public ContainerNetwork? Get(string name)
    {
        var (conf, path) = FindConfig(name);
        return conf is null ? null : Describe(conf, path!);
    }

    /// <summary>The configuration list of a network; the default one is created when asked for.</summary>
    public JsonObject GetConfig(string name)
    {
        if (name == DefaultNetworkName) EnsureDefault();
        var (conf, _) = FindConfig(name);
        return conf ?? throw new ResourceNotFoundException(ErrorIds.NetworkNotFound, $"No network named '{name}'.", name);
    }

    private (JsonObject? Conf, string? Path) FindConfig(string name)
    {
        foreach (var p in new[] { ConfigPath(name), Path.Combine(Directory, name + ".conf") })
            if (File.Exists(p) && TryLoadConfig(p) is JsonObject c) return (c, p);
        // a dropped-in file may be named differently from the network it defines
        if (System.IO.Directory.Exists(Directory))
            foreach (var f in System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".conflist") || f.EndsWith(".conf")))
                if (TryLoadConfig(f) is JsonObject c && (string?)c["name"] == name) return (c, f);
        return (null, null);
    }

    private static JsonObject? TryLoadConfig(string path)
    {
        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if (o is null || o["name"] is null) return null;
            if (path.EndsWith(".conf") && o["plugins"] is null)
            {
                // a single-plugin .conf becomes a one-entry list
                var plugin = (JsonObject)JsonNode.Parse(o.ToJsonString())!;
                plugin.Remove("name"); plugin.Remove("cniVersion");
                o = new JsonObject { ["cniVersion"] = (string?)o["cniVersion"] ?? "1.0.0", ["name"] = (string?)o["name"], ["plugins"] = new JsonArray(plugin) };
            }
            return o;
        }
        catch (Exception) { return null; }
    }

    /// <summary>Describe a configuration list as a <see cref="ContainerNetwork"/>.</summary>
    public static ContainerNetwork Describe(JsonObject conf, string path)
    {
        var plugins = CniExecutor.Plugins(conf);
        var main = PsContainers.Cni.CniPlugins.MainPlugin(conf);
        var n = new ContainerNetwork
        {
            Name = (string?)conf["name"] ?? "",
            CniVersion = (string?)conf["cniVersion"] ?? "",
            Plugins = plugins.Select(p => (string?)p["type"] ?? "?").ToArray(),
            Driver = (string?)main?["type"] ?? "unknown",
            ConfigPath = path,
            Created = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.UtcNow,
        };
        n.IsDefault = n.Name == DefaultNetworkName;
        n.Interface = (string?)main?["bridge"] ?? (string?)main?["master"];
        if (main?["ipam"] is JsonObject ipam)
        {
            if (ipam["ranges"] is JsonArray ranges && ranges.FirstOrDefault() is JsonArray set && set.FirstOrDefault() is JsonObject r)
            {
                n.Subnet = (string?)r["subnet"];
                n.Gateway = (string?)r["gateway"];
            }
            else
            {
                n.Subnet = (string?)ipam["subnet"];
                n.Gateway = (string?)ipam["gateway"];
            }
            bool hasDefaultRoute = ipam["routes"] is JsonArray routes && routes.OfType<JsonObject>().Any(x => (string?)x["dst"] == "0.0.0.0/0");
            n.Internal = n.Driver == "bridge" ? !((bool?)main["isGateway"] ?? false) && !hasDefaultRoute : !hasDefaultRoute;
            if (n.Gateway is null && n.Driver == "bridge" && Ipv4Subnet.TryParse(n.Subnet, out var s) && ((bool?)main["isGateway"] ?? false)) n.Gateway = s.FirstHost;
        }
        if (conf["pscLabels"] is JsonObject labels)
            foreach (var (k, v) in labels) if (v is JsonValue jv && jv.TryGetValue(out string? text)) n.Labels[k] = text;
        n.DnsEnabled = !n.IsDefault && (bool?)conf["dnsEnabled"] != false && ((string?)conf["pscDns"] ?? "on") != "off";
        return n;
    }

    /// <summary>Write the default bridge network if it does not exist yet.</summary>
    public void EnsureDefault()
    {
        if (File.Exists(ConfigPath(DefaultNetworkName))) return;
        using var l = FileLock.Exclusive(LockPath);
        if (File.Exists(ConfigPath(DefaultNetworkName))) return;
        var conf = BuildBridgeConfig(DefaultNetworkName, DefaultBridge, Ipv4Subnet.Parse(DefaultSubnet), null, null, internalNet: false);
        AtomicFile.WriteAllText(ConfigPath(DefaultNetworkName), conf.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The bridge configuration list podman-style: bridge + host-local, portmap, firewall.</summary>
    public static JsonObject BuildBridgeConfig(string name, string bridge, Ipv4Subnet subnet, string? gateway, string? ipRange, bool internalNet)
    {
        string gw = gateway ?? subnet.FirstHost;
        var range = new JsonObject { ["subnet"] = subnet.ToString(), ["gateway"] = gw };
        if (ipRange is not null)
        {
            var r = Ipv4Subnet.Parse(ipRange);
            range["rangeStart"] = Ipv4Subnet.ToIp(r.Network == subnet.Network ? r.Network + 2 : r.Network);
            range["rangeEnd"] = Ipv4Subnet.ToIp(r.Broadcast - 1);
        }
        var ipam = new JsonObject
        {
            ["type"] = "host-local",
            ["ranges"] = new JsonArray(new JsonArray(range)),
            ["dataDir"] = IpamDirectory,
        };
        if (!internalNet) ipam["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" });
        var plugins = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = bridge,
                ["isGateway"] = !internalNet,
                ["ipMasq"] = !internalNet,
                ["hairpinMode"] = true,
                ["ipam"] = ipam,
            },
        };
        if (!internalNet)
            plugins.Add(new JsonObject { ["type"] = "portmap", ["capabilities"] = new JsonObject { ["portMappings"] = true }, ["snat"] = true });
        plugins.Add(new JsonObject { ["type"] = "firewall", ["backend"] = "iptables" });
        return new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = name, ["plugins"] = plugins };
    }

    /// <summary>A macvlan or ipvlan list on a host interface, with host-local addresses.</summary>
    public static JsonObject BuildVlanConfig(string name, string driver, string parent, Ipv4Subnet subnet, string? gateway, bool internalNet)
    {
        var range = new JsonObject { ["subnet"] = subnet.ToString() };
        if (!internalNet) range["gateway"] = gateway ?? subnet.FirstHost;
        var ipam = new JsonObject { ["type"] = "host-local", ["ranges"] = new JsonArray(new JsonArray(range)), ["dataDir"] = IpamDirectory };
        if (!internalNet) ipam["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" });
        var plugin = new JsonObject { ["type"] = driver, ["master"] = parent, ["mode"] = driver == "macvlan" ? "bridge" : "l2", ["ipam"] = ipam };
        return new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = name, ["plugins"] = new JsonArray(plugin) };
    }

    /// <summary>Create a network (bridge by default) and write its configuration list.</summary>
    public ContainerNetwork Create(NetworkCreateOptions o)
    {
        ValidateName(o.Name);
        string driver = (o.Driver ?? "bridge").ToLowerInvariant();
        if (driver is not ("bridge" or "macvlan" or "ipvlan"))
            throw new InvalidArgumentException(ErrorIds.InvalidNetworkDriver, $"Unknown network driver '{o.Driver}' (use bridge, macvlan or ipvlan, or drop a CNI conflist into {Directory}).", o.Driver);
        Ipv4Subnet? wanted = o.Subnet is null ? null : Ipv4Subnet.Parse(o.Subnet);
        if (wanted is Ipv4Subnet w && w.Prefix > 30)
            throw new InvalidArgumentException(ErrorIds.InvalidSubnet, $"Subnet {w} is too small for containers (use /30 or larger).", o.Subnet);
        if (o.Gateway is not null)
        {
            if (!Ipv4Subnet.TryParseIp(o.Gateway, out uint g)) throw new InvalidArgumentException(ErrorIds.InvalidGateway, $"'{o.Gateway}' is not an IPv4 address.", o.Gateway);
            if (wanted is null) throw new InvalidArgumentException(ErrorIds.GatewayWithoutSubnet, "A gateway needs a subnet.", o.Gateway) { Remedy = Remedy.GiveSubnet };
            if (!wanted.Value.Contains(g) || g == wanted.Value.Network || g == wanted.Value.Broadcast)
                throw new InvalidArgumentException(ErrorIds.InvalidGateway, $"Gateway {o.Gateway} is not a host address of subnet {wanted}.", o.Gateway);
        }
        if (o.IPRange is not null && wanted is Ipv4Subnet ws && !ws.Overlaps(Ipv4Subnet.Parse(o.IPRange)))
            throw new InvalidArgumentException(ErrorIds.InvalidIPRange, $"IP range {o.IPRange} is not inside subnet {ws}.", o.IPRange);

        System.IO.Directory.CreateDirectory(Directory);
        using var l = FileLock.Exclusive(LockPath);
        if (Get(o.Name) is not null || o.Name == DefaultNetworkName)
            throw new ConflictException(ErrorIds.NetworkExists, $"A network named '{o.Name}' already exists.", o.Name);
        var existing = List();
        // names that differ only in case would be one network to a PowerShell user (-Network and -Name take any case)
        if (existing.Select(n => n.Name).Append(DefaultNetworkName).FirstOrDefault(n => n.Equals(o.Name, StringComparison.OrdinalIgnoreCase)) is { } twin)
            throw new ConflictException(ErrorIds.NetworkExists, twin == o.Name ? $"A network named '{o.Name}' already exists."
                : $"A network named '{twin}' already exists; names that differ only in case are not allowed.", o.Name);
        foreach (var n in existing)
            if (wanted is Ipv4Subnet ws2 && Ipv4Subnet.TryParse(n.Subnet, out var es) && es.Overlaps(ws2))
                throw new ConflictException(ErrorIds.SubnetInUse, $"Subnet {ws2} overlaps network '{n.Name}' ({n.Subnet}).", o.Subnet);
        if (wanted is Ipv4Subnet ws3 && HostRoutes().FirstOrDefault(r => r.Subnet.Overlaps(ws3) && r.Subnet.Prefix > 0 && !IsOurBridge(r.Device)) is var hit && hit.Device is not null)
            throw new ConflictException(ErrorIds.SubnetInUse, $"Subnet {ws3} overlaps the host route {hit.Subnet} on {hit.Device}.", o.Subnet);

        JsonObject conf;
        if (driver == "bridge")
        {
            using var g = FileLock.Exclusive(Path.Combine(RunDirectory, "subnets.lock"));
            int index = ReserveIndex(o.Name, wanted is null);
            string bridge = o.BridgeName ?? $"psc{index}";
            var subnet = wanted ?? Ipv4Subnet.Parse($"10.89.{index}.0/24");
            conf = BuildBridgeConfig(o.Name, bridge, subnet, o.Gateway, o.IPRange, o.Internal);
            if (o.DisableDns) conf["pscDns"] = "off";
            if (o.Labels.Count > 0) conf["pscLabels"] = LabelsNode(o.Labels);
            AtomicFile.WriteAllText(ConfigPath(o.Name), conf.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            WriteReservation(index, o.Name);
        }
        else
        {
            string parent = o.Parent ?? HostRoutes().FirstOrDefault(r => r.Subnet.Prefix == 0).Device
                ?? throw new InvalidArgumentException(ErrorIds.NoParentInterface, "No parent interface was given and the host has no default route.", o.Name) { Remedy = Remedy.GiveParentInterface };
            if (!System.IO.Directory.Exists("/sys/class/net/" + parent))
                throw new ResourceNotFoundException(ErrorIds.NoParentInterface, $"The host has no interface '{parent}'.", parent);
            if (wanted is null) throw new InvalidArgumentException(ErrorIds.SubnetRequired, $"A {driver} network needs a subnet (the subnet of the parent interface's LAN).", o.Name) { Remedy = Remedy.GiveSubnet };
            conf = BuildVlanConfig(o.Name, driver, parent, wanted.Value, o.Gateway, o.Internal);
            if (o.DisableDns) conf["pscDns"] = "off";
            if (o.Labels.Count > 0) conf["pscLabels"] = LabelsNode(o.Labels);
            AtomicFile.WriteAllText(ConfigPath(o.Name), conf.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
        var created = Describe(conf, ConfigPath(o.Name));
        Events?.Emit(EventType.Network, "create", created.Name, ("name", created.Name), ("type", created.Driver));
        return created;
    }

    private static JsonObject LabelsNode(Dictionary<string, string> labels)
    {
        var node = new JsonObject();
        foreach (var (k, v) in labels.OrderBy(l => l.Key, StringComparer.Ordinal)) node[k] = v;
        return node;
    }

    /// <summary>Where network events (create, destroy) are recorded; none when null. A network's actor id is its name (networks have no other id).</summary>
    public EventLog? Events { get; init; }

    /// <summary>Delete the network's file, its bridge (when nothing else uses it), its subnet's rules (<see cref="NetworkFirewall.Remove"/>) and its subnet reservation.</summary>
    public void Remove(string name)
    {
        using var l = FileLock.Exclusive(LockPath);
        var (conf, path) = FindConfig(name);
        if (conf is null) throw new ResourceNotFoundException(ErrorIds.NetworkNotFound, $"No network named '{name}'.", name);
        var n = Describe(conf, path!);
        new NetworkDns(Paths).Stop(n.Name);
        File.Delete(path!);
        if (n.Driver == "bridge" && n.Interface is string br && br.StartsWith("psc") && !n.IsDefault)
        {
            // Our own bridge goes with the network, as docker and podman remove theirs. The caller has checked that
            // no container uses the network; a veth still on the bridge belongs to a container whose release is
            // still running (it is detached), so give it a moment, then remove the bridge regardless.
            string brif = $"/sys/class/net/{br}/brif";
            for (int i = 0; i < 40 && System.IO.Directory.Exists(brif) && System.IO.Directory.EnumerateFileSystemEntries(brif).Any(); i++)
                Thread.Sleep(50);
            if (System.IO.Directory.Exists($"/sys/class/net/{br}"))
                HostCommand.Run("ip", "link", "del", br);
            // its subnet's NAT and forwarding rules go with it, as docker's go with its networks
            NetworkFirewall.For(conf)?.Remove();
            ReleaseReservation(name);
        }
        // host-local's lease directory: deleted without following links, never into another mount
        SafeTree.Delete(Path.Combine(IpamDirectory, name));
        Events?.Emit(EventType.Network, "destroy", n.Name, ("name", n.Name), ("type", n.Driver));
    }

    // ---- subnet / bridge index reservations, host-wide (store roots share the host's links and routes) ----

    private string ReservationDir => Path.Combine(RunDirectory, "subnets");

    private int ReserveIndex(string name, bool needSubnet)
    {
        System.IO.Directory.CreateDirectory(ReservationDir);
        var routes = HostRoutes();
        for (int i = 1; i < 255; i++)
        {
            string f = Path.Combine(ReservationDir, i.ToString(CultureInfo.InvariantCulture));
            if (File.Exists(f) && !IsStale(f)) continue;
            if (System.IO.Directory.Exists($"/sys/class/net/psc{i}")) continue;
            var s = Ipv4Subnet.Parse($"10.89.{i}.0/24");
            if (needSubnet && (routes.Any(r => r.Subnet.Prefix > 0 && r.Subnet.Overlaps(s)) || List().Any(n => Ipv4Subnet.TryParse(n.Subnet, out var ns) && ns.Overlaps(s)))) continue;
            return i;
        }
        throw new PscException(ErrorIds.NoFreeSubnet, PscErrorCategory.LimitsExceeded, "No free 10.89.x.0/24 subnet is left.", name) { Remedy = Remedy.GiveSubnet };
    }

    private void WriteReservation(int index, string name) =>
        AtomicFile.WriteAllText(Path.Combine(ReservationDir, index.ToString(CultureInfo.InvariantCulture)), Paths.Root + "\n" + name + "\n");

    private void ReleaseReservation(string name)
    {
        if (!System.IO.Directory.Exists(ReservationDir)) return;
        foreach (var f in System.IO.Directory.EnumerateFiles(ReservationDir))
        {
            var lines = SafeRead(f);
            if (lines.Length >= 2 && lines[0] == Paths.Root && lines[1] == name) File.Delete(f);
        }
    }

    private static bool IsStale(string reservation)
    {
        var lines = SafeRead(reservation);
        return lines.Length < 2 || !File.Exists(Path.Combine(NetworkLayout.NetworksDirectory(lines[0]), lines[1] + ".conflist"));
    }

    private static string[] SafeRead(string f) { try { return File.ReadAllLines(f); } catch (IOException) { return Array.Empty<string>(); } }

    private static bool IsOurBridge(string dev) => dev.StartsWith("psc") && System.IO.Directory.Exists($"/sys/class/net/{dev}/bridge");

    /// <summary>IPv4 routes of the host from /proc/net/route.</summary>
    public static List<(Ipv4Subnet Subnet, string Device)> HostRoutes()
    {
        var list = new List<(Ipv4Subnet, string)>();
        try
        {
            foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
            {
                var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 8) continue;
                uint dst = SwapHex(f[1]), mask = SwapHex(f[7]);
                int prefix = System.Numerics.BitOperations.PopCount(mask);
                list.Add((new Ipv4Subnet(dst & mask, prefix), f[0].Trim()));
            }
        }
        catch (IOException) { }
        return list;
    }

    private static uint SwapHex(string hex)
    {
        uint v = uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);
    }
}
