using PsContainers.Core;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

public class PortParserTests
{
    [Fact]
    public void HostAndContainerPort()
    {
        var p = Assert.Single(PortParser.Parse("8000:80"));
        Assert.Equal(("", 8000, 80, "tcp"), (p.HostIP, p.HostPort, p.ContainerPort, p.Protocol));
        Assert.Equal("0.0.0.0:8000->80/tcp", p.ToString());
    }

    [Fact]
    public void HostIpAndUdp()
    {
        var p = Assert.Single(PortParser.Parse("127.0.0.1:5353:53/udp"));
        Assert.Equal(("127.0.0.1", 5353, 53, "udp"), (p.HostIP, p.HostPort, p.ContainerPort, p.Protocol));
        Assert.Equal("127.0.0.1:5353->53/udp", p.ToString());
    }

    [Fact]
    public void ContainerPortOnlyMeansRandomHostPort()
    {
        var p = Assert.Single(PortParser.Parse("80"));
        Assert.Equal(0, p.HostPort);
        var q = Assert.Single(PortParser.Parse("127.0.0.1::80"));
        Assert.Equal(("127.0.0.1", 0), (q.HostIP, q.HostPort));
    }

    [Fact]
    public void RangesMapOneToOne()
    {
        var list = PortParser.Parse("8000-8010:80-90");
        Assert.Equal(11, list.Count);
        Assert.Equal((8000, 80), (list[0].HostPort, list[0].ContainerPort));
        Assert.Equal((8010, 90), (list[10].HostPort, list[10].ContainerPort));
        Assert.Equal("0.0.0.0:8000-8010->80-90/tcp", PortMapping.Format(list));
    }

    [Fact]
    public void HostRangeForOneContainerPort()
    {
        var p = Assert.Single(PortParser.Parse("9000-9005:80"));
        Assert.Equal(9000, p.HostPort);
        Assert.Equal(9005, p.RangeEnd);
    }

    [Fact]
    public void IPv6HostAddressInBrackets()
    {
        var p = Assert.Single(PortParser.Parse("[::1]:8080:80"));
        Assert.Equal("::1", p.HostIP);
        Assert.Equal("[::1]:8080->80/tcp", p.ToString());
    }

    [Fact]
    public void AnyAddressIsNormalisedToEmpty() => Assert.Equal("", Assert.Single(PortParser.Parse("0.0.0.0:8000:80")).HostIP);

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("8000:80/icmp")]
    [InlineData("70000:80")]
    [InlineData("8000:0")]
    [InlineData("8000-8002:80-81")]
    [InlineData("1.2.3.4.5:80:80")]
    [InlineData("a:b:c:d")]
    [InlineData("8010-8000:80")]
    public void BadSpecsAreRefused(string spec)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => PortParser.Parse(spec));
        Assert.Equal("InvalidPortSpec", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
    }

    [Fact]
    public void ExposedPortsBecomeRandomMappings()
    {
        var list = PortParser.FromExposed(new[] { "80/tcp", "53/udp", "443" });
        Assert.Equal(new[] { "tcp/80/0", "udp/53/0", "tcp/443/0" }, list.Select(p => $"{p.Protocol}/{p.ContainerPort}/{p.HostPort}"));
    }

    [Fact]
    public void PortsNotYetChosenShowAsDockerPsWouldBeforeAStart()
    {
        Assert.Equal("80/tcp", Assert.Single(PortParser.Parse("80")).ToString());
        Assert.Equal("0.0.0.0:8000-8010->80/tcp", Assert.Single(PortParser.Parse("8000-8010:80")).ToString());
        // a host range is never folded with its neighbours, a random port never folds
        var list = PortParser.Parse("8000-8010:80");
        list.AddRange(PortParser.Parse("8001:81"));
        list.AddRange(PortParser.Parse("90-91"));
        Assert.Equal("0.0.0.0:8000-8010->80/tcp, 0.0.0.0:8001->81/tcp, 90/tcp, 91/tcp", PortMapping.Format(list));
    }

    [Fact]
    public void CniFormHasPortmapKeys()
    {
        var j = Assert.Single(PortParser.Parse("127.0.0.1:8000:80/udp")).ToCni();
        Assert.Equal(8000, (int)j["hostPort"]!);
        Assert.Equal(80, (int)j["containerPort"]!);
        Assert.Equal("udp", (string)j["protocol"]!);
        Assert.Equal("127.0.0.1", (string)j["hostIP"]!);
    }

    [Fact]
    public void FreePortCheckSeesAListener()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        Assert.False(HostPorts.IsFree("127.0.0.1", port, "tcp"));
        l.Stop();
        Assert.True(HostPorts.IsFree("127.0.0.1", port, "tcp"));
    }
}

public class ContainerPortFilterTests
{
    private static PortMapping P(int container, string proto) => new() { ContainerPort = container, HostPort = 8000, Protocol = proto };

    [Fact]
    public void APortAloneMatchesEveryProtocolOfThatPort()
    {
        var f = ContainerPortFilter.Parse("53");
        Assert.Equal(new ContainerPortFilter(53, null), f);
        Assert.True(f.Matches(P(53, "tcp")));
        Assert.True(f.Matches(P(53, "udp")));
        Assert.False(f.Matches(P(54, "udp")));
    }

    [Fact]
    public void AProtocolNarrowsItCaseInsensitively()
    {
        var f = ContainerPortFilter.Parse("53/UDP");
        Assert.Equal(new ContainerPortFilter(53, "udp"), f);
        Assert.True(f.Matches(P(53, "udp")));
        Assert.False(f.Matches(P(53, "tcp")));
        Assert.False(f.Matches(P(80, "udp")));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("/tcp")]
    [InlineData("")]
    public void ANonNumericPortIsInvalidPortSpec(string text)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => ContainerPortFilter.Parse(text));
        Assert.Equal(ErrorIds.InvalidPortSpec, e.ErrorId);
        Assert.Equal(text, e.Target);
        Assert.Equal($"'{text}' is not a port (like 80 or 80/tcp).", e.Message);
    }
}
