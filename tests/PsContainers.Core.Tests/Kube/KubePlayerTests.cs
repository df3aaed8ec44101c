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

        var results = new KubePlayer(_engine).Play(plan, replace: false, noStart: true, (_, _) => true);

        var pod = Assert.Single(results);
        Assert.Equal(KubePlayResult.PodKind, pod.Kind);
        Assert.Equal(["web-app"], pod.Containers);
        Assert.Equal("Created", pod.Status);
        var c = _engine.ContainerStore.Find("web-app")!;
        Assert.Equal(pod.Id, c.Pod);
        Assert.Equal(limits, c.HostConfig.Resources);
        Assert.Equal(["wheel"], c.HostConfig.GroupAdd);
        Assert.Equal([new Ulimit("nofile", 100, 200)], c.HostConfig.Ulimits);
        Assert.Equal("example.test", c.Config.Domainname);
        // the member joined the pod's network through its own copy of the options
        Assert.Equal(_engine.Pods.Store.Find("web")!.InfraContainerId, c.HostConfig.NetworkContainerId);
        Assert.Empty(o.Networks);
        Assert.Same(limits, o.Resources);
    }

    /// <summary>
    /// -Replace (podman kube play --replace) removes every old pod the plan names, and the replicas a Deployment no
    /// longer has, before it creates any new one; it asks before removing a stale replica; volumes come first as results.
    /// </summary>
    [Fact]
    public void Replace_removes_the_old_pods_and_stale_replicas_before_creating_any()
    {
        string Manifest(int replicas) => $$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: rdata}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: rweb}
            spec:
              replicas: {{{replicas}}}
              selector: {matchLabels: {app: rweb}}
              template:
                metadata: {labels: {app: rweb}}
                spec:
                  containers:
                  - name: main
                    image: test/kube:v1
                    volumeMounts: [{name: d, mountPath: /d}]
                  volumes:
                  - name: d
                    persistentVolumeClaim: {claimName: rdata}
            """;
        KubePlayPlan Plan(int replicas)
        {
            var plan = KubePlanner.Plan(Manifest(replicas), KubePlayer.FilesRoot(_engine.Paths));
            // no network: the pods are created, not started, without root
            foreach (var p in plan.Pods) p.Options.Networks.Add("none");
            return plan;
        }
        var player = new KubePlayer(_engine);
        var first = player.Play(Plan(3), replace: false, noStart: true, (_, _) => true);
        Assert.Equal(["Volume:rdata:Created", "Pod:rweb-pod-0:Created", "Pod:rweb-pod-1:Created", "Pod:rweb-pod-2:Created"],
            first.Select(r => $"{r.Kind}:{r.Name}:{r.Status}"));
        Assert.Equal(["rdata"], first[1].Volumes);
        Assert.Equal(["rweb-pod-0-main"], first[1].Containers);
        Assert.Equal("Deployment/rweb", first[1].Source);
        var pod0 = _engine.Pods.Store.Find("rweb-pod-0")!;
        Assert.Equal("rweb", pod0.Labels[KubePlayRecord.DeploymentLabel]);
        Assert.Equal("0", pod0.Labels[KubePlayRecord.ReplicaLabel]);
        Assert.Equal("main", _engine.ContainerStore.Find("rweb-pod-0-main")!.Config.Labels[KubePlayRecord.ContainerLabel]);

        // without -Replace the name is in use
        var e = Assert.Throws<ConflictException>(() => player.Play(Plan(2), replace: false, noStart: true, (_, _) => true));
        Assert.Equal(ErrorIds.PodNameInUse, e.ErrorId);

        // declining the stale replica keeps it; the others are replaced
        var asked = new List<string>();
        var second = player.Play(Plan(2), replace: true, noStart: true, (t, a) => { asked.Add(t + ": " + a); return t != "rweb-pod-2"; });
        Assert.Contains("rweb-pod-2: Remove pod (replica 2 of Deployment/rweb, which now has fewer)", asked);
        Assert.Equal(["Volume:rdata:Existing", "Pod:rweb-pod-0:Created", "Pod:rweb-pod-1:Created"], second.Select(r => $"{r.Kind}:{r.Name}:{r.Status}"));
        Assert.NotEqual(pod0.Id, second[1].Id);
        Assert.NotNull(_engine.Pods.Store.Find("rweb-pod-2"));

        // approved, the stale replica goes
        var third = player.Play(Plan(2), replace: true, noStart: true, (_, _) => true);
        Assert.Equal(["rweb-pod-0", "rweb-pod-1"], _engine.Pods.Store.LoadAll().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(third.Where(r => r.Kind == KubePlayResult.PodKind).Select(r => r.Id).Order(StringComparer.Ordinal),
            _engine.Pods.Store.LoadAll().Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Null(_engine.ContainerStore.Find("rweb-pod-2-main"));
    }

    /// <summary>
    /// Issue 17: a replace that cannot go through (a hostPath that does not exist, one into the engine's kube files, an
    /// image the store lacks, a container name another container holds) fails before it removes anything: the old pod
    /// and its container stay, and no volume is made.
    /// </summary>
    [Fact]
    public void A_failing_replace_leaves_the_old_pods()
    {
        string Manifest(string image, string? hostPath) => $$$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: pdata}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: prep}
            spec:
              containers:
              - name: main
                image: {{{image}}}
            {{{(hostPath is null ? "" : "    volumeMounts: [{name: h, mountPath: /h}]\n  volumes: [{name: h, hostPath: {path: " + hostPath + "}}]")}}}
            """;
        KubePlayPlan Plan(string image = "test/kube:v1", string? hostPath = null)
        {
            var plan = KubePlanner.Plan(Manifest(image, hostPath), KubePlayer.FilesRoot(_engine.Paths));
            foreach (var p in plan.Pods) p.Options.Networks.Add("none");
            return plan;
        }
        var player = new KubePlayer(_engine);
        var old = player.Play(Plan(), replace: false, noStart: true, (_, _) => true).Single(r => r.Kind == KubePlayResult.PodKind);
        _engine.Volumes.Remove("pdata");
        var squatter = new ContainerCreateOptions { Image = "test/kube:v1", Name = "prep2-main", Command = ["true"] };
        _engine.Containers.Create(squatter, default);

        var cases = new (KubePlayPlan Plan, string ErrorId)[]
        {
            (Plan(hostPath: Path.Combine(_t.Paths.Root, "no-such-dir")), ErrorIds.KubeHostPathInvalid),
            (Plan(hostPath: Path.Combine(KubePlayer.FilesRoot(_engine.Paths), "prep", "x")), ErrorIds.KubeHostPathInvalid),
            (Plan(image: "test/absent:v9"), ErrorIds.ImageNotFound),
        };
        foreach (var (plan, id) in cases)
        {
            var e = Assert.ThrowsAny<PscException>(() => player.Play(plan, replace: true, noStart: true, (_, _) => true));
            Assert.Equal(id, e.ErrorId);
            Assert.Equal(old.Id, _engine.Pods.Store.Find("prep")!.Id);
            Assert.NotNull(_engine.ContainerStore.Find("prep-main"));
            Assert.Null(_engine.Volumes.Get("pdata"));
        }
        // a container name held by a container outside the pods replaced: ContainerNameInUse, before anything goes
        var renamed = Plan();
        var taken = new KubePlayPlan
        {
            Volumes = renamed.Volumes, Images = renamed.Images,
            Pods = [new KubePlayPod { Name = "prep", Source = "Pod/prep", Options = renamed.Pods[0].Options, Containers = [renamed.Pods[0].Containers[0] with { Name = "prep2-main" }] }],
        };
        Assert.Equal(ErrorIds.ContainerNameInUse, Assert.ThrowsAny<PscException>(() => player.Play(taken, replace: true, noStart: true, (_, _) => true)).ErrorId);
        Assert.Equal(old.Id, _engine.Pods.Store.Find("prep")!.Id);

        // the same file that can go through replaces the pod
        var replaced = player.Play(Plan(), replace: true, noStart: true, (_, _) => true).Single(r => r.Kind == KubePlayResult.PodKind);
        Assert.NotEqual(old.Id, replaced.Id);
    }
}
