using System.Text.Json;
using PsContainers.Core.Networking;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Tests.Networking;

/// <summary>Containers with a network state (Get-ContainerPort, Connect-ContainerNetwork) follow the one naming rule.</summary>
public sealed class NetworkedContainerCatalogTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-netcat-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerNetworking _net;

    public NetworkedContainerCatalogTests() => _net = new ContainerNetworking(new PscPaths(_root));

    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    private void State(string id, string? name)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_net.StatePath(id))!);
        File.WriteAllText(_net.StatePath(id), JsonSerializer.Serialize(new ContainerNetworkState { ContainerId = id, ContainerName = name }, ContainerNetworkState.Json));
    }

    private TargetSelector<ContainerNetworkState> Selector() => new(new NetworkedContainerCatalog(_net));

    [Fact]
    public void NamesIdsPrefixesAndPatternsResolveAndAmbiguityIsAnError()
    {
        State("ab" + new string('1', 62), "web");
        State("ab" + new string('2', 62), "db");
        State("cd" + new string('3', 62), null);
        var s = Selector();
        Assert.Equal("web", Assert.Single(s.Resolve("web")).ContainerName);
        Assert.Equal("db", Assert.Single(s.Resolve("ab2")).ContainerName);
        Assert.Null(Assert.Single(s.Resolve("cd")).ContainerName);
        Assert.Equal(["db", "web"], s.Resolve("*b").Select(x => x.ContainerName));
        Assert.Single(s.Resolve("cd3*"));
        Assert.Empty(s.Resolve("zz*"));
        Assert.Equal(ErrorIds.AmbiguousContainerId, Assert.Throws<InvalidArgumentException>(() => s.Resolve("ab")).ErrorId);
        var ex = Assert.Throws<ResourceNotFoundException>(() => s.Resolve("nobody"));
        Assert.Equal(ErrorIds.ContainerNotFound, ex.ErrorId);
        Assert.Equal("nobody", ex.Target);
        Assert.Throws<ResourceNotFoundException>(() => s.Resolve("web", idOnly: true));
        Assert.Equal(2, s.ResolveAll(["web", "w*", "ab1", "db"]).Count);
    }
}
