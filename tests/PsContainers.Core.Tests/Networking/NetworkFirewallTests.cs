using System.Diagnostics;
using System.Text.Json.Nodes;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

/// <summary>
/// <see cref="NetworkFirewall"/>: which lists it takes over, the list a container's ADD then runs, and the rules it sets,
/// checks and removes. The rules are set with the real iptables inside a network namespace of the test's own
/// (`ip netns add`, iptables run through nsenter), so the host's rules are never read or changed.
/// </summary>
[Collection("NetworkRunDirectory")]
public sealed class NetworkFirewallTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-fw-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _oldRun = NetworkStore.RunDirectory;
    // not psc-*: build.ps1 test reports /run/netns/psc-* namespaces left with no process (suites of other trees may be running)
    private readonly string _ns = "fwtest-" + Guid.NewGuid().ToString("N")[..8];
    private bool _nsMade;

    public NetworkFirewallTests()
    {
        NetworkStore.RunDirectory = Path.Combine(_dir, "run");
    }

    public void Dispose()
    {
        NetworkStore.RunDirectory = _oldRun;
        if (_nsMade) Run("ip", "netns", "del", _ns);
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static JsonObject Bridge(bool internalNet = false) =>
        NetworkStore.BuildBridgeConfig("webnet", "psc77", Ipv4Subnet.Parse("10.77.3.0/24"), null, null, internalNet);

    private static List<string?> Types(JsonObject list) => ((JsonArray)list["plugins"]!).Select(p => (string?)p!["type"]).ToList();

    [Fact]
    public void Takes_over_the_bridge_lists_the_engine_writes_and_leaves_the_network_list_unchanged()
    {
        var conf = Bridge();
        string before = conf.ToJsonString();
        var fw = NetworkFirewall.For(conf)!;
        Assert.Equal(before, conf.ToJsonString());
        Assert.Equal(("webnet", "psc77", "10.77.3.0/24", true, true), (fw.Network, fw.Bridge, fw.Subnet, fw.Masquerade, fw.Forward));
        Assert.Matches("^PSC-MASQ-[0-9a-f]{16}$", fw.MasqueradeChain);
        Assert.True(fw.MasqueradeChain.Length <= 28); // iptables' chain name limit
        // a container's ADD: bridge without ipMasq (and everything else as written), portmap kept, no firewall plugin
        Assert.Equal(["bridge", "portmap"], Types(fw.AttachList));
        var bridge = fw.AttachList["plugins"]![0]!.AsObject();
        Assert.False((bool)bridge["ipMasq"]!);
        Assert.True((bool)bridge["isGateway"]!);
        Assert.Equal(conf["plugins"]![0]!["ipam"]!.ToJsonString(), bridge["ipam"]!.ToJsonString());
        Assert.Equal("webnet", (string?)fw.AttachList["name"]);
        // the attach list asks for nothing more, so it is never taken over again
        Assert.Null(NetworkFirewall.For(fw.AttachList));
        // without portmap (a container that publishes nothing) only the bridge plugin runs
        Assert.Equal(["bridge"], Types(NetworkFirewall.For(ContainerNetworking.WithoutPortPlugins(conf))!.AttachList));
    }

    [Fact]
    public void An_internal_network_keeps_only_the_forwarding_rules()
    {
        var fw = NetworkFirewall.For(Bridge(internalNet: true))!;
        Assert.False(fw.Masquerade);
        Assert.True(fw.Forward);
        Assert.Equal(["bridge"], Types(fw.AttachList));
    }

    [Theory]
    [InlineData("firewall-option")]   // ingressPolicy (isolation) is the plugin's own business
    [InlineData("other-backend")]     // firewalld
    [InlineData("firewall-not-last")]
    [InlineData("bridge-option")]     // ipMasqBackend, vlan, ... may change what ipMasq does
    [InlineData("unknown-plugin")]    // tuning, bandwidth ...
    [InlineData("two-ranges")]
    [InlineData("not-a-bridge")]
    [InlineData("nothing-asked")]     // no ipMasq, no firewall: nothing to take over
    public void Runs_any_other_list_as_written(string variant)
    {
        var conf = Bridge();
        var plugins = (JsonArray)conf["plugins"]!;
        var bridge = plugins[0]!.AsObject();
        switch (variant)
        {
            case "firewall-option": plugins[2]!["ingressPolicy"] = "same-bridge"; break;
            case "other-backend": plugins[2]!["backend"] = "firewalld"; break;
            case "firewall-not-last": plugins.Add(new JsonObject { ["type"] = "portmap" }); break;
            case "bridge-option": bridge["ipMasqBackend"] = "nftables"; break;
            case "unknown-plugin": plugins.Insert(1, new JsonObject { ["type"] = "tuning" }); break;
            case "two-ranges": ((JsonArray)bridge["ipam"]!["ranges"]!).Add(new JsonArray(new JsonObject { ["subnet"] = "10.77.4.0/24" })); break;
            case "not-a-bridge": bridge["type"] = "macvlan"; break;
            case "nothing-asked": bridge["ipMasq"] = false; plugins.RemoveAt(2); break;
        }
        Assert.Null(NetworkFirewall.For(conf));
    }

    [Fact]
    public void Sets_the_rules_once_refills_what_went_missing_and_removes_them_with_the_network()
    {
        Assert.Equal(0, Run("ip", "netns", "add", _ns).ExitCode);
        _nsMade = true;
        string[] inNs = ["nsenter", $"--net=/run/netns/{_ns}"];
        var fw = NetworkFirewall.For(Bridge(), inNs)!;
        NetworkFirewall.ForgetEnsured();

        Assert.Equal(7, fw.Missing().Count);
        fw.Ensure();
        Assert.Empty(fw.Missing());
        var nat = Save("nat");
        Assert.Contains($":{fw.MasqueradeChain} ", nat);
        var masq = Lines(nat, $"-A {fw.MasqueradeChain} ");
        Assert.Equal(2, masq.Count);
        Assert.StartsWith($"-A {fw.MasqueradeChain} -d 10.77.3.0/24 ", masq[0]);
        Assert.EndsWith("-j ACCEPT", masq[0]);
        Assert.StartsWith($"-A {fw.MasqueradeChain} ! -d 224.0.0.0/4 ", masq[1]);
        Assert.EndsWith("-j MASQUERADE", masq[1]);
        Assert.Single(Lines(nat, "-A POSTROUTING -s 10.77.3.0/24 ").Where(l => l.EndsWith($"-j {fw.MasqueradeChain}")));
        var filter = Save("filter");
        // the firewall plugin's structure: FORWARD jumps to CNI-FORWARD first, which jumps to CNI-ADMIN first
        Assert.StartsWith("-A FORWARD -m comment --comment \"CNI firewall plugin rules\" -j CNI-FORWARD", Lines(filter, "-A FORWARD ")[0]);
        var fwd = Lines(filter, "-A CNI-FORWARD ");
        Assert.Equal(3, fwd.Count);
        Assert.EndsWith("-j CNI-ADMIN", fwd[0]);
        Assert.Contains(fwd, l => l.StartsWith("-A CNI-FORWARD -d 10.77.3.0/24 -m conntrack --ctstate RELATED,ESTABLISHED ") && l.EndsWith("-j ACCEPT"));
        Assert.Contains(fwd, l => l.StartsWith("-A CNI-FORWARD -s 10.77.3.0/24 ") && l.EndsWith("-j ACCEPT"));

        // within the recheck interval the process trusts what it set: no iptables run at all
        Assert.Equal(0, Run([.. inNs, "iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-s", "10.77.3.0/24", "-m", "comment", "--comment", $"psc nat psc77 10.77.3.0/24", "-j", fw.MasqueradeChain]).ExitCode);
        Assert.Equal(0, Run([.. inNs, "iptables", "-w", "-t", "nat", "-D", fw.MasqueradeChain, "1"]).ExitCode);
        fw.Ensure();
        Assert.Equal(2, fw.Missing().Count);

        // read again (a new process, or after the interval): only what is missing is added, the own chain in order
        NetworkFirewall.ForgetEnsured();
        fw.Ensure();
        Assert.Empty(fw.Missing());
        nat = Save("nat");
        masq = Lines(nat, $"-A {fw.MasqueradeChain} ");
        Assert.Equal(2, masq.Count);
        Assert.EndsWith("-j ACCEPT", masq[0]);
        Assert.EndsWith("-j MASQUERADE", masq[1]);
        Assert.Single(Lines(nat, "-A POSTROUTING "));
        Assert.Equal(3, Lines(Save("filter"), "-A CNI-FORWARD ").Count);
        Assert.Single(Lines(Save("filter"), "-A FORWARD "));

        // another process removed the rules (a network removed and made again on the same bridge and subnet): its removal
        // generation tells this process, which trusted them, to read again
        Assert.Equal(0, Run([.. inNs, "iptables", "-w", "-t", "filter", "-D", "CNI-FORWARD", "-s", "10.77.3.0/24", "-m", "comment", "--comment", "psc outbound psc77 10.77.3.0/24", "-j", "ACCEPT"]).ExitCode);
        fw.Ensure();
        Assert.Single(fw.Missing());
        File.WriteAllText(Path.Combine(NetworkStore.RunDirectory, "firewall.generation"), "another process removed rules");
        fw.Ensure();
        Assert.Empty(fw.Missing());
        Assert.Equal(3, Lines(Save("filter"), "-A CNI-FORWARD ").Count);

        // a second network beside it gets rules of its own
        var other = NetworkFirewall.For(NetworkStore.BuildBridgeConfig("other", "psc78", Ipv4Subnet.Parse("10.77.4.0/24"), null, null, false), inNs)!;
        other.Ensure();
        Assert.NotEqual(fw.MasqueradeChain, other.MasqueradeChain);
        Assert.Equal(5, Lines(Save("filter"), "-A CNI-FORWARD ").Count);

        string before = File.ReadAllText(Path.Combine(NetworkStore.RunDirectory, "firewall.generation"));
        fw.Remove();
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(NetworkStore.RunDirectory, "firewall.generation")));
        nat = Save("nat");
        Assert.DoesNotContain(fw.MasqueradeChain, nat);
        Assert.DoesNotContain("10.77.3.0/24", nat + Save("filter"));
        Assert.Equal(5, fw.Missing().Count); // all but the plugin's two shared jumps
        // the other network's rules and the plugin's shared chains stay
        Assert.Empty(other.Missing());
        fw.Remove(); // idempotent
        Assert.Empty(other.Missing());
    }

    private string Save(string table) => Run("nsenter", $"--net=/run/netns/{_ns}", "iptables-save", "-t", table).Stdout;

    private static List<string> Lines(string save, string prefix) =>
        save.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static (int ExitCode, string Stdout) Run(params string[] words)
    {
        var psi = new ProcessStartInfo(words[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var w in words[1..]) psi.ArgumentList.Add(w);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return (p.ExitCode, o);
    }
}
