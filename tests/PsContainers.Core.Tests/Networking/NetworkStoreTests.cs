using System.Text.Json.Nodes;
using PsContainers.Core;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

[Collection("NetworkRunDirectory")]
public sealed class NetworkStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-ns-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _oldRun = NetworkStore.RunDirectory;
    private readonly NetworkStore _store;

    public NetworkStoreTests()
    {
        NetworkStore.RunDirectory = Path.Combine(_dir, "run");
        _store = new NetworkStore(new PscPaths(Path.Combine(_dir, "root")));
    }

    public void Dispose()
    {
        NetworkStore.RunDirectory = _oldRun;
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void DefaultNetworkIsABridgeWithNatAndPortmap()
    {
        Assert.Null(_store.Get("pscontainers"));
        _store.EnsureDefault();
        var n = _store.Get("pscontainers")!;
        Assert.True(n.IsDefault);
        Assert.Equal(("bridge", "10.89.0.0/24", "10.89.0.1", "psc0", false), (n.Driver, n.Subnet, n.Gateway, n.Interface, n.Internal));
        Assert.False(n.DnsEnabled);
        Assert.Equal(new[] { "bridge", "portmap", "firewall" }, n.Plugins);
        var conf = _store.GetConfig("pscontainers");
        var bridge = conf["plugins"]![0]!;
        Assert.True((bool)bridge["ipMasq"]!);
        Assert.True((bool)bridge["isGateway"]!);
        Assert.Equal("host-local", (string?)bridge["ipam"]!["type"]);
        Assert.Equal(NetworkStore.IpamDirectory, (string?)bridge["ipam"]!["dataDir"]);
        Assert.True((bool)conf["plugins"]![1]!["capabilities"]!["portMappings"]!);
    }

    [Fact]
    public void CreateAllocatesAFreeSubnetAndBridge()
    {
        var a = _store.Create(new NetworkCreateOptions { Name = "frontend" });
        var b = _store.Create(new NetworkCreateOptions { Name = "backend" });
        Assert.Matches(@"^10\.89\.\d+\.0/24$", a.Subnet);
        Assert.NotEqual(a.Subnet, b.Subnet);
        Assert.NotEqual(a.Interface, b.Interface);
        Assert.Equal("psc" + a.Subnet!.Split('.')[2], a.Interface);
        Assert.True(a.DnsEnabled);
        Assert.Equal(new[] { "backend", "frontend" }, _store.List().Select(n => n.Name));
        Assert.True(File.Exists(_store.ConfigPath("frontend")));
    }

    [Fact]
    public void ExplicitSubnetGatewayAndInternal()
    {
        var n = _store.Create(new NetworkCreateOptions { Name = "internal1", Subnet = "172.30.5.0/24", Gateway = "172.30.5.254", Internal = true });
        Assert.Equal(("172.30.5.0/24", "172.30.5.254", true), (n.Subnet, n.Gateway, n.Internal));
        Assert.DoesNotContain("portmap", n.Plugins);
        var bridge = _store.GetConfig("internal1")["plugins"]![0]!;
        Assert.False((bool)bridge["ipMasq"]!);
        Assert.Null(bridge["ipam"]!["routes"]);
    }

    [Theory]
    [InlineData("host")]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("HOST")]
    [InlineData("Bridge")]
    [InlineData("Default")]
    [InlineData("Container")]
    [InlineData("bad name")]
    [InlineData("-dash")]
    public void BadNamesAreRefused(string name) =>
        Assert.Equal("InvalidNetworkName", Assert.Throws<InvalidArgumentException>(() => _store.Create(new NetworkCreateOptions { Name = name })).ErrorId);

    [Theory]
    [InlineData("PsContainers")]
    [InlineData("FRONT")]
    public void A_name_that_differs_from_an_existing_one_only_in_case_is_refused(string name)
    {
        _store.Create(new NetworkCreateOptions { Name = "front" });
        var e = Assert.Throws<ConflictException>(() => _store.Create(new NetworkCreateOptions { Name = name }));
        Assert.Equal("NetworkExists", e.ErrorId);
        Assert.Contains("only in case", e.Message);
        Assert.Null(_store.Get(name));
        // the same name again is plainly a duplicate
        Assert.Equal("A network named 'front' already exists.", Assert.Throws<ConflictException>(() => _store.Create(new NetworkCreateOptions { Name = "front" })).Message);
    }

    [Fact]
    public void ConflictsAreRefused()
    {
        _store.Create(new NetworkCreateOptions { Name = "one", Subnet = "172.31.0.0/16" });
        Assert.Equal("NetworkExists", Assert.Throws<ConflictException>(() => _store.Create(new NetworkCreateOptions { Name = "one" })).ErrorId);
        Assert.Equal("SubnetInUse", Assert.Throws<ConflictException>(() => _store.Create(new NetworkCreateOptions { Name = "two", Subnet = "172.31.9.0/24" })).ErrorId);
        Assert.Equal("InvalidGateway", Assert.Throws<InvalidArgumentException>(() => _store.Create(new NetworkCreateOptions { Name = "three", Subnet = "172.29.0.0/24", Gateway = "172.28.0.1" })).ErrorId);
        Assert.Equal("InvalidSubnet", Assert.Throws<InvalidArgumentException>(() => _store.Create(new NetworkCreateOptions { Name = "four", Subnet = "nonsense" })).ErrorId);
        Assert.Equal("InvalidNetworkDriver", Assert.Throws<InvalidArgumentException>(() => _store.Create(new NetworkCreateOptions { Name = "five", Driver = "overlay" })).ErrorId);
        Assert.Single(_store.List());
    }

    [Fact]
    public void HostRoutesAreAvoided()
    {
        var route = NetworkStore.HostRoutes().FirstOrDefault(r => r.Subnet.Prefix >= 8 && !r.Device.StartsWith("psc"));
        if (route.Device is null) return; // no routed subnet on this host
        var e = Assert.Throws<ConflictException>(() => _store.Create(new NetworkCreateOptions { Name = "clash", Subnet = route.Subnet.ToString() }));
        Assert.Equal("SubnetInUse", e.ErrorId);
    }

    [Fact]
    public void RemoveDeletesTheFileAndFreesTheSubnet()
    {
        var a = _store.Create(new NetworkCreateOptions { Name = "temp" });
        _store.Remove("temp");
        Assert.Null(_store.Get("temp"));
        var b = _store.Create(new NetworkCreateOptions { Name = "again" });
        Assert.Equal(a.Subnet, b.Subnet);
        Assert.Equal("NetworkNotFound", Assert.Throws<ResourceNotFoundException>(() => _store.Remove("temp")).ErrorId);
    }

    [Fact]
    public void MacvlanOnAParentInterface()
    {
        var n = _store.Create(new NetworkCreateOptions { Name = "lan", Driver = "macvlan", Parent = "lo", Subnet = "192.168.77.0/24" });
        Assert.Equal(("macvlan", "lo", "192.168.77.1"), (n.Driver, n.Interface, n.Gateway));
        var e = Assert.Throws<ResourceNotFoundException>(() => _store.Create(new NetworkCreateOptions { Name = "lan2", Driver = "ipvlan", Parent = "nosuchif0", Subnet = "192.168.78.0/24" }));
        Assert.Equal("NoParentInterface", e.ErrorId);
    }

    [Fact]
    public void DroppedInConflistIsUsableByName()
    {
        Directory.CreateDirectory(_store.Directory);
        File.WriteAllText(Path.Combine(_store.Directory, "90-ipvlan.conflist"), """
            {"cniVersion":"0.4.0","name":"myipvlan","plugins":[{"type":"ipvlan","master":"eth0","ipam":{"type":"host-local","subnet":"192.168.50.0/24","routes":[{"dst":"0.0.0.0/0"}]}}]}
            """);
        var n = _store.Get("myipvlan")!;
        Assert.Equal(("ipvlan", "192.168.50.0/24", "eth0", false), (n.Driver, n.Subnet, n.Interface, n.Internal));
        Assert.Equal("myipvlan", (string?)_store.GetConfig("myipvlan")["name"]);
    }

    [Fact]
    public void SubnetArithmetic()
    {
        var s = Ipv4Subnet.Parse("10.89.3.77/24");
        Assert.Equal("10.89.3.0/24", s.ToString());
        Assert.Equal("10.89.3.1", s.FirstHost);
        Assert.True(s.Overlaps(Ipv4Subnet.Parse("10.89.0.0/16")));
        Assert.False(s.Overlaps(Ipv4Subnet.Parse("10.89.4.0/24")));
        Assert.False(Ipv4Subnet.TryParse("10.89.3.0/33", out _));
        Assert.False(Ipv4Subnet.TryParse("fe80::/64", out _));
    }

    [Fact]
    public void ResolvConfDropsLoopbackNameservers()
    {
        const string host = "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp.example\noptions edns0\n";
        var c = ContainerNetworking.BuildResolvConf(host, "bridge");
        Assert.DoesNotContain("127.0.0.53", c);
        Assert.Contains("nameserver 10.0.0.2\n", c);
        Assert.Contains("search corp.example\n", c);
        Assert.Contains("options edns0\n", c);
        Assert.Contains("127.0.0.53", ContainerNetworking.BuildResolvConf(host, "host"));
        Assert.Contains("nameserver 1.1.1.1\n", ContainerNetworking.BuildResolvConf(host, "bridge", new[] { "1.1.1.1" }));
        // only loopback servers left: docker's public fallback (before, the container got no nameserver at all)
        var fallback = ContainerNetworking.BuildResolvConf("nameserver 127.0.0.1\n", "bridge");
        Assert.Equal(new[] { "8.8.8.8", "8.8.4.4" }, HostResolvConf.Nameservers(fallback));
        Assert.StartsWith("# ", fallback);
        Assert.Equal(new[] { "127.0.0.1" }, HostResolvConf.Nameservers(ContainerNetworking.BuildResolvConf("nameserver 127.0.0.1\n", "host")));
        // a network's own name server and -Dns come before the fallback
        Assert.Equal(new[] { "10.89.1.1" }, HostResolvConf.Nameservers(ContainerNetworking.BuildResolvConf("nameserver 127.0.0.1\n", "bridge", null, "10.89.1.1")));
        Assert.Equal(new[] { "9.9.9.9" }, HostResolvConf.Nameservers(ContainerNetworking.BuildResolvConf("nameserver 127.0.0.1\n", "bridge", new[] { "9.9.9.9" })));
    }

    [Fact]
    public void ResolvConfTakesDnsSearchAndOptionsInsteadOfTheHosts()
    {
        const string host = "nameserver 10.0.0.2\nsearch corp.example\noptions edns0\n";
        var c = ContainerNetworking.BuildResolvConf(host, "bridge", new[] { "1.1.1.1" }, null, new[] { "a.example", "b.example" }, new[] { "ndots:2", "timeout:1" });
        Assert.Equal("search a.example b.example\noptions ndots:2 timeout:1\nnameserver 1.1.1.1\n", c);
        // "." alone clears the host's search domains (docker --dns-search .)
        Assert.DoesNotContain("search", ContainerNetworking.BuildResolvConf(host, "bridge", null, null, new[] { "." }));
        Assert.Contains("search corp.example\n", ContainerNetworking.BuildResolvConf(host, "bridge"));
    }

    [Fact]
    public void HostResolvConfReadsSystemdResolvedsUpstreamsInsteadOfItsStub()
    {
        string dir = Directory.CreateTempSubdirectory("psc-resolv-").FullName;
        try
        {
            string etc = Path.Combine(dir, "resolv.conf"), resolved = Path.Combine(dir, "resolved.conf");
            File.WriteAllText(etc, "# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n");
            File.WriteAllText(resolved, "nameserver 192.0.2.10\nnameserver 192.0.2.11\nsearch lan\n");
            Assert.Equal(new[] { "192.0.2.10", "192.0.2.11" }, HostResolvConf.Nameservers(HostResolvConf.Read(etc, resolved)));
            // the container gets the upstreams, not the stub and not the fallback
            Assert.Equal(new[] { "192.0.2.10", "192.0.2.11" }, HostResolvConf.Nameservers(ContainerNetworking.BuildResolvConf(HostResolvConf.Read(etc, resolved), "bridge")));
            // without systemd-resolved's file: the stub is dropped and the fallback applies
            Assert.Equal(new[] { "8.8.8.8", "8.8.4.4" }, HostResolvConf.Nameservers(ContainerNetworking.BuildResolvConf(HostResolvConf.Read(etc, Path.Combine(dir, "absent")), "bridge")));
            // another loopback server besides the stub: /etc/resolv.conf is kept (docker only switches for the stub alone)
            File.WriteAllText(etc, "nameserver 127.0.0.53\nnameserver 10.0.0.2\n");
            Assert.Equal(new[] { "127.0.0.53", "10.0.0.2" }, HostResolvConf.Nameservers(HostResolvConf.Read(etc, resolved)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void RemoveNetworkRefusesANetworkInUseWithoutForce()
    {
        var cn = new ContainerNetworking(_store.Paths, _store);
        var e = Assert.Throws<ResourceNotFoundException>(() => cn.RemoveNetwork("nope", force: false));
        Assert.Equal((ErrorIds.NetworkNotFound, "nope"), (e.ErrorId, e.Target));

        _store.Create(new NetworkCreateOptions { Name = "t-used", Subnet = "172.30.9.0/24" });
        // a container attached to it, as ContainerNetworking records one (its network.json)
        const string id = "c0ffee00000000000000000000000000000000000000000000000000000000aa";
        var state = new ContainerNetworkState
        {
            ContainerId = id, ContainerName = "web1",
            Networks = [new NetworkAttachment { Network = "t-used", IfName = "eth0" }],
        };
        Directory.CreateDirectory(Path.GetDirectoryName(cn.StatePath(id))!);
        File.WriteAllText(cn.StatePath(id), System.Text.Json.JsonSerializer.Serialize(state));

        var busy = Assert.Throws<ConflictException>(() => cn.RemoveNetwork("t-used", force: false));
        Assert.Equal((ErrorIds.NetworkInUse, PscErrorCategory.ResourceBusy, "t-used", Remedy.Force), (busy.ErrorId, busy.Category, busy.Target, busy.Remedy));
        Assert.Equal("Network 't-used' is used by container(s) web1.", busy.Message);
        Assert.NotNull(_store.Get("t-used"));

        // once the container is gone, the network goes without force
        File.Delete(cn.StatePath(id));
        cn.RemoveNetwork("t-used", force: false);
        Assert.Null(_store.Get("t-used"));
    }
}

[CollectionDefinition("NetworkRunDirectory", DisableParallelization = true)]
public sealed class NetworkRunDirectoryCollection { }
