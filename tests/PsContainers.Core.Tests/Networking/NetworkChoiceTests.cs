using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

/// <summary>The one rule that turns -Network into a mode and a list of networks.</summary>
public class NetworkChoiceTests
{
    [Theory]
    [InlineData(new string[0], NetworkMode.Bridge, "pscontainers")]
    [InlineData(new[] { " ", "" }, NetworkMode.Bridge, "pscontainers")]
    [InlineData(new[] { "bridge" }, NetworkMode.Bridge, "pscontainers")]
    [InlineData(new[] { "default", "front", "bridge", " front " }, NetworkMode.Bridge, "pscontainers,front")]
    [InlineData(new[] { "front", "back" }, NetworkMode.Bridge, "front,back")]
    [InlineData(new[] { "host" }, NetworkMode.Host, "")]
    [InlineData(new[] { "none", "none" }, NetworkMode.None, "")]
    public void Decides_the_mode_and_the_networks_in_order(string[] requested, NetworkMode mode, string networks)
    {
        var c = NetworkChoice.Decide(requested);
        Assert.Equal(mode, c.Mode);
        Assert.Equal(networks, string.Join(",", c.Networks));
    }

    [Fact]
    public void Null_means_the_default_network() =>
        Assert.Equal(new NetworkChoice(NetworkMode.Bridge, ["pscontainers"]).Networks, NetworkChoice.Decide(null).Networks);

    [Theory]
    [InlineData("host", "front")]
    [InlineData("none", "bridge")]
    [InlineData("host", "none")]
    public void Host_and_none_stand_alone(string a, string b)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => NetworkChoice.Decide([a, b]));
        Assert.Equal("InvalidNetworkMode", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
    }

    [Theory]
    [InlineData(NetworkMode.None, "none")]
    [InlineData(NetworkMode.Host, "host")]
    [InlineData(NetworkMode.Bridge, "bridge")]
    public void Names_modes_as_network_json_does(NetworkMode mode, string name) => Assert.Equal(name, NetworkChoice.Name(mode));
}
