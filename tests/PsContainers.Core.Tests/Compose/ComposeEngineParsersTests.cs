using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// Compose reads ports and short volumes with the engine's own parsers (issue 12): what a service publishes is the
/// same <see cref="PortMapping"/> -Publish makes of the same text, a short volume is what -Volume makes of it (plus
/// compose's relative paths and project volume names), and a bad value fails the load naming the file:line, the
/// service and the key, with the engine's message.
/// </summary>
public sealed class ComposeEngineParsersTests : IDisposable
{
    private readonly ComposeDirectory _d = new("vocab");
    public void Dispose() => _d.Dispose();

    private ContainerProjectService Service(string body, string extra = "")
    {
        var f = _d.Write("compose.yaml", $"services:\n  a:\n    image: busybox\n{body}{extra}");
        return _d.Load(new ComposeLoadOptions { Files = [f], ProcessEnvironment = new Dictionary<string, string> { ["HOME"] = "/home/t" } }).GetService("a")!;
    }

    private static void SameMapping(PortMapping expected, PortMapping actual) =>
        Assert.Equal((expected.HostIP, expected.HostPort, expected.RangeEnd, expected.ContainerPort, expected.Protocol),
            (actual.HostIP, actual.HostPort, actual.RangeEnd, actual.ContainerPort, actual.Protocol));

    // compose-spec "ports" short syntax examples, and docker's -p forms
    [Theory]
    [InlineData("3000", 1)]
    [InlineData("3000-3005", 6)]
    [InlineData("8000:8000", 1)]
    [InlineData("9090-9091:8080-8081", 2)]
    [InlineData("8000-9000:80", 1)]
    [InlineData("127.0.0.1:8001:8001", 1)]
    [InlineData("127.0.0.1:5000-5010:5000-5010", 11)]
    [InlineData("127.0.0.1:8000-8001:80-81/udp", 2)]
    [InlineData("::1:6000:6000", 1)]
    [InlineData("[::1]:6001:6001", 1)]
    [InlineData("[::1]::443", 1)]
    [InlineData("6060:6060/udp", 1)]
    [InlineData("0.0.0.0:80:80/SCTP", 1)]
    public void AShortPortIsWhatPublishMakesOfTheSameText(string text, int count)
    {
        var a = Service($"    ports: [\"{text}\"]\n");
        var publish = PortParser.Parse(text);
        Assert.Equal(count, publish.Count);
        Assert.Equal(count, a.Ports.Count);
        for (int i = 0; i < count; i++) SameMapping(publish[i], a.Ports[i].Mapping);
    }

    [Fact]
    public void AShortPortKeepsItsTextForTheComposeView()
    {
        var a = Service("    ports: [\"::1:6000:6000\", \"0.0.0.0:80:80\", \"8000-9000:81\", \"127.0.0.1:8000-8001:90-91/udp\"]\n");
        Assert.Equal(["[::1]:6000:6000/tcp", "0.0.0.0:80:80/tcp", "8000-9000:81/tcp", "127.0.0.1:8000:90/udp", "127.0.0.1:8001:91/udp"], a.Ports.Select(p => p.ToString()));
        // 0.0.0.0 is every address for the engine, as -Publish 0.0.0.0:80:80 reads it; a host range for one port is any free one of it
        Assert.Equal("", a.Ports[1].Mapping.HostIP);
        Assert.Equal((8000, 9000), (a.Ports[2].Mapping.HostPort, a.Ports[2].Mapping.RangeEnd));
        Assert.Equal("::1", a.Ports[0].Mapping.HostIP);
    }

