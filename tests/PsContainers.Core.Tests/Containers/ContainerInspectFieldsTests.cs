using System.Text.Json.Nodes;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// The docker inspect fields of a container that are not its create options: what the network setup assigned
/// (NetworkSettings.Networks[name] addresses, MAC, gateway, NetworkID; NetworkSettings.Ports; SandboxKey), read from
/// network.json only when asked and only while the container runs; HostConfig.Binds and the Mounts' docker fields.
/// Root-free.
/// </summary>
public sealed class ContainerInspectFieldsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-insp-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerStore _store;

    public ContainerInspectFieldsTests() => _store = new ContainerStore(new PscPaths(_root));
    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    private static ContainerNetworkState Running(string id) => new()
    {
        ContainerId = id,
        NetnsPath = "/run/netns/psc-test",
        Networks =
        [
            new NetworkAttachment { Network = "front", IPAddress = "10.89.1.5", PrefixLength = 24, Gateway = "10.89.1.1", MacAddress = "de:ad:be:ef:00:01" },
            new NetworkAttachment { Network = "back", IfName = "eth1", IPAddress = "10.90.0.7", PrefixLength = 16, Gateway = "10.90.0.1", MacAddress = "de:ad:be:ef:00:02" },
        ],
        Ports =
        [
            new PortMapping { HostPort = 8080, ContainerPort = 80, Protocol = "tcp" },
            new PortMapping { HostIP = "127.0.0.1", HostPort = 40001, ContainerPort = 53, Protocol = "udp" },
        ],
    };

    private static ContainerNetworkSettings Settings()
    {
        var s = new ContainerNetworkSettings();
        s.EndpointsConfig["front"] = new ContainerEndpoint { IPAMConfig = new EndpointIPAMConfig { IPv4Address = "10.89.1.5" }, Aliases = ["web"] };
        s.EndpointsConfig["back"] = new ContainerEndpoint();
        s.EndpointsConfig = s.EndpointsConfig; // links the endpoints to their names, as a read from container.json does
        return s;
    }

    [Fact]
    public void A_running_container_shows_what_the_setup_assigned_on_each_network()
    {
        var s = Settings();
        s.Bind(new Lazy<ContainerNetworkState?>(() => Running("x")));
        var front = s.Networks["front"];
        Assert.Equal(("10.89.1.5", 24, "10.89.1.1", "de:ad:be:ef:00:01"), (front.IPAddress, front.IPPrefixLen, front.Gateway, front.MacAddress));
        var back = s.Networks["back"];
        Assert.Equal(("10.90.0.7", 16, "10.90.0.1", "de:ad:be:ef:00:02"), (back.IPAddress, back.IPPrefixLen, back.Gateway, back.MacAddress));
        Assert.Equal("2d08afa374c959a47d1365dc8c3f2badca2988741d678c046bb3a5cebf2159db", ContainerEndpoint.IdOf("pscontainers")); // sha256("pscontainers")
        Assert.Equal(ContainerEndpoint.IdOf("front"), front.NetworkID);
        Assert.Equal(64, back.NetworkID.Length);
        Assert.Equal("/run/netns/psc-test", s.SandboxKey);
        Assert.Equal(["80/tcp", "53/udp"], s.Ports.Keys);
        Assert.Equal([new PortBinding("0.0.0.0", "8080")], s.Ports["80/tcp"]);
        Assert.Equal([new PortBinding("127.0.0.1", "40001")], s.Ports["53/udp"]);
    }

    [Fact]
    public void A_stopped_container_has_them_cleared_and_keeps_what_was_asked()
    {
        var s = Settings();
        s.Bind(null);
        var front = s.Networks["front"];
        Assert.Equal((null, 0, null, null), (front.IPAddress, front.IPPrefixLen, front.Gateway, front.MacAddress));
        Assert.Equal("10.89.1.5", front.IPAMConfig?.IPv4Address);
        Assert.Equal(["web"], front.Aliases);
        Assert.Equal(ContainerEndpoint.IdOf("front"), front.NetworkID); // docker keeps NetworkID after a stop
        Assert.Null(s.SandboxKey);
        Assert.Empty(s.Ports);
    }

    [Fact]
    public void The_network_state_is_read_only_when_a_runtime_field_is_asked_for()
    {
        int reads = 0;
        var s = Settings();
        s.Bind(new Lazy<ContainerNetworkState?>(() => { reads++; return Running("x"); }));
        _ = s.EndpointsConfig["front"].Aliases;
        _ = s.EndpointsConfig["front"].NetworkID;
        _ = s.EndpointsConfig["front"].IPAMConfig;
        Assert.Equal(0, reads);
        _ = s.Networks["front"].IPAddress;
        _ = s.Networks["back"].MacAddress;
        _ = s.Ports;
        _ = s.SandboxKey;
        Assert.Equal(1, reads);
    }

    [Fact]
    public void A_running_container_lists_the_networks_it_is_on_now_joined_at_start_or_later()
    {
        var s = Settings();
        s.EndpointsConfig["left"] = new ContainerEndpoint { Aliases = ["gone"] };
        s.EndpointsConfig = s.EndpointsConfig;
        var state = Running("x");
        state.Networks.Add(new NetworkAttachment { Network = "later", IfName = "eth2", IPAddress = "10.91.0.3", PrefixLength = 24, Gateway = "10.91.0.1", MacAddress = "de:ad:be:ef:00:03", Aliases = ["cache"] });
        s.Bind(new Lazy<ContainerNetworkState?>(() => state));
        // joined at start and still on: the endpoint create recorded; joined later (Connect): one made from the state;
        // recorded but left (Disconnect): not listed, as docker drops it
        Assert.Equal(["front", "back", "later"], s.Networks.Keys);
        Assert.Same(s.EndpointsConfig["front"], s.Networks["front"]);
        var later = s.Networks["later"];
        Assert.Equal(("10.91.0.3", 24, "10.91.0.1", "de:ad:be:ef:00:03"), (later.IPAddress, later.IPPrefixLen, later.Gateway, later.MacAddress));
        Assert.Equal(["cache"], later.Aliases);
        Assert.Null(later.IPAMConfig);
        Assert.Equal(ContainerEndpoint.IdOf("later"), later.NetworkID);
        Assert.Null(s.EndpointsConfig["left"].IPAddress);
        Assert.Equal(0, s.EndpointsConfig["left"].IPPrefixLen);
        // stopped: the networks it joins at start again, addresses cleared
        s.Bind(null);
        Assert.Equal(["front", "back", "left"], s.Networks.Keys);
        Assert.Null(s.Networks["front"].IPAddress);
    }

    [Theory]
    [InlineData(NetworkMode.Host, "host")]
    [InlineData(NetworkMode.None, "none")]
    public void The_host_and_none_modes_have_one_entry_of_their_name_without_an_address(NetworkMode mode, string name)
    {
        var c = new Container { HostConfig = new HostConfig { NetworkModeKind = mode } };
        c.NetworkSettings.Bind(new Lazy<ContainerNetworkState?>(() => new ContainerNetworkState { Mode = name }));
        var e = Assert.Single(c.NetworkSettings.Networks);
        Assert.Equal(name, e.Key);
        Assert.Equal((null, 0, null, null), (e.Value.IPAddress, e.Value.IPPrefixLen, e.Value.Gateway, e.Value.MacAddress));
        Assert.Empty(e.Value.Aliases);
        Assert.Null(e.Value.IPAMConfig);
        Assert.Equal(ContainerEndpoint.IdOf(name), e.Value.NetworkID);
        Assert.Empty(c.NetworkSettings.EndpointsConfig); // nothing recorded: the entry is docker's view only
    }

    [Fact]
    public void A_container_sharing_another_s_namespace_has_no_entry()
    {
        var c = new Container { HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = new string('a', 64) } };
        c.NetworkSettings.Bind(new Lazy<ContainerNetworkState?>(() => Running("x")));
        Assert.Empty(c.NetworkSettings.Networks);
    }

    [Fact]
    public void Load_links_a_container_that_does_not_run_to_no_network_state_even_when_a_stale_file_is_left()
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = "stale", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] }, HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Bridge } };
        c.NetworkSettings.EndpointsConfig["front"] = new ContainerEndpoint();
        c.State = new ContainerState { Status = ContainerStatus.Exited, ExitCode = 0 };
        using (_store.LockStore()) _store.Publish(c);
        File.WriteAllText(ContainerNetworkState.PathIn(_store.DirOf(c.Id)), System.Text.Json.JsonSerializer.Serialize(Running(c.Id), ContainerNetworkState.Json));
        var back = _store.Load(c.Id)!;
        Assert.Null(back.NetworkSettings.Networks["front"].IPAddress);
        Assert.Empty(back.NetworkSettings.Ports);
        Assert.Null(back.NetworkSettings.SandboxKey);
    }

    [Fact]
    public void An_older_record_whose_IPAddress_was_the_fixed_address_reads_it_as_IPAMConfig()
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = "old", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] }, HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Bridge } };
        c.NetworkSettings.EndpointsConfig["front"] = new ContainerEndpoint();
        using (_store.LockStore()) _store.Publish(c);
        string path = Path.Combine(_store.DirOf(c.Id), "container.json");
        var j = JsonNode.Parse(File.ReadAllText(path))!;
        j["NetworkSettings"]!["Networks"]!["front"] = JsonNode.Parse("""{"IPAddress":"10.89.0.44","Aliases":["db"]}""");
        File.WriteAllText(path, j.ToJsonString());
        var e = _store.Load(c.Id)!.NetworkSettings.Networks["front"];
        Assert.Equal("10.89.0.44", e.IPAMConfig?.IPv4Address);
        Assert.Equal(["db"], e.Aliases);
        Assert.Null(e.IPAddress);
        // written again, the fixed address is IPAMConfig only
        var again = _store.Load(c.Id)!;
        _store.SaveDefinition(again);
        var front = JsonNode.Parse(File.ReadAllText(path))!["NetworkSettings"]!["Networks"]!["front"]!;
        Assert.Equal("10.89.0.44", (string?)front["IPAMConfig"]!["IPv4Address"]);
        Assert.Null(front["IPAddress"]);
    }

    [Fact]
    public void Binds_and_the_docker_mount_fields_follow_the_mounts()
    {
        var c = new Container
        {
            Mounts =
            [
                new MountSpec { Type = MountKind.Bind, Source = "/srv", Destination = "/srv", ReadOnly = true },
                new MountSpec { Type = MountKind.Bind, Source = "/opt", Destination = "/opt", Options = ["rshared"] },
                new MountSpec { Type = MountKind.Volume, Source = "data", Destination = "/data" },
                new MountSpec { Type = MountKind.Volume, Source = new string('b', 64), Destination = "/anon", Options = [MountSpec.AnonymousOption] },
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/run" },
            ],
        };
        Assert.Equal(["/srv:/srv:ro", "/opt:/opt", "data:/data"], c.HostConfig.Binds);
        c.HostConfig = new HostConfig();
        Assert.Equal(["/srv:/srv:ro", "/opt:/opt", "data:/data"], c.HostConfig.Binds); // a replaced HostConfig still reads the container's mounts
        var m = c.Mounts;
        Assert.Equal([null, null, "data", new string('b', 64), null], m.Select(x => x.Name));
        Assert.Equal([false, true, true, true, true], m.Select(x => x.RW));
        Assert.Equal(["ro", "rw", "rw", "rw", "rw"], m.Select(x => x.Mode));
        Assert.Equal(["rprivate", "rshared", "", "", ""], m.Select(x => x.Propagation));
        Assert.Equal([null, null, "local", "local", null], m.Select(x => x.Driver));
        Assert.Empty(new HostConfig().Binds);
    }

    [Fact]
    public void A_recorded_volume_mount_s_Source_is_the_volume_s_host_directory_and_the_record_keeps_the_name()
    {
        var c = new Container
        {
            Id = ContainerStore.NewId(), Name = "vols", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] },
            ImageId = "sha256:" + new string('c', 64),
            Mounts =
            [
                new MountSpec { Type = MountKind.Volume, Source = "data", Destination = "/data" },
                new MountSpec { Type = MountKind.Bind, Source = "/srv", Destination = "/srv", ReadOnly = true },
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/run" },
            ],
        };
        Assert.Equal("data", c.Mounts[0].Source); // not recorded yet: the name as given
        using (_store.LockStore()) _store.Publish(c);
        string data = Path.Combine(_root, "volumes", "data", "_data");
        Assert.Equal(data, c.Mounts[0].Source); // recorded: docker's Source, …/volumes/<name>/_data
        var back = _store.Load(c.Id)!;
        Assert.Equal([data, "/srv", null], back.Mounts.Select(m => m.Source));
        Assert.Equal(["data", null, null], back.Mounts.Select(m => m.Name));
        Assert.Equal(["data:/data", "/srv:/srv:ro"], back.HostConfig.Binds); // -Volume form: a volume by its name
        Assert.Equal(["data"], _store.GetImageUsers().Single().Volumes);
        // the record keeps the name, as before; saved again, too
        _store.SaveDefinition(back);
        var mounts = JsonNode.Parse(File.ReadAllText(Path.Combine(_store.DirOf(c.Id), "container.json")))!["Mounts"]!.AsArray();
        Assert.Equal(["data", "/srv", null], mounts.Select(m => (string?)m!["Source"]));
        // a copy is not linked to the store
        Assert.Equal("data", back.Mounts[0].Copy().Source);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void A_recorded_volume_name_that_is_not_plain_names_no_host_directory(string name)
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = "odd", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] } };
        using (_store.LockStore()) _store.Publish(c);
        string path = Path.Combine(_store.DirOf(c.Id), "container.json");
        var j = JsonNode.Parse(File.ReadAllText(path))!;
        j["Mounts"] = new JsonArray(new JsonObject { ["Type"] = "Volume", ["Source"] = name, ["Destination"] = "/d" });
        File.WriteAllText(path, j.ToJsonString());
        var m = _store.Load(c.Id)!.Mounts.Single();
        Assert.Null(m.Source);
        Assert.Equal(name, m.Name);
    }

    // issue 11 point 4: docker's shapes for the fields ConvertTo-Json writes

    private static string? DockerWord<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())!.GetCustomAttributes(typeof(System.Runtime.Serialization.EnumMemberAttribute), false)
            .Cast<System.Runtime.Serialization.EnumMemberAttribute>().SingleOrDefault()?.Value;

    [Fact]
    public void The_enums_docker_writes_as_words_carry_the_words_the_engine_writes()
    {
        // ConvertTo-Json (Json.NET's enum converter) writes the EnumMember value: it must be the word state.json,
        // container.json and docker write
        foreach (var s in Enum.GetValues<ContainerStatus>()) Assert.Equal(PsContainers.Contract.ContainerStateFile.StatusText(s), DockerWord(s));
        foreach (var n in Enum.GetValues<PsContainers.Contract.RestartPolicyName>()) Assert.Equal(PsContainers.Contract.RestartPolicy.Text(n), DockerWord(n));
        foreach (var k in Enum.GetValues<MountKind>()) Assert.Equal(PsContainers.Core.Volumes.MountKindJsonConverter.Name(k), DockerWord(k));
        Assert.Equal("unless-stopped", DockerWord(PsContainers.Contract.RestartPolicyName.UnlessStopped));
        Assert.Equal("running", DockerWord(ContainerStatus.Running));
    }

    [Fact]
    public void The_inspect_types_have_no_public_engine_members()
    {
        // ConvertTo-Json writes every public instance property: docker's RestartPolicy is {Name, MaximumRetryCount}
        static string[] Public(Type t) => t.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["MaximumRetryCount", "Name"], Public(typeof(PsContainers.Contract.RestartPolicy)));
        Assert.DoesNotContain("IsEmpty", Public(typeof(ResourceLimits)));
        Assert.DoesNotContain("IsDefault", Public(typeof(SecurityOptions)));
        Assert.Empty(Public(typeof(EmptyObject)));
    }

    [Fact]
    public void Config_ExposedPorts_is_docker_s_map_and_container_json_keeps_its_list()
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = "ports", Image = "busybox:1.36", Config = new ContainerConfig { Cmd = ["sh"] } };
        c.Config.ExposedPortList = ["80/tcp", "53/udp", "80/tcp"];
        Assert.Equal(["80/tcp", "53/udp"], c.Config.ExposedPorts.Keys);
        Assert.All(c.Config.ExposedPorts.Values, v => Assert.Same(EmptyObject.Value, v));
        Assert.Equal("""{"80/tcp":{},"53/udp":{}}""", System.Text.Json.JsonSerializer.Serialize(c.Config.ExposedPorts));
        using (_store.LockStore()) _store.Publish(c);
        var rec = JsonNode.Parse(File.ReadAllText(Path.Combine(_store.DirOf(c.Id), "container.json")))!["Config"]!;
        Assert.Equal(["80/tcp", "53/udp", "80/tcp"], rec["ExposedPorts"]!.AsArray().Select(p => (string?)p));
        Assert.Null(rec["Image"]); // computed, not stored
        var back = _store.Load(c.Id)!;
        Assert.Equal(["80/tcp", "53/udp"], back.Config.ExposedPorts.Keys);
        // Config.Image: the reference the container was created from
        Assert.Equal("busybox:1.36", back.Config.Image);
        Assert.Equal("", new ContainerConfig().Image);
        back.Config = new ContainerConfig();
        Assert.Equal("busybox:1.36", back.Config.Image);
    }

    [Fact]
    public void HostConfig_Tmpfs_maps_each_tmpfs_destination_to_its_options()
    {
        var c = new Container
        {
            Mounts =
            [
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/run", Tmpfs = TmpfsMount.FromOptions(["size=64m", "noexec", "mode=1777"]) },
                new MountSpec { Type = MountKind.Bind, Source = "/srv", Destination = "/srv" },
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/cache", ReadOnly = true, Tmpfs = TmpfsMount.FromOptions(["size=50%"]) },
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/scratch", Tmpfs = new TmpfsMount() },
            ],
        };
        Assert.Equal(["/run", "/cache", "/scratch"], c.HostConfig.Tmpfs.Keys);
        Assert.Equal("noexec,size=67108864,mode=1777", c.HostConfig.Tmpfs["/run"]);
        Assert.Equal("ro,size=50%", c.HostConfig.Tmpfs["/cache"]);
        Assert.Equal("", c.HostConfig.Tmpfs["/scratch"]);
        Assert.Empty(new HostConfig().Tmpfs);
    }

    [Fact]
    public void A_pod_member_shows_the_infra_container_s_networks_and_a_plain_shared_namespace_none()
    {
        var infra = new Container { Id = ContainerStore.NewId(), Name = "pod-infra", Image = "infra", Config = new ContainerConfig { Cmd = ["--pause"] }, HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Bridge }, Pod = "p" };
        infra.NetworkSettings.EndpointsConfig["front"] = new ContainerEndpoint { Aliases = ["pod"] };
        var member = new Container { Id = ContainerStore.NewId(), Name = "pod-member", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] }, Pod = "p" };
        member.HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = infra.Id };
        var plain = new Container { Id = ContainerStore.NewId(), Name = "plain", Image = "busybox", Config = new ContainerConfig { Cmd = ["sh"] } };
        plain.HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = infra.Id };
        using (_store.LockStore()) { _store.Publish(infra); _store.Publish(member); _store.Publish(plain); }
        var m = _store.Load(member.Id)!;
        Assert.Equal(["front"], m.NetworkSettings.Networks.Keys);
        Assert.Equal(["pod"], m.NetworkSettings.Networks["front"].Aliases);
        Assert.Null(m.NetworkSettings.Networks["front"].IPAddress); // the infra does not run: cleared, as its own
        Assert.Empty(m.NetworkSettings.Ports);
        Assert.Empty(_store.Load(plain.Id)!.NetworkSettings.Networks); // docker's container:<x>: no entry
    }
}
