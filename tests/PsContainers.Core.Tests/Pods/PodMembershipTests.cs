using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Pods;

/// <summary>
/// What joining a pod means at create (<see cref="PodManager.PrepareMember"/>): the infra container's network namespace
/// through the container:&lt;id&gt; mode, network options and the hostname refused as podman refuses them; the infra
/// container protected from Remove-Container; pod create refusing bad options before anything is written.
/// </summary>
public sealed class PodMembershipTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-podm-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Engine _engine;

    public PodMembershipTests() => _engine = new Engine(new PscPaths(_root));

    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    private ContainerPod Publish(string name, params PodNamespace[] share)
    {
        var p = PodStoreTests.NewPod(name);
        if (share.Length > 0) p.SharedNamespaces = share.ToList();
        using (_engine.Pods.Store.Lock()) _engine.Pods.Store.Publish(p);
        return p;
    }

    [Fact]
    public void AMemberJoinsTheInfraContainersNetworkNamespace()
    {
        var pod = Publish("web");
        var o = new ContainerCreateOptions { Image = "busybox", Pod = "web" };
        var (joined, member) = _engine.Pods.PrepareMember(o);
        Assert.Equal(pod.Id, joined.Id);
        Assert.Equal(["container:" + pod.InfraContainerId], member.Networks);
        Assert.Null(member.Hostname);
        // the caller's options are input only: the member's are a copy
        Assert.NotSame(o, member);
        Assert.Empty(o.Networks);
        var decided = NetworkChoice.Decide(member.Networks);
        Assert.Equal(NetworkMode.Container, decided.Mode);
        Assert.Equal(pod.InfraContainerId, decided.Container);
    }

    [Theory]
    [InlineData("publish")]
    [InlineData("publishAll")]
    [InlineData("network")]
    [InlineData("ip")]
    [InlineData("alias")]
    [InlineData("dns")]
    [InlineData("addHost")]
    [InlineData("hostname")]
    public void NetworkSettingsAndTheHostnameBelongToThePod(string option)
    {
        Publish("web");
        var o = new ContainerCreateOptions { Image = "busybox", Pod = "web" };
        switch (option)
        {
            case "publish": o.Publish.AddRange(PortParser.Parse("8080:80")); break;
            case "publishAll": o.PublishAll = true; break;
            case "network": o.Networks.Add("bridge"); break;
            case "ip": o.IPAddress = "10.88.0.9"; break;
            case "alias": o.Aliases.Add("www"); break;
            case "dns": o.Dns.Add("1.1.1.1"); break;
            case "addHost": o.AddHosts.Add(ExtraHost.Parse("db:10.0.0.2")); break;
            case "hostname": o.Hostname = "other"; break;
        }
        var ex = Assert.Throws<InvalidArgumentException>(() => _engine.Pods.PrepareMember(o));
        Assert.Equal(ErrorIds.PodMemberConflict, ex.ErrorId);
        Assert.Contains("'web'", ex.Message);
    }

    [Fact]
    public void WithoutTheNetworkSharedAMemberKeepsItsNetworkAndTakesThePodsHostname()
    {
        var pod = Publish("ipc-only", PodNamespace.Ipc, PodNamespace.Uts);
        var o = new ContainerCreateOptions { Image = "busybox", Pod = pod.Id[..10] };
        o.Networks.Add("bridge");
        o.Publish.AddRange(PortParser.Parse("8080:80"));
        var (_, member) = _engine.Pods.PrepareMember(o);
        Assert.Equal(["bridge"], member.Networks);
        Assert.Equal(pod.Hostname, member.Hostname);
        Assert.Null(o.Hostname);
    }

    [Fact]
    public void AMemberOfAPodSharingIpcTakesThePodsShmSize()
    {
        Publish("web");
        var o = new ContainerCreateOptions { Image = "busybox", Pod = "web", ShmSize = 1024 * 1024 };
        var ex = Assert.Throws<InvalidArgumentException>(() => _engine.Pods.PrepareMember(o));
        Assert.Equal(ErrorIds.PodMemberConflict, ex.ErrorId);
        Assert.Contains("/dev/shm", ex.Message);
        // without ipc shared the member keeps a /dev/shm of its own, of its own size
        var own = Publish("net-only", PodNamespace.Net);
        var o2 = new ContainerCreateOptions { Image = "busybox", Pod = own.Name, ShmSize = 1024 * 1024 };
        var (_, member) = _engine.Pods.PrepareMember(o2);
        Assert.Equal(1024 * 1024, member.ShmSize);
    }

    [Fact]
    public void PauseAndResumeRefuseAPodWithNothingToFreezeOrThaw()
    {
        var pod = Publish("idle");
        var pause = Assert.Throws<PscException>(() => _engine.Pods.Pause(pod));
        Assert.Equal(ErrorIds.PodNotRunning, pause.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidOperation, pause.Category);
        Assert.Contains("'idle' is not running", pause.Message);
        var resume = Assert.Throws<PscException>(() => _engine.Pods.Resume(pod));
        Assert.Equal(ErrorIds.PodNotPaused, resume.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidOperation, resume.Category);
        Assert.DoesNotContain(_engine.Events.Read(new PsContainers.Core.Events.EventFilter()), e => e.Type == PsContainers.Contract.EventType.Pod);
    }

    [Fact]
    public void AnUnknownPodIsPodNotFound()
    {
        var ex = Assert.Throws<ResourceNotFoundException>(() => _engine.Pods.PrepareMember(new ContainerCreateOptions { Image = "busybox", Pod = "nope" }));
        Assert.Equal(ErrorIds.PodNotFound, ex.ErrorId);
        Assert.Equal(PscErrorCategory.ObjectNotFound, ex.Category);
    }

    [Fact]
    public void TheInfraContainerGoesOnlyWithItsPod()
    {
        var pod = Publish("web");
        var infra = new Container { Id = pod.InfraContainerId, Name = "x-infra", Pod = pod.Id };
        var ex = Assert.Throws<PscException>(() => _engine.Pods.CheckRemovable(infra));
        Assert.Equal(ErrorIds.PodInfraContainer, ex.ErrorId);
        _engine.Pods.CheckRemovable(new Container { Id = ContainerStore.NewId(), Name = "member", Pod = pod.Id });
        _engine.Pods.CheckRemovable(new Container { Id = ContainerStore.NewId(), Name = "alone" });
        Assert.Equal(pod.Id, _engine.Pods.InfraOf(infra)?.Id);
        pod.Removing = true;
        _engine.Pods.Store.Save(pod);
        _engine.Pods.CheckRemovable(infra);
        Assert.Null(_engine.Pods.InfraOf(infra));
    }

    [Fact]
    public void APruneLeavesTheInfraContainerOfAStoppedPodAndTakesItsMembers()
    {
        var pod = Publish("web");
        var exited = new ContainerState { Status = ContainerStatus.Exited, ExitCode = 0 };
        var infra = new Container { Id = pod.InfraContainerId, Name = "x-infra", Pod = pod.Id, Created = DateTime.UtcNow, State = exited };
        var member = new Container { Id = ContainerStore.NewId(), Name = "member", Pod = pod.Id, Created = DateTime.UtcNow, State = exited };
        var plan = new PsContainers.Core.Prune.PrunePlanner(_engine).Plan(new PsContainers.Core.Prune.PruneOptions(), [infra, member]);
        Assert.Equal(["member"], plan.Items.Where(i => i.Kind == PsContainers.Core.Prune.PruneKind.Container).Select(i => i.Name).ToArray());
    }

    [Fact]
    public void PodCreateRefusesBadOptionsBeforeWritingAnything()
    {
        var name = Assert.Throws<InvalidArgumentException>(() => _engine.Pods.Create(new PodCreateOptions { Name = "-bad name" }));
        Assert.Equal(ErrorIds.InvalidPodName, name.ErrorId);
        var o = new PodCreateOptions { Name = "web", Share = [PodNamespace.Ipc] };
        o.Publish.AddRange(PortParser.Parse("8080:80"));
        var share = Assert.Throws<InvalidArgumentException>(() => _engine.Pods.Create(o));
        Assert.Equal(ErrorIds.InvalidPodShare, share.ErrorId);
        var shared = new PodCreateOptions { Name = "web", Networks = ["container:abc"] };
        Assert.Equal(ErrorIds.InvalidPodShare, Assert.Throws<InvalidArgumentException>(() => _engine.Pods.Create(shared)).ErrorId);
        var shmWithoutIpc = new PodCreateOptions { Name = "web", Share = [PodNamespace.Net], ShmSize = 1024 * 1024 };
        var shm = Assert.Throws<InvalidArgumentException>(() => _engine.Pods.Create(shmWithoutIpc));
        Assert.Equal(ErrorIds.InvalidPodShare, shm.ErrorId);
        Assert.Contains("/dev/shm", shm.Message);
        Assert.Empty(_engine.Pods.Store.LoadAll());
        Assert.False(Directory.Exists(Path.Combine(_root, "containers")) && Directory.EnumerateDirectories(Path.Combine(_root, "containers")).Any(d => ContainerStore.IsFullId(Path.GetFileName(d))));
    }

    [Fact]
    public void TheParticipantLeavesAContainerOutsideAPodAlone()
    {
        var spec = new RuntimeSpec { Linux = new SpecLinux { Namespaces = [new SpecNamespace { Type = "ipc" }, new SpecNamespace { Type = "uts" }] } };
        new PodParticipant(_engine).ContributeSpec(new Container { Id = ContainerStore.NewId(), Name = "alone" }, spec, _root);
        Assert.All(spec.Linux.Namespaces, n => Assert.Null(n.Path));
    }

    [Fact]
    public void TheParticipantRefusesAMemberWhoseInfraContainerIsGone()
    {
        var pod = Publish("web");
        var spec = new RuntimeSpec { Linux = new SpecLinux { Namespaces = [new SpecNamespace { Type = "ipc" }] } };
        var member = new Container { Id = ContainerStore.NewId(), Name = "member", Pod = pod.Id };
        var ex = Assert.Throws<PscException>(() => new PodParticipant(_engine).ContributeSpec(member, spec, _root));
        Assert.Equal(ErrorIds.PodInfraNotRunning, ex.ErrorId);
        Assert.Null(spec.Linux.Namespaces[0].Path);
        // the infra container itself joins nothing
        var infra = new Container { Id = pod.InfraContainerId, Name = "infra", Pod = pod.Id };
        new PodParticipant(_engine).ContributeSpec(infra, spec, _root);
        Assert.Null(spec.Linux.Namespaces[0].Path);
    }
}
