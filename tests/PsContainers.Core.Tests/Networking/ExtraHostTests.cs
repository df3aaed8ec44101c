using PsContainers.Core;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

/// <summary>-AddHost (docker --add-host, compose extra_hosts) parsed as docker's opts.ValidateExtraHost does.</summary>
public class ExtraHostTests
{
    [Theory]
    [InlineData("db:10.0.0.5", "db", "10.0.0.5")]
    [InlineData("db=10.0.0.5", "db", "10.0.0.5")]
    [InlineData(" db : 10.0.0.5 ", "db", "10.0.0.5")]
    [InlineData("v6:fd00::5", "v6", "fd00::5")]
    [InlineData("v6=[fd00::5]", "v6", "fd00::5")]
    [InlineData("v6:[::1]", "v6", "::1")]
    [InlineData("a.b-c:host-gateway", "a.b-c", "host-gateway")]
    public void Parses_name_and_address(string text, string name, string address)
    {
        var h = ExtraHost.Parse(text);
        Assert.Equal(name, h.Name);
        Assert.Equal(address, h.Address);
    }

    [Theory]
    [InlineData("nocolon")]
    [InlineData(":10.0.0.1")]
    [InlineData("=10.0.0.1")]
    [InlineData("db:")]
    [InlineData("db:not-an-ip")]
    [InlineData("db:10.0.0")]
    [InlineData("two words:10.0.0.1")]
    [InlineData("x=db:10.0.0.1")] // '=' splits first: "db:10.0.0.1" is not an address
    public void Refuses_what_docker_refuses(string text)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => ExtraHost.Parse(text));
        Assert.Equal(ErrorIds.InvalidExtraHost, e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
        Assert.Equal(text, e.Target);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("fd00::5", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0", false)]
    [InlineData("167772161", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("resolver.example", false)]
    [InlineData("", false)]
    public void Reads_ip_addresses_as_go_does(string text, bool ok) => Assert.Equal(ok, ExtraHost.IsIPAddress(text));

    [Fact]
    public void Writes_docker_inspect_form_and_round_trips()
    {
        var h = ExtraHost.Parse("v6=[fd00::5]");
        Assert.Equal("v6:fd00::5", h.ToString());
        Assert.Equal(h, ExtraHost.Parse(h.ToString()));
    }

    [Fact]
    public void Hosts_line_puts_the_gateway_for_host_gateway()
    {
        Assert.Equal("10.0.0.5\tdb", ExtraHost.Parse("db:10.0.0.5").HostsLine("10.89.0.1"));
        Assert.Equal("10.89.0.1\tgw", ExtraHost.Parse("gw:host-gateway").HostsLine("10.89.0.1"));
        Assert.Null(ExtraHost.Parse("gw:host-gateway").HostsLine(null));
    }
}
