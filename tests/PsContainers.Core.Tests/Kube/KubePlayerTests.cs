using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Kube;
using PsContainers.Core.Pods;
using PsContainers.Core.Runtime;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Kube;

/// <summary>
/// <see cref="KubePlayer"/> hands each planned container's options to create whole (issue 12): a setting the player
/// never names (limits, groups, ulimits) reaches the container, and the plan's options are the same after the play.
/// Root-free: the pod is created, not started (RecordingSyscalls); needs the built pscinit (the infra container's init).
/// </summary>
public sealed class KubePlayerTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;

    public KubePlayerTests()
    {
        _engine = new Engine(_t.Paths, new RecordingSyscalls());
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/kube:v1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    [Fact]
    public void Every_field_of_a_planned_containers_options_reaches_the_container_and_the_plan_is_unchanged()
    {
        var limits = new ResourceLimits { Memory = 64L << 20, MemorySwap = -1, CpuShares = 300, CpusetCpus = "0", PidsLimit = 7 };
        var o = new ContainerCreateOptions
        {
            Image = "test/kube:v1", Name = "web-app", Pod = "web", Command = ["sleep", "5"],
            Resources = limits,
            GroupAdd = ["wheel"],
            Ulimits = [new Ulimit("nofile", 100, 200)],
            Domainname = "example.test",
        };
        var plan = new KubePlayPlan
        {
            Pods = [new KubePlayPod { Name = "web", Source = "pod/web", Options = new PodCreateOptions { Name = "web", Networks = ["none"] }, Containers = [o] }],
        };

        var (_, pods) = new KubePlayer(_engine).Play(plan, replace: false, noStart: true, (_, _) => true);

        var pod = Assert.Single(pods);
        var c = _engine.ContainerStore.Find("web-app")!;
        Assert.Equal(pod.Id, c.Pod);
        Assert.Equal(limits, c.HostConfig.Resources);
        Assert.Equal(["wheel"], c.HostConfig.GroupAdd);
        Assert.Equal([new Ulimit("nofile", 100, 200)], c.HostConfig.Ulimits);
        Assert.Equal("example.test", c.Config.Domainname);
        // the member joined the pod's network through its own copy of the options
        Assert.Equal(pod.InfraContainerId, c.HostConfig.NetworkContainerId);
        Assert.Empty(o.Networks);
        Assert.Same(limits, o.Resources);
    }
}