    [Fact]
    public void ALongPortIsTheSameValueAsItsShortForm()
    {
        var a = Service("""
                ports:
                  - { target: 80, published: "8080", host_ip: 127.0.0.1, protocol: udp, mode: host }
                  - { target: 81, published: 8000-8010 }
                  - { target: 82, host_ip: "::1" }
                  - target: 83

            """);
        SameMapping(Assert.Single(PortParser.Parse("127.0.0.1:8080:80/udp")), a.Ports[0].Mapping);
        SameMapping(Assert.Single(PortParser.Parse("8000-8010:81")), a.Ports[1].Mapping);
        SameMapping(Assert.Single(PortParser.Parse("[::1]::82")), a.Ports[2].Mapping);
        SameMapping(Assert.Single(PortParser.Parse("83")), a.Ports[3].Mapping);
        Assert.Equal("host", a.Ports[0].Mode);
    }

    [Theory]
    [InlineData("ports: [\"70000:80\"]", "services.a.ports: Invalid port specification '70000:80': '70000' is not a valid host port (1-65535)")]
    [InlineData("ports: [\"8000-8002:80-81\"]", "services.a.ports: Invalid port specification '8000-8002:80-81': the host range has 3 ports but the container range has 2")]
    [InlineData("ports: [\"1.2.3.4.5:80:80\"]", "services.a.ports: Invalid port specification '1.2.3.4.5:80:80': '1.2.3.4.5' is not an IP address")]
    [InlineData("ports: [\"[::1:80:80\"]", "services.a.ports: Invalid port specification '[::1:80:80': the IPv6 address is not closed with ']:'")]
    [InlineData("ports: [{ target: 80, host_ip: nowhere }]", "services.a.ports: Invalid port specification 'nowhere:80/tcp': 'nowhere' is not an IP address")]
    [InlineData("ports: [{ target: 80, published: \"9-8\" }]", "services.a.ports: Invalid port specification '9-8:80/tcp': host port range '9-8' ends before it starts")]
    [InlineData("volumes: [\"data:relative\"]", "services.a.volumes: Invalid volume 'data:relative': the container path 'relative' is not absolute")]
    [InlineData("volumes: [\"./d:/x:bogus\"]", "services.a.volumes: Invalid volume './d:/x:bogus': unknown option 'bogus'")]
    [InlineData("volumes: [\"a:/b:ro:extra\"]", "services.a.volumes: Invalid volume 'a:/b:ro:extra': too many ':'")]
    [InlineData("volumes: [\"data:/\"]", "services.a.volumes: Invalid volume 'data:/': the container root cannot be a mount target")]
    [InlineData("volumes: [\"bad name:/x\"]", "services.a.volumes: 'bad name' is not a valid volume name")]
    public void ABadValueFailsTheLoadNamingTheServiceAndTheKeyAtItsLine(string line, string message) =>
        _d.AssertRefusedAtLine4(line, message);

    [Fact]
    public void TheEnginesRefusalIsKeptAsTheInnerError()
    {
        var e = Assert.ThrowsAny<PscException>(() => Service("    ports: [\"80:80/icmp\"]\n"));
        Assert.Equal(ErrorIds.InvalidPortSpec, Assert.IsAssignableFrom<PscException>(e.InnerException).ErrorId);
        e = Assert.ThrowsAny<PscException>(() => Service("    volumes: [\"bad name:/x\"]\n"));
        Assert.Equal(ErrorIds.InvalidVolumeName, Assert.IsAssignableFrom<PscException>(e.InnerException).ErrorId);
        e = Assert.ThrowsAny<PscException>(() => Service("    volumes: [\"d:/x:bogus\"]\n"));
        Assert.Equal(ErrorIds.InvalidVolume, Assert.IsAssignableFrom<PscException>(e.InnerException).ErrorId);
    }

