using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// What a container records per network at create (docker inspect NetworkSettings.Networks[name]): the common
/// -NetworkAlias names on every network, per-network aliases (docker's EndpointsConfig, compose's networks.x.aliases)
/// on their network only, -IPAddress on the first network unless that network has its own address.
/// </summary>
public sealed class ContainerEndpointsTests
{
    [Fact]
    public void Common_aliases_go_to_every_network_and_per_network_aliases_to_theirs_only()
    {
        var o = new ContainerCreateOptions { Networks = ["front", "back"], Aliases = ["api", "api"] };
        o.Endpoints["back"] = new EndpointSettings { Aliases = ["db-client", "api"] };
        o.Endpoints["elsewhere"] = new EndpointSettings { Aliases = ["ignored"] };
        var e = ContainerManager.Endpoints(NetworkChoice.Decide(o.Networks), o);
        Assert.Equal(["front", "back"], e.Keys);
        Assert.Equal(["api"], e["front"].Aliases);
        Assert.Equal(["api", "db-client"], e["back"].Aliases);
        Assert.DoesNotContain(e.Values, v => v.Aliases.Contains("ignored"));
    }

    [Fact]
    public void A_networks_own_address_wins_and_IPAddress_stays_on_the_first_network()
    {
        var o = new ContainerCreateOptions { Networks = ["front", "back"], IPAddress = "10.1.0.9" };
        o.Endpoints["back"] = new EndpointSettings { IPAddress = "10.2.0.7" };
        var e = ContainerManager.Endpoints(NetworkChoice.Decide(o.Networks), o);
        Assert.Equal("10.1.0.9", e["front"].IPAMConfig?.IPv4Address);
        Assert.Equal("10.2.0.7", e["back"].IPAMConfig?.IPv4Address);

        o.Endpoints["front"] = new EndpointSettings { IPAddress = "10.1.0.20" };
        e = ContainerManager.Endpoints(NetworkChoice.Decide(o.Networks), o);
        Assert.Equal("10.1.0.20", e["front"].IPAMConfig?.IPv4Address);
        Assert.Empty(e["front"].Aliases);
    }
}
