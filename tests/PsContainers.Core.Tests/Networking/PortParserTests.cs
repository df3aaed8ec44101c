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

    // docker (go-connections splitParts) and compose-spec ("::1:6000:6000") read an IPv6 address without brackets as
    // everything before the last two ':'-separated fields
    [Theory]
    [InlineData("::1:6000:6000", "::1", 6000, 6000)]
    [InlineData("fe80::1:8080:80", "fe80::1", 8080, 80)]
    [InlineData("2001:db8::7:9000:90/udp", "2001:db8::7", 9000, 90)]
    [InlineData("::1::443", "::1", 0, 443)]
    [InlineData(":::80:80", "", 80, 80)]
    public void IPv6HostAddressWithoutBrackets(string spec, string ip, int host, int container)
    {
        var p = Assert.Single(PortParser.Parse(spec));
        Assert.Equal((ip, host, container), (p.HostIP, p.HostPort, p.ContainerPort));
        var bracketed = Assert.Single(PortParser.Parse(spec.StartsWith(":::") ? spec[2..] : $"[{ip}]:{spec[(ip.Length + 1)..]}"));
        Assert.Equal((bracketed.HostIP, bracketed.HostPort, bracketed.ContainerPort, bracketed.Protocol), (p.HostIP, p.HostPort, p.ContainerPort, p.Protocol));
    }

    // compose-spec's long syntax in pieces: the same checks and values as the -Publish text
    [Theory]
    [InlineData("127.0.0.1", "8080", "80", "udp", "127.0.0.1:8080:80/udp")]
    [InlineData("::1", "8000-8010", "80", null, "[::1]:8000-8010:80")]
    [InlineData(null, null, "80-82", "SCTP", "80-82/sctp")]
    [InlineData("", "", "53", "tcp", "53")]
    [InlineData("0.0.0.0", "9000-9001", "90-91", null, "9000-9001:90-91")]
    public void PiecesParseAsTheirText(string? ip, string? host, string container, string? protocol, string text)
    {
        var pieces = PortParser.Parse(ip, host, container, protocol);
        var whole = PortParser.Parse(text);
        Assert.Equal(whole.Select(m => (m.HostIP, m.HostPort, m.RangeEnd, m.ContainerPort, m.Protocol)), pieces.Select(m => (m.HostIP, m.HostPort, m.RangeEnd, m.ContainerPort, m.Protocol)));
    }

    [Theory]
    [InlineData("nowhere", "80", "80", null, "'nowhere' is not an IP address")]
    [InlineData(null, "0", "80", null, "'0' is not a valid host port (1-65535)")]
    [InlineData(null, "8000-8002", "80-81", null, "the host range has 3 ports but the container range has 2")]
    [InlineData(null, null, "80", "icmp", "'icmp' is not tcp, udp or sctp")]
    public void BadPiecesAreRefusedAsTheirText(string? ip, string? host, string container, string? protocol, string why)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => PortParser.Parse(ip, host, container, protocol));
        Assert.Equal("InvalidPortSpec", e.ErrorId);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void ACopyIsIndependent()
    {
        var p = Assert.Single(PortParser.Parse("127.0.0.1:8000-8010:80/udp"));
        var c = p.Copy();
        Assert.NotSame(p, c);
        Assert.Equal((p.HostIP, p.HostPort, p.RangeEnd, p.ContainerPort, p.Protocol), (c.HostIP, c.HostPort, c.RangeEnd, c.ContainerPort, c.Protocol));
        c.HostPort = 8005;
        Assert.Equal(8000, p.HostPort);
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
    [InlineData("::1:80")]
    [InlineData("[::1:80:80")]
    [InlineData("::1:6000:99999")]
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
