using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PsContainers.Cni;
using PsContainers.Core.Util;

namespace PsContainers.Core.Networking;

/// <summary>
/// The NAT and forwarding rules of one bridge network, set once for the network's subnet instead of once for each
/// container (docker sets its bridge's MASQUERADE and FORWARD rules when it creates the network in the same way).
/// </summary>
/// <remarks>
/// <para>A configuration list of the shape <see cref="NetworkStore.BuildBridgeConfig"/> writes (a "bridge" plugin with
/// host-local addresses from one IPv4 subnet, then optionally "portmap", then "firewall" with the iptables backend and
/// no other option) asks the plugins, for every container, for:</para>
/// <list type="bullet">
/// <item>the bridge plugin's <c>ipMasq</c> (containernetworking/plugins pkg/ip/ipmasq_iptables_linux.go): nat
/// <c>POSTROUTING -s IP -j CNI-hash</c>, and in that chain <c>-d SUBNET -j ACCEPT</c>, <c>! -d 224.0.0.0/4 -j MASQUERADE</c>;</item>
/// <item>the firewall plugin (plugins/meta/firewall/iptables.go): filter <c>FORWARD -j CNI-FORWARD</c> (inserted first),
/// <c>CNI-FORWARD -j CNI-ADMIN</c> (first, the administrator's overrides), then <c>CNI-FORWARD -d IP/32 -m conntrack
/// --ctstate RELATED,ESTABLISHED -j ACCEPT</c> and <c>CNI-FORWARD -s IP/32 -j ACCEPT</c>.</item>
/// </list>
/// <para>For such a list this class sets the same rules with the network's subnet in place of each address (in the
/// chain <c>PSC-MASQ-&lt;hash of bridge and subnet&gt;</c> and in CNI-FORWARD, each with a comment naming the bridge and
/// subnet), and <see cref="AttachList"/> is the list each container's CNI ADD runs: the bridge plugin without ipMasq and
/// no firewall plugin, so an attachment and its release run no iptables at all unless the container publishes ports
/// (portmap stays). The only addresses of the subnet that are not containers' are the network's own (the gateway on the
/// host's bridge), which the per-address rules did not cover: traffic the host itself sends from the gateway address
/// to another network is masqueraded, as docker's <c>-s SUBNET ! -o BRIDGE -j MASQUERADE</c> does.</para>
/// <para><see cref="Ensure"/> reads the rules with one iptables-save and adds only what is missing, under a host-wide
/// lock (iptables is host-wide); a process then trusts them for <see cref="RecheckInterval"/>, or until any process
/// removes a network's rules (a generation file in the run directory changes). The rules go with the
/// network (<see cref="Remove"/>, called by <see cref="NetworkStore.Remove"/>). Lists of any other shape (dropped in by
/// hand, macvlan, other firewall options) run exactly as written.</para>
/// </remarks>
public sealed class NetworkFirewall
{
    /// <summary>How long a process trusts rules it has set or seen before it reads them again (60 s).</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(60);

    /// <summary>Per rule set: when this process last set or saw it, and the removal generation it saw then.</summary>
    private static readonly ConcurrentDictionary<string, (long At, string Generation)> s_ensured = new();

    /// <summary>
    /// Bumped by every <see cref="Remove"/> on the host (RunDirectory/firewall.generation), so a process that trusts rules
    /// another process has removed since (a network removed and made again on the same bridge and subnet) reads again.
    /// </summary>
    private static string GenerationPath => Path.Combine(NetworkStore.RunDirectory, "firewall.generation");

