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
    // the mode words in any case, as PowerShell users write them (no network of the store can have these names)
    [InlineData(new[] { "None" }, NetworkMode.None, "")]
    [InlineData(new[] { "HOST" }, NetworkMode.Host, "")]
    [InlineData(new[] { "Default", "front", "Bridge" }, NetworkMode.Bridge, "pscontainers,front")]
    [InlineData(new[] { "Front" }, NetworkMode.Bridge, "Front")]
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
    [InlineData("None", "front")]
    public void Host_and_none_stand_alone(string a, string b)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => NetworkChoice.Decide([a, b]));
        Assert.Equal("InvalidNetworkMode", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
    }

    [Theory]
    [InlineData("container:web", "web")]
    [InlineData(" container:0123abc ", "0123abc")]
    [InlineData("CONTAINER:db-1", "db-1")]
    public void Container_prefix_means_a_shared_namespace_with_no_networks(string requested, string target)
    {
        var c = NetworkChoice.Decide([requested]);
        Assert.Equal(NetworkMode.Container, c.Mode);
        Assert.Equal(target, c.Container);
        Assert.Empty(c.Networks);
    }

    [Theory]
    [InlineData("container:web", "front")]
    [InlineData("container:web", "host")]
    [InlineData("none", "container:web")]
    [InlineData("container:a", "container:b")]
    public void Container_mode_stands_alone(string a, string b)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => NetworkChoice.Decide([a, b]));
        Assert.Equal("InvalidNetworkMode", e.ErrorId);
        Assert.Equal(Remedy.OneNetworkMode, e.Remedy);
        Assert.Contains("container:", e.Message);
    }

    [Theory]
    [InlineData("container:")]
    [InlineData("container:  ")]
    public void Container_mode_needs_a_name(string requested)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => NetworkChoice.Decide([requested]));
        Assert.Equal("InvalidNetworkMode", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
    }

    [Fact]
    public void Other_modes_carry_no_container()
    {
        Assert.Null(NetworkChoice.Decide(["host"]).Container);
        Assert.Null(NetworkChoice.Decide(["front"]).Container);
    }

    [Fact]
    public void Docker_spells_the_shared_mode_with_the_full_id()
    {
        string id = new string('a', 64);
        var hc = new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = id };
        Assert.Equal("container:" + id, hc.NetworkModeName);
        Assert.Equal("bridge", new HostConfig { NetworkModeKind = NetworkMode.Bridge }.NetworkModeName);
        Assert.Equal("host", new HostConfig { NetworkModeKind = NetworkMode.Host }.NetworkModeName);
    }

    [Theory]
    [InlineData(NetworkMode.Container, "container")]
    [InlineData(NetworkMode.None, "none")]
    [InlineData(NetworkMode.Host, "host")]
    [InlineData(NetworkMode.Bridge, "bridge")]
    public void Names_modes_as_network_json_does(NetworkMode mode, string name) => Assert.Equal(name, NetworkChoice.Name(mode));
}
