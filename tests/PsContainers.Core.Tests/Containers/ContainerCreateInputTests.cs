using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Tests.Pods;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// ContainerManager.Create takes its options as input only (issue 12): a pod member's network and hostname are set in
/// a copy (<see cref="PodManager.PrepareMember"/>), so the caller's object is the same after, and one object can create
/// several containers. Root-free: nothing is started (RecordingSyscalls); the pod's infra container is a created one.
/// </summary>
public sealed class ContainerCreateInputTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;

    public ContainerCreateInputTests()
    {
        _engine = new Engine(_t.Paths, new RecordingSyscalls());
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/input:v1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    /// <summary>A pod record whose infra container is a created container of this store, sharing <paramref name="share"/>.</summary>
    private ContainerPod Pod(string name, params PodNamespace[] share)
    {
        var infra = _engine.Containers.Create(new ContainerCreateOptions { Image = "test/input:v1", Name = name + "-infra", Command = ["sleep", "1"] });
        var p = PodStoreTests.NewPod(name);
        p.InfraContainerId = infra.Id;
        p.SharedNamespaces = share.ToList();
        using (_engine.Pods.Store.Lock()) _engine.Pods.Store.Publish(p);
        return p;
    }

    private static string Snapshot(ContainerCreateOptions o) => JsonSerializer.Serialize(o, ContainerStore.Json);

    private static ContainerCreateOptions Member(string pod) => new()
    {
        Image = "test/input:v1",
        Command = ["sh", "-c", "true"],
        Pod = pod,
        Environment = ["A=1"],
        Labels = new() { ["tier"] = "web" },
        Resources = new ResourceLimits { Memory = 64L << 20, CpuShares = 512, PidsLimit = 10 },
        Mounts = [new MountSpec { Type = MountKind.Tmpfs, Destination = "/scratch", Tmpfs = new TmpfsMount() }],
    };

    [Fact]
    public void Creating_a_pod_member_leaves_the_options_object_as_it_was_and_it_can_create_again()
    {
        var pod = Pod("shared", PodNamespace.Net, PodNamespace.Ipc, PodNamespace.Uts);
        var o = Member("shared");
        var networks = o.Networks;
        var mounts = o.Mounts;
        string before = Snapshot(o);

        var first = _engine.Containers.Create(o with { Name = "m1" });
        var second = _engine.Containers.Create(o);

        Assert.Equal(before, Snapshot(o));
        Assert.Empty(o.Networks);
        Assert.Same(networks, o.Networks);
        Assert.Same(mounts, o.Mounts);
        Assert.Null(o.Hostname);
        Assert.Null(o.Name);
        foreach (var c in new[] { first, second })
        {
            // each member joined the infra container's network namespace, as the pod shares net
            Assert.Equal(NetworkMode.Container, c.HostConfig.NetworkModeKind);
            Assert.Equal(pod.InfraContainerId, c.HostConfig.NetworkContainerId);
            Assert.Equal(pod.Id, c.Pod);
            Assert.Equal(o.Resources, c.HostConfig.Resources);
        }
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void A_member_of_a_pod_sharing_only_uts_gets_the_pods_hostname_in_its_record_not_in_the_options()
    {
        var pod = Pod("utsonly", PodNamespace.Uts);
        var o = Member("utsonly");
        string before = Snapshot(o);
        var c = _engine.Containers.Create(o);
        Assert.Equal(pod.Hostname, c.Config.Hostname);
        Assert.Equal(before, Snapshot(o));
        Assert.Null(o.Hostname);
    }

    [Fact]
    public void The_options_limits_become_the_containers_limits_and_bad_ones_are_refused_before_anything_is_written()
    {
        var o = new ContainerCreateOptions { Image = "test/input:v1", Command = ["true"], Resources = new ResourceLimits { Memory = 64L << 20, MemorySwap = -1, Cpus = 0.5, CpuShares = 300, CpusetCpus = "0", PidsLimit = 5 } };
        var c = _engine.Containers.Create(o);
        Assert.Equal(o.Resources, c.HostConfig.Resources);
        Assert.Equal(o.Resources, _engine.ContainerStore.Load(c.Id)!.HostConfig.Resources);

        int count = _engine.ContainerStore.LoadAll().Count;
        foreach (var (bad, id) in new (ResourceLimits, string)[]
        {
            (new() { MemorySwap = 64L << 20 }, ErrorIds.InvalidMemory),
            (new() { Memory = 1024 }, ErrorIds.InvalidMemory),
            (new() { Cpus = 4096 }, ErrorIds.InvalidCpus),
            (new() { CpuShares = 1 }, ErrorIds.InvalidCpuShares),
            (new() { CpusetCpus = "0-x" }, ErrorIds.InvalidCpuset),
        })
            Assert.Equal(id, Assert.Throws<InvalidArgumentException>(() => _engine.Containers.Create(o with { Resources = bad })).ErrorId);
        Assert.Equal(count, _engine.ContainerStore.LoadAll().Count);
    }
}