    private static string ReadGeneration()
    {
        try { return File.ReadAllText(GenerationPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    private readonly string[] _command;

    /// <summary>The network's name (the list's "name").</summary>
    public string Network { get; }
    /// <summary>The Linux bridge of the network (the bridge plugin's "bridge").</summary>
    public string Bridge { get; }
    /// <summary>The network's IPv4 subnet in CIDR form, host bits clear (10.89.0.0/24).</summary>
    public string Subnet { get; }
    /// <summary>Traffic from the subnet to other networks is masqueraded (the list's bridge plugin has ipMasq).</summary>
    public bool Masquerade { get; }
    /// <summary>Forwarding from the subnet, and back for established connections, is accepted (the list has the firewall plugin).</summary>
    public bool Forward { get; }
    /// <summary>The configuration list a container's CNI ADD runs (a copy): the bridge plugin with ipMasq off, without the firewall plugin.</summary>
    public JsonObject AttachList { get; }
    /// <summary>The nat chain of this network's masquerade rules: PSC-MASQ- and 16 hex digits of SHA-256(bridge + " " + subnet).</summary>
    public string MasqueradeChain { get; }

    private NetworkFirewall(string network, string bridge, string subnet, bool masquerade, bool forward, JsonObject attachList, string[] command)
    {
        Network = network; Bridge = bridge; Subnet = subnet; Masquerade = masquerade; Forward = forward;
        AttachList = attachList;
        _command = command;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(bridge + " " + subnet));
        MasqueradeChain = "PSC-MASQ-" + Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    /// <summary>
    /// The network rules for <paramref name="conflist"/> when it has the shape described on the class; null when it has
    /// another shape or asks for neither masquerading nor the firewall plugin (then it runs as written).
    /// </summary>
    /// <param name="conflist">A CNI configuration list (not changed).</param>
    /// <param name="command">The iptables tools are run as this command prefix followed by the tool (none: run directly);
    /// tests give <c>nsenter --net=PATH</c> to work in a namespace of their own.</param>
    public static NetworkFirewall? For(JsonObject conflist, IReadOnlyList<string>? command = null)
    {
        var plugins = CniPlugins.PluginList(conflist);
        if (plugins is null || plugins.Count < 1 || conflist["plugins"] is not JsonArray) return null;
        string? name = (string?)conflist["name"];
        var bridge = plugins[0];
        if (name is null || (string?)bridge["type"] != "bridge" || bridge["bridge"] is not JsonValue bv || !bv.TryGetValue<string>(out var bridgeName)) return null;
        // only the keys BuildBridgeConfig writes: any other option (ipMasqBackend, vlan, ...) may change what ipMasq does
        if (bridge.Any(kv => kv.Key is not ("type" or "bridge" or "isGateway" or "ipMasq" or "hairpinMode" or "ipam"))) return null;
        if (bridge["ipam"] is not JsonObject ipam || (string?)ipam["type"] != "host-local") return null;
        if (ipam["ranges"] is not JsonArray { Count: 1 } sets || sets[0] is not JsonArray { Count: 1 } set || set[0] is not JsonObject range) return null;
        if (!Ipv4Subnet.TryParse((string?)range["subnet"], out var subnet)) return null;
        bool masq = bridge["ipMasq"] is JsonValue mv && mv.TryGetValue<bool>(out bool m) && m;
        bool forward = false;
        for (int i = 1; i < plugins.Count; i++)
        {
            var p = plugins[i];
            string? type = (string?)p["type"];
            if (type == "portmap" && !forward) continue;
            if (type == "firewall" && i == plugins.Count - 1 && (string?)p["backend"] == "iptables" && p.All(kv => kv.Key is "type" or "backend"))
            {
                forward = true;
                continue;
            }
            return null;
        }
        if (!masq && !forward) return null;
        var attach = (JsonObject)JsonNode.Parse(conflist.ToJsonString())!;
        var list = (JsonArray)attach["plugins"]!;
        list[0]!["ipMasq"] = false;
        if (forward) list.RemoveAt(list.Count - 1);
        return new NetworkFirewall(name, bridgeName, subnet.ToString(), masq, forward, attach, command?.ToArray() ?? []);
    }

    /// <summary>One rule: the table, the chain, where it goes (-I CHAIN 1 or -A CHAIN) and its match and target.</summary>
    private sealed record Rule(string Table, string Chain, bool First, string Comment, string[] Spec);

    private string Comment(string what) => $"psc {what} {Bridge} {Subnet}";

    /// <summary>The rules in the order they are added.</summary>
    private List<Rule> Rules()
    {
        var rules = new List<Rule>();
        if (Masquerade)
        {
            string c1 = Comment("local"), c2 = Comment("masquerade"), c3 = Comment("nat");
            rules.Add(new("nat", MasqueradeChain, false, c1, ["-d", Subnet, "-m", "comment", "--comment", c1, "-j", "ACCEPT"]));
            rules.Add(new("nat", MasqueradeChain, false, c2, ["!", "-d", "224.0.0.0/4", "-m", "comment", "--comment", c2, "-j", "MASQUERADE"]));
            rules.Add(new("nat", "POSTROUTING", false, c3, ["-s", Subnet, "-m", "comment", "--comment", c3, "-j", MasqueradeChain]));
        }
        if (Forward)
        {
            // the firewall plugin's own chains and jumps, with its comments, so the plugin (for other lists) sees them as its own
            const string pluginJump = "CNI firewall plugin rules", adminJump = "CNI firewall plugin admin overrides";
            rules.Add(new("filter", "FORWARD", true, pluginJump, ["-m", "comment", "--comment", pluginJump, "-j", "CNI-FORWARD"]));
            rules.Add(new("filter", "CNI-FORWARD", true, adminJump, ["-m", "comment", "--comment", adminJump, "-j", "CNI-ADMIN"]));
            string c4 = Comment("established"), c5 = Comment("outbound");
            rules.Add(new("filter", "CNI-FORWARD", false, c4, ["-d", Subnet, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-m", "comment", "--comment", c4, "-j", "ACCEPT"]));
            rules.Add(new("filter", "CNI-FORWARD", false, c5, ["-s", Subnet, "-m", "comment", "--comment", c5, "-j", "ACCEPT"]));
        }
        return rules;
    }

    private IEnumerable<(string Table, string Chain)> Chains()
    {
        if (Masquerade) yield return ("nat", MasqueradeChain);
        if (Forward) { yield return ("filter", "CNI-FORWARD"); yield return ("filter", "CNI-ADMIN"); }
    }

    private string CacheKey => string.Join(' ', _command) + "|" + Bridge + "|" + Subnet + "|" + Masquerade + "|" + Forward;

    /// <summary>
    /// Set whatever of the network's rules is missing (none when this process set or saw them less than
    /// <see cref="RecheckInterval"/> ago and no process has removed rules since). Safe to call from several processes at once (a host-wide lock,
    /// RunDirectory/firewall.lock, and iptables' own -w lock).
    /// </summary>
    /// <exception cref="PscException">NetworkRulesFailed (ResourceUnavailable): iptables refused a rule or could not be run.</exception>
    public void Ensure(CancellationToken ct = default)
    {
        string generation = ReadGeneration();
        if (s_ensured.TryGetValue(CacheKey, out var seen) && seen.Generation == generation && Stopwatch.GetElapsedTime(seen.At) < RecheckInterval) return;
        Directory.CreateDirectory(NetworkStore.RunDirectory);
        using (FileLock.Exclusive(Path.Combine(NetworkStore.RunDirectory, "firewall.lock"), ct))
        {
            var present = Read();
            foreach (var (table, chain) in Chains())
                if (!present.HasChain(table, chain)) Iptables(table, "-N", chain); // "already exists" from a racing plugin is fine: the rules below decide
            var rules = Rules();
            // this network's own chain is all or nothing: a partial one is refilled in order (ACCEPT before MASQUERADE)
            if (Masquerade && rules.Any(r => r.Chain == MasqueradeChain && !present.Has(r)))
            {
                Iptables("nat", "-F", MasqueradeChain);
                present.Forget("nat", MasqueradeChain);
            }
            foreach (var r in rules)
            {
                if (present.Has(r)) continue;
                string[] where = r.First ? ["-I", r.Chain, "1"] : ["-A", r.Chain];
                var (rc, _, err) = Iptables(r.Table, [.. where, .. r.Spec]);
                if (rc != 0)
                    throw new PscException(ErrorIds.NetworkRulesFailed, PscErrorCategory.ResourceUnavailable,
                        $"Cannot set the packet filter rules of network '{Network}': iptables -t {r.Table} {string.Join(' ', where)} ... failed (exit {rc}): {err.Trim()}", Network);
            }
        }
        s_ensured[CacheKey] = (Stopwatch.GetTimestamp(), generation);
    }

    /// <summary>The rules of the network that are not set now, as "table chain comment" (empty when all are): CNI CHECK's part for these rules.</summary>
    public IReadOnlyList<string> Missing()
    {
        var present = Read();
        return Rules().Where(r => !present.Has(r)).Select(r => $"{r.Table} {r.Chain} {r.Comment}").ToList();
    }

    /// <summary>Delete the network's rules and its nat chain (the network is removed). The firewall plugin's shared chains stay, as the plugin leaves them. Idempotent.</summary>
    public void Remove()
    {
        s_ensured.TryRemove(CacheKey, out _);
        Directory.CreateDirectory(NetworkStore.RunDirectory);
        using var l = FileLock.Exclusive(Path.Combine(NetworkStore.RunDirectory, "firewall.lock"));
        foreach (var r in Rules())
        {
            if (r.Chain == MasqueradeChain || r.Chain == "FORWARD" || r.Spec[^1] == "CNI-ADMIN") continue;
            for (int i = 0; i < 8 && Iptables(r.Table, ["-D", r.Chain, .. r.Spec]).ExitCode == 0; i++) { }
        }
        if (Masquerade)
        {
            Iptables("nat", "-F", MasqueradeChain);
            Iptables("nat", "-X", MasqueradeChain);
        }
        // other processes that trust these rules read them again at their next Ensure
        AtomicFile.WriteAllText(GenerationPath, Guid.NewGuid().ToString("N"), durable: false);
    }

    /// <summary>Forget what this process knows about every network's rules (tests; after rules were changed behind its back).</summary>
    public static void ForgetEnsured() => s_ensured.Clear();

    private (int ExitCode, string Stdout, string Stderr) Iptables(string table, params string[] args) =>
        Run(["iptables", "-w", "-t", table, .. args]);

    private (int ExitCode, string Stdout, string Stderr) Run(string[] words)
    {
        string[] all = [.. _command, .. words];
        return HostCommand.Run(all[0], all[1..]);
    }

    /// <summary>The rules as iptables-save prints them, by table.</summary>
    private Saved Read()
    {
        var (rc, stdout, err) = Run(["iptables-save"]);
        if (rc != 0)
            throw new PscException(ErrorIds.NetworkRulesFailed, PscErrorCategory.ResourceUnavailable, $"Cannot read the packet filter rules (iptables-save exit {rc}): {err.Trim()}", Network);
        return Saved.Parse(stdout);
    }

    /// <summary>iptables-save's output: per table, the chains (":NAME POLICY") and the rules ("-A CHAIN ...").</summary>
    private sealed class Saved
    {
        private readonly Dictionary<string, HashSet<string>> _chains = new();
        private readonly Dictionary<string, List<string>> _rules = new();

        public static Saved Parse(string text)
        {
            var s = new Saved();
            string table = "";
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.TrimEnd('\r');
                if (line.StartsWith('*')) { table = line[1..].Trim(); continue; }
                if (line.StartsWith(':'))
                {
                    int sp = line.IndexOf(' ');
                    s.Set(s._chains, table).Add(sp > 0 ? line[1..sp] : line[1..]);
                }
                else if (line.StartsWith("-A ", StringComparison.Ordinal)) s.Set(s._rules, table).Add(line);
            }
            return s;
        }

        private T Set<T>(Dictionary<string, T> d, string table) where T : new()
        {
            if (!d.TryGetValue(table, out var v)) d[table] = v = new T();
            return v;
        }

        public bool HasChain(string table, string chain) => _chains.TryGetValue(table, out var c) && c.Contains(chain);

        /// <summary>A rule in that chain with that comment (iptables-save quotes every comment).</summary>
        public bool Has(Rule r) =>
            _rules.TryGetValue(r.Table, out var l) && l.Any(x => x.StartsWith($"-A {r.Chain} ", StringComparison.Ordinal) && x.Contains($"--comment \"{r.Comment}\"", StringComparison.Ordinal));

        public void Forget(string table, string chain)
        {
            if (_rules.TryGetValue(table, out var l)) l.RemoveAll(x => x.StartsWith($"-A {chain} ", StringComparison.Ordinal));
        }
    }
}
