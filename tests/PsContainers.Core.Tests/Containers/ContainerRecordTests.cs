using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime;

namespace PsContainers.Core.Tests.Containers;

/// <summary>container.json keeps the create options typed, in docker inspect's shapes, and reads back the same. Root-free.</summary>
public sealed class ContainerRecordTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-rec-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerStore _store;

    public ContainerRecordTests() => _store = new ContainerStore(new PscPaths(_root));
    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    private static Container Typed()
    {
        var ports = PortParser.Parse("127.0.0.1:8080:80");
        ports.AddRange(PortParser.Parse("53/udp"));
        ports.AddRange(PortParser.Parse("9000-9010:90"));
        var c = new Container
        {
            Id = ContainerStore.NewId(),
            Name = "typed",
            Image = "busybox",
            ImageId = "sha256:" + new string('a', 64),
            Created = DateTime.UtcNow,
            Config = new ContainerConfig { Cmd = ["sh"], Labels = { ["tier"] = "web" } },
            HostConfig = new HostConfig
            {
                Resources = new ResourceLimits { Memory = 64L << 20 },
                NetworkModeKind = NetworkMode.Bridge,
                PortMappings = ports,
                PublishAllPorts = true,
                Ulimits = [new Ulimit("nofile", 100, 200), new Ulimit("core", 0, ulong.MaxValue)],
            },
            Mounts =
            [
                new MountSpec { Type = MountKind.Bind, Source = "/srv", Destination = "/srv", ReadOnly = true },
                new MountSpec { Type = MountKind.Volume, Source = "data", Destination = "/data", Options = ["nocopy"] },
                new MountSpec { Type = MountKind.Tmpfs, Destination = "/run", Tmpfs = TmpfsMount.FromOptions(["size=10m", "mode=755", "noexec"]) },
            ],
            State = new ContainerState { Status = ContainerStatus.Created },
        };
        c.NetworkSettings.EndpointsConfig["front"] = new ContainerEndpoint { IPAMConfig = new EndpointIPAMConfig { IPv4Address = "10.89.1.5" }, Aliases = ["web", "www"] };
        c.NetworkSettings.EndpointsConfig["back"] = new ContainerEndpoint();
        return c;
    }

    private JsonObject Record(Container c) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "containers", c.Id, "container.json")))!;

    [Fact]
    public void Typed_options_round_trip_through_container_json()
    {
        var c = Typed();
        using (_store.LockStore()) _store.Publish(c);
        var back = _store.Load(c.Id)!;

        Assert.Equal(NetworkMode.Bridge, back.HostConfig.NetworkModeKind);
        Assert.True(back.HostConfig.PublishAllPorts);
        Assert.Equal(64L << 20, back.HostConfig.Memory);
        Assert.Equal(
            c.HostConfig.PortMappings.Select(p => (p.HostIP, p.HostPort, p.RangeEnd, p.ContainerPort, p.Protocol)),
            back.HostConfig.PortMappings.Select(p => (p.HostIP, p.HostPort, p.RangeEnd, p.ContainerPort, p.Protocol)));
        // docker inspect's map of what was asked, the same as the record holds
        Assert.Equal(["80/tcp", "53/udp", "90/tcp"], back.HostConfig.PortBindings.Keys);
        Assert.Equal([new PortBinding("127.0.0.1", "8080")], back.HostConfig.PortBindings["80/tcp"]);
        Assert.Equal([new PortBinding("", "")], back.HostConfig.PortBindings["53/udp"]);
        Assert.Equal([new PortBinding("", "9000-9010")], back.HostConfig.PortBindings["90/tcp"]);
        Assert.Equal([new Ulimit("nofile", 100, 200), new Ulimit("core", 0, ulong.MaxValue)], back.HostConfig.Ulimits);
        Assert.Equal(["front", "back"], back.NetworkSettings.EndpointsConfig.Keys);
        Assert.Equal(["front", "back"], back.NetworkSettings.Networks.Keys); // not running: the networks it joins at start
        Assert.Equal("10.89.1.5", back.NetworkSettings.Networks["front"].IPAMConfig?.IPv4Address);
        Assert.Equal(["web", "www"], back.NetworkSettings.Networks["front"].Aliases);
        Assert.Null(back.NetworkSettings.Networks["back"].IPAMConfig);
        Assert.Null(back.NetworkSettings.Networks["front"].IPAddress); // assigned at start only: a created container has none
        Assert.Equal([MountKind.Bind, MountKind.Volume, MountKind.Tmpfs], back.Mounts.Select(m => m.Type));
        Assert.True(back.Mounts[0].ReadOnly);
        Assert.Equal(["nocopy"], back.Mounts[1].Options);
        var t = back.Mounts[2].Tmpfs!;
        Assert.Equal((10L << 20, 493 /* 0755 */), (t.SizeBytes, t.Mode));
        Assert.Equal(["noexec"], t.Options);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "web" }, back.Labels); // labels carry only the user's
        Assert.Equal("0.0.0.0:9000-9010->90/tcp, 127.0.0.1:8080->80/tcp, 53/udp", back.Ports); // PortMapping.Format: by protocol, address, port
    }

    [Fact]
    public void The_record_uses_docker_inspect_shapes_and_enum_names()
    {
        var c = Typed();
        using (_store.LockStore()) _store.Publish(c);
        var j = Record(c);
        var hc = j["HostConfig"]!.AsObject();
        Assert.Equal("Bridge", (string?)hc["NetworkMode"]);
        Assert.True((bool)hc["PublishAllPorts"]!);
        Assert.Equal("""{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],"53/udp":[{"HostIp":"","HostPort":""}],"90/tcp":[{"HostIp":"","HostPort":"9000-9010"}]}""",
            hc["PortBindings"]!.ToJsonString());
        Assert.Equal("""[{"Name":"nofile","Soft":100,"Hard":200},{"Name":"core","Soft":0,"Hard":18446744073709551615}]""", hc["Ulimits"]!.ToJsonString());
        Assert.Null(hc["Networks"]);
        Assert.Null(hc["Tmpfs"]);
        var front = j["NetworkSettings"]!["Networks"]!["front"]!;
        Assert.Equal("10.89.1.5", (string?)front["IPAMConfig"]!["IPv4Address"]);
        Assert.Null(front["IPAddress"]); // the assigned address is runtime state, never in the record
        Assert.Equal("""["web","www"]""", front["Aliases"]!.ToJsonString());
        var mounts = j["Mounts"]!.AsArray();
        Assert.Equal(["Bind", "Volume", "Tmpfs"], mounts.Select(m => (string?)m!["Type"]));
        Assert.Equal(10L << 20, (long)mounts[2]!["Tmpfs"]!["SizeBytes"]!);
        Assert.Equal(493, (int)mounts[2]!["Tmpfs"]!["Mode"]!);
        Assert.DoesNotContain("io.pscontainers.network", j.ToJsonString());
    }

    [Fact]
    public void An_older_record_with_port_strings_and_lower_case_types_still_loads()
    {
        var c = Typed();
        using (_store.LockStore()) _store.Publish(c);
        string path = Path.Combine(_root, "containers", c.Id, "container.json");
        var j = Record(c);
        j["HostConfig"]!["PortBindings"] = new JsonArray("0.0.0.0:8080->80/tcp", "53/udp");
        j["HostConfig"]!["NetworkMode"] = "bridge";
        j["Mounts"]![0]!["Type"] = "bind";
        File.WriteAllText(path, j.ToJsonString());
        var back = _store.Load(c.Id)!;
        Assert.Equal(NetworkMode.Bridge, back.HostConfig.NetworkModeKind);
        Assert.Equal(MountKind.Bind, back.Mounts[0].Type);
        Assert.Equal([("", 8080, 80, "tcp"), ("", 0, 53, "udp")], back.HostConfig.PortMappings.Select(p => (p.HostIP, p.HostPort, p.ContainerPort, p.Protocol)));
    }

    [Fact]
    public void A_record_written_before_ResourceLimits_loads_its_flat_limits_and_keeps_that_shape()
    {
        var c = Typed();
        using (_store.LockStore()) _store.Publish(c);
        string path = Path.Combine(_root, "containers", c.Id, "container.json");
        // the flat HostConfig limits, as every record written before the typed ResourceLimits holds them (docker's names)
        var j = Record(c);
        var hc = j["HostConfig"]!.AsObject();
        foreach (var k in new[] { "Memory", "MemorySwap", "Cpus", "CpuShares", "CpusetCpus", "PidsLimit", "Resources" }) hc.Remove(k);
        hc["Memory"] = 64L << 20;
        hc["Cpus"] = 0.5;
        hc["PidsLimit"] = 42;
        hc["MemorySwap"] = -1;
        hc["CpuShares"] = 512;
        hc["CpusetCpus"] = "0-1";
        File.WriteAllText(path, j.ToJsonString());

        var back = _store.Load(c.Id)!;
        Assert.Equal(new ResourceLimits { Memory = 64L << 20, Cpus = 0.5, PidsLimit = 42, MemorySwap = -1, CpuShares = 512, CpusetCpus = "0-1" },
            back.HostConfig.Resources);
        // the rest of the record is untouched by the limits
        Assert.Equal(NetworkMode.Bridge, back.HostConfig.NetworkModeKind);
        Assert.Equal([new Ulimit("nofile", 100, 200), new Ulimit("core", 0, ulong.MaxValue)], back.HostConfig.Ulimits);

        // written again, the limits keep docker inspect's flat names and values, with no nested object
        using (_store.LockStore()) _store.SaveDefinition(back);
        var again = Record(back)["HostConfig"]!.AsObject();
        Assert.Equal(64L << 20, (long)again["Memory"]!);
        Assert.Equal(0.5, (double)again["Cpus"]!);
        Assert.Equal(42, (long)again["PidsLimit"]!);
        Assert.Equal(-1, (long)again["MemorySwap"]!);
        Assert.Equal(512UL, (ulong)again["CpuShares"]!);
        Assert.Equal("0-1", (string?)again["CpusetCpus"]);
        Assert.False(again.ContainsKey("Resources"));
    }

    [Fact]
    public void A_record_without_limits_has_no_limits()
    {
        var c = Typed();
        c.HostConfig.Resources = ResourceLimits.None;
        using (_store.LockStore()) _store.Publish(c);
        var back = _store.Load(c.Id)!;
        Assert.True(back.HostConfig.Resources.IsEmpty);
        Assert.Null(back.HostConfig.Memory);
        Assert.Null(back.HostConfig.CpusetCpus);
    }

    [Theory]
    [InlineData("""{"80":[{"HostIp":"","HostPort":"x"}]}""")]
    [InlineData("""{"http/tcp":[]}""")]
    [InlineData("""{"80/tcp":{}}""")]
    [InlineData("\"8080:80\"")]
    public void A_malformed_PortBindings_is_a_json_error(string portBindings)
    {
        var opts = new JsonSerializerOptions(ContainerStore.Json);
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<HostConfig>($$"""{"PortBindings":{{portBindings}}}""", opts));
    }
}