    [Fact]
    public void AShortVolumeIsWhatVolumeMakesOfItWithComposesPathsAndNames()
    {
        var a = Service("""
                volumes:
                  - ./data:/data:ro
                  - ../up:/up
                  - .hidden:/hidden
                  - ~/conf:/conf:z
                  - ~:/home-dir:rshared
                  - /srv/abs:/abs:Z,rslave
                  - cache:/cache:nocopy
                  - /anon

            """, "volumes:\n  cache:\n");
        var v = a.Volumes;
        Assert.Equal(("bind", _d.P("data"), "/data", true, (bool?)true), (v[0].Type, v[0].Source, v[0].Target, v[0].ReadOnly, v[0].CreateHostPath));
        Assert.Equal(("bind", Path.GetFullPath(Path.Combine(_d.Root, "..", "up")), "/up", false), (v[1].Type, v[1].Source, v[1].Target, v[1].ReadOnly));
        // compose-spec's rule, now -Volume's too: a source starting with '.' is a path (no volume name can)
        Assert.Equal(("bind", _d.P(".hidden")), (v[2].Type, v[2].Source));
        Assert.Equal(("bind", "/home/t/conf", "z", (string?)null), (v[3].Type, v[3].Source, v[3].SeLinux, v[3].Propagation));
        Assert.Equal(("bind", "/home/t", "rshared"), (v[4].Type, v[4].Source, v[4].Propagation));
        Assert.Equal(("bind", "/srv/abs", "Z", "rslave"), (v[5].Type, v[5].Source, v[5].SeLinux, v[5].Propagation));
        Assert.Equal(("volume", "cache", "/cache", true, (bool?)null), (v[6].Type, v[6].Source, v[6].Target, v[6].NoCopy, v[6].CreateHostPath));
        Assert.Equal(("volume", (string?)null, "/anon"), (v[7].Type, v[7].Source, v[7].Target));

        // each is what -Volume parses from the same text (compose then resolves relative paths against the project)
        foreach (var (text, i) in new[] { ("./data:/data:ro", 0), ("/srv/abs:/abs:Z,rslave", 5), ("cache:/cache:nocopy", 6), ("/anon", 7) })
        {
            var r = PsContainers.Core.Volumes.MountParser.ParseVolume(text);
            Assert.Equal((r.Type == MountKind.Bind ? "bind" : "volume", r.Target, r.ReadOnly, r.NoCopy, r.SeLinux), (v[i].Type, v[i].Target, v[i].ReadOnly, v[i].NoCopy, v[i].SeLinux));
        }

        // the create options: the project's volume by its engine name, the bind by its absolute path (made inside the
        // project directory: create_host_path)
        var p = _d.Load(_d.Write("create.yaml", "services:\n  a:\n    image: busybox\n    volumes: [\"./data:/data:ro\", \"cache:/cache:nocopy\"]\nvolumes:\n  cache:\n"));
        var o = ServiceContainerOptions.For(p, p.GetService("a")!, 1, _ => "");
        Assert.Contains(o.Mounts, m => m.Type == MountKind.Volume && m.Source == "vocab_cache" && m.Destination == "/cache" && m.Options.Contains("nocopy"));
        Assert.Contains(o.Mounts, m => m.Type == MountKind.Bind && m.Source == _d.P("data") && m.Destination == "/data" && m.ReadOnly);
    }

    [Fact]
    public void EachReplicaPublishesItsOwnCopyOfTheParsedPort()
    {
        var f = _d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n    ports: [\"8000-8010:80\", \"53/udp\"]\n");
        var p = _d.Load(f);
        var a = p.GetService("a")!;
        var one = ServiceContainerOptions.For(p, a, 1, _ => "");
        var two = ServiceContainerOptions.For(p, a, 2, _ => "");
        Assert.Equal(2, one.Publish.Count);
        SameMapping(a.Ports[0].Mapping, one.Publish[0]);
        SameMapping(a.Ports[1].Mapping, two.Publish[1]);
        Assert.NotSame(one.Publish[0], two.Publish[0]);
        Assert.NotSame(a.Ports[0].Mapping, one.Publish[0]);
        one.Publish[1].HostPort = 40000; // a start picks the free port on the container's own copy
        Assert.Equal(0, a.Ports[1].Mapping.HostPort);
        Assert.Equal(0, two.Publish[1].HostPort);
    }
}
