using PsContainers.Core.Networking;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Networking;

/// <summary>
/// <see cref="ContainerNetworking"/> for -Network none, against a store in a temp directory: the runtime makes the
/// container's namespace, so setup binds nothing, and what a setup leaves is known without the locks
/// (<see cref="ContainerNetworking.HasLeftovers"/>). No namespace is created or mounted here.
/// </summary>
public sealed class ContainerNetworkingTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly ContainerNetworking _net;
    private static string NewId() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    public ContainerNetworkingTests() => _net = new PsContainers.Core.Engine(_t.Paths).Networking;

    public void Dispose() => _t.Dispose();

    private static NetworkSetupRequest None(string id) => new() { ContainerId = id, ContainerName = "n", Hostname = "nonehost", Networks = ["none"] };

    [Fact]
    public void None_binds_no_namespace_and_writes_the_etc_files()
    {
        string id = NewId();
        var s = _net.Setup(None(id));
        Assert.Equal("none", s.Mode);
        Assert.Null(s.NetnsPath);
        Assert.Empty(s.Networks);
        Assert.False(File.Exists(NetworkNamespace.PathFor(id)));
        Assert.Equal("nonehost\n", File.ReadAllText(s.HostnameFile!));
        Assert.Contains("nonehost", File.ReadAllText(s.HostsFile!));
        Assert.True(File.Exists(s.ResolvConfFile));
        Assert.Equal(["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"], ContainerNetworking.FileMounts(s).Select(m => m.Destination));
        Assert.Null(_net.GetState(id)!.NetnsPath);
    }

    [Fact]
    public void Leftovers_are_the_state_file_a_namespace_file_or_a_cached_attachment_of_that_container()
    {
        string id = NewId(), other = NewId();
        Assert.False(_net.HasLeftovers(id));

        _net.Setup(None(id));
        Assert.True(_net.HasLeftovers(id));
        Assert.False(_net.HasLeftovers(other));
        _net.Teardown(id);
        Assert.False(_net.HasLeftovers(id));
        Assert.Null(_net.GetState(id));

        // a cached CNI attachment (NETWORK-ID-IF.json) of this container, and only of this one
        Directory.CreateDirectory(_net.Cni.CacheDirectory);
        File.WriteAllText(_net.Cni.CachePath("somenet", other, "eth0"), "{}");
        Assert.False(_net.HasLeftovers(id));
        File.WriteAllText(_net.Cni.CachePath("some-net", id, "eth1"), "{}");
        Assert.True(_net.HasLeftovers(id));
    }
}
