using System.Text.Json;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Prune;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Volumes;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Prune;

/// <summary>
/// The system prune planner (<see cref="PrunePlanner"/>) and the Unused selections of the catalogs over a store built
/// in a temporary root: container records, mounts.json and network.json written as the engine writes them, network
/// definitions written as files (no bridge, no /run): nothing on the host is touched.
/// </summary>
public sealed class PrunePlannerTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;
    private readonly ContainerImage _used;      // tagged, used by the running container
    private readonly ContainerImage _usedByStopped; // tagged, used only by the exited container
    private readonly ContainerImage _idle;      // tagged, used by nobody
    private readonly ContainerImage _dangling;  // nameless, used by nobody
    private readonly ContainerImage _renamed;   // took the dangling one's name, used by nobody
    private readonly Container _running;
    private readonly Container _exited;
    private readonly Container _created;

    public PrunePlannerTests()
    {
        _engine = new Engine(_t.Paths);
        _used = Commit("a", "test/used:1");
        _usedByStopped = Commit("b", "test/stopped:1");
        _idle = Commit("c", "test/idle:1", "test/idle:2");
        _dangling = Commit("d", "test/dangling:1");
        _renamed = Commit("e", "test/dangling:1"); // takes the name: d is now nameless
        _dangling = _t.Store.FindImage(_dangling.Id)!;
        Assert.True(_dangling.Dangling);

        _engine.Volumes.Create("named-idle");
        _engine.Volumes.Create("anon-idle", anonymous: true);
        _engine.Volumes.Create("anon-running", anonymous: true);
        _engine.Volumes.Create("anon-stopped", anonymous: true);
        File.WriteAllText(Path.Combine(_engine.Volumes.DataDirectory("anon-stopped"), "data"), new string('x', 5000));
        File.WriteAllText(Path.Combine(_engine.Volumes.DataDirectory("anon-idle"), "data"), new string('y', 300));
        WriteNetwork("net-idle", "pscx91", "10.251.1.0/24");
        WriteNetwork("net-running", "pscx92", "10.251.2.0/24");
        WriteNetwork("net-stopped", "pscx93", "10.251.3.0/24");
        WriteNetwork(NetworkStore.DefaultNetworkName, NetworkStore.DefaultBridge, NetworkStore.DefaultSubnet);

        _running = AddContainer("web", _used, ContainerStatus.Running, "anon-running", "net-running");
        _exited = AddContainer("old", _usedByStopped, ContainerStatus.Exited, "anon-stopped", "net-stopped");
        _created = AddContainer("new", _used, ContainerStatus.Created, null, null);
        Directory.CreateDirectory(Path.Combine(_engine.ContainerStore.DirOf(_exited.Id), "upper"));
        File.WriteAllText(Path.Combine(_engine.ContainerStore.DirOf(_exited.Id), "upper", "log"), new string('z', 1234));
    }

    public void Dispose() => _t.Dispose();

    private ContainerImage Commit(string label, params string[] tags)
    {
        var b = TestImages.PutImage(_t.Store, TestImages.ThreeLayers(label), label: label);
        return _t.Store.CommitImage(b.ManifestDigest, tags.Select(ImageReference.Parse), NullProgressSink.Instance, default);
    }

    private void WriteNetwork(string name, string bridge, string subnet)
    {
        Directory.CreateDirectory(_engine.Networks.Directory);
        File.WriteAllText(_engine.Networks.ConfigPath(name), NetworkStore.BuildBridgeConfig(name, bridge, Ipv4Subnet.Parse(subnet), null, null, false).ToJsonString());
    }

    private Container AddContainer(string name, ContainerImage image, ContainerStatus status, string? volume, string? network)
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = name, Image = image.Name, ImageId = image.Id, Created = DateTime.UtcNow };
        c.State.Status = status;
        Directory.CreateDirectory(_engine.ContainerStore.DirOf(c.Id));
        _engine.ContainerStore.SaveDefinition(c);
        if (volume is not null)
        {
            var m = new ContainerMounts { ContainerId = c.Id, ContainerName = name, Mounts = [new ResolvedMount { Destination = "/data", Volume = volume, Anonymous = true, Source = _engine.Volumes.DataDirectory(volume) }] };
            File.WriteAllText(Path.Combine(_engine.ContainerStore.DirOf(c.Id), "mounts.json"), JsonSerializer.Serialize(m));
        }
        if (network is not null)
        {
            var s = new ContainerNetworkState { ContainerId = c.Id, ContainerName = name, Networks = [new NetworkAttachment { Network = network }] };
            File.WriteAllText(_engine.Networking.StatePath(c.Id), JsonSerializer.Serialize(s));
        }
        return c;
    }

    private PrunePlan Plan(PruneOptions o) => new PrunePlanner(_engine).Plan(o, [_running, _exited, _created]);

    private static string[] Names(PrunePlan p, PruneKind k) => p.Of(k).Select(i => i.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Stopped_containers_go_and_what_only_they_used_goes_with_them()
    {
        var p = Plan(new PruneOptions());
        Assert.Equal(["new", "old"], Names(p, PruneKind.Container));
        Assert.Equal(1234, p.Of(PruneKind.Container).Single(i => i.Name == "old").Size);
        // networks: the idle one and the one only the exited container used; never the default, never one in use
        Assert.Equal(["net-idle", "net-stopped"], Names(p, PruneKind.Network));
        Assert.Empty(p.Of(PruneKind.Volume)); // without Volumes
        // images: only the nameless unused one without AllImages
        Assert.Equal(_dangling.Id, Assert.Single(p.Of(PruneKind.Image)).Id);
        Assert.Equal(["Container", "Container", "Network", "Network", "Image"], p.Items.Select(i => i.Kind.ToString()));
    }

    [Fact]
    public void Volumes_adds_anonymous_unused_volumes_only()
    {
        var p = Plan(new PruneOptions { Volumes = true });
        Assert.Equal(["anon-idle", "anon-stopped"], Names(p, PruneKind.Volume));
        Assert.Equal(5000, p.Of(PruneKind.Volume).Single(i => i.Name == "anon-stopped").Size);
        Assert.Equal(300, p.Of(PruneKind.Volume).Single(i => i.Name == "anon-idle").Size);
    }

    [Fact]
    public void AllImages_takes_every_image_no_remaining_container_uses_and_sizes_add_up()
    {
        var p = Plan(new PruneOptions { AllImages = true });
        var ids = p.Of(PruneKind.Image).Select(i => i.Id).ToHashSet();
        Assert.Equal(new HashSet<string> { _usedByStopped.Id, _idle.Id, _dangling.Id, _renamed.Id }, ids);
        Assert.Equal(["test/idle:1", "test/idle:2"], p.Of(PruneKind.Image).Single(i => i.Id == _idle.Id).ImageNames.Select(n => ImageReference.Parse(n).ToFamiliarString()).Order(StringComparer.Ordinal));
        Assert.All(p.Of(PruneKind.Image), i => Assert.True(i.Size > 0, i.Name));
        Assert.Equal(p.Items.Sum(i => i.Size), p.SpaceReclaimed);
        Assert.StartsWith("Total reclaimed space: ", p.TotalText);
    }

    [Fact]
    public void The_catalogs_Unused_lists_agree_with_the_plan_once_no_stopped_container_is_left()
    {
        var gone = new HashSet<string> { _exited.Id, _created.Id };
        Assert.Equal(["net-idle", "net-stopped"], new NetworkCatalog(_engine.Networks, _engine.Networking) { Unused = true, IgnoredContainers = gone }.List().Select(n => n.Name).Order(StringComparer.Ordinal));
        // without ignoring, the exited container still holds its network, volume and image
        Assert.Equal(["net-idle"], new NetworkCatalog(_engine.Networks, _engine.Networking) { Unused = true }.List().Select(n => n.Name));
        Assert.Equal(["anon-idle"], new VolumeCatalog(_engine.Volumes) { Unused = true }.List().Select(v => v.Name));
        Assert.Equal(["anon-idle", "named-idle"], new VolumeCatalog(_engine.Volumes) { Unused = true, IncludeNamed = true }.List().Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.Equal(4, new VolumeCatalog(_engine.Volumes).List().Count()); // the filter really filters: 4 volumes in all
        var unused = new ImageQuery(_t.Store) { Unused = true }.Rows();
        Assert.Equal(["test/dangling:1", "test/idle:1", "test/idle:2", "<none>:<none>"], unused.Select(r => r.Repository + ":" + r.Tag).OrderBy(r => r.StartsWith('<')).ThenBy(r => r, StringComparer.Ordinal));
        Assert.Equal(_dangling.Id, Assert.Single(new ImageQuery(_t.Store) { Unused = true, Dangling = true }.Rows()).Id);
    }

    [Fact]
    public void The_executor_removes_exactly_the_planned_objects_and_reports_the_planned_space()
    {
        // containers are left out (removing one needs the runtime); networks, volumes and images are removed for real
        var p = Plan(new PruneOptions { AllImages = true, Volumes = true });
        var onlyStore = new PrunePlan { Items = p.Items.Where(i => i.Kind != PruneKind.Container && i.Name != "net-stopped" && i.Name != "anon-stopped" && i.Id != _usedByStopped.Id).ToList(), Options = p.Options };
        var skipped = onlyStore.Items.First(i => i.Kind == PruneKind.Image);
        var r = new PruneExecutor(_engine).Execute(onlyStore, i => i != skipped);
        Assert.Empty(r.Failed);
        Assert.Equal(["net-idle"], r.NetworksDeleted);
        Assert.Equal(["anon-idle"], r.VolumesDeleted);
        Assert.Equal(onlyStore.Items.Count(i => i.Kind == PruneKind.Image) - 1, r.Images);
        Assert.Equal(onlyStore.SpaceReclaimed - skipped.Size, r.SpaceReclaimed);
        Assert.Null(_engine.Networks.Get("net-idle"));
        Assert.Null(_engine.Volumes.Get("anon-idle"));
        Assert.NotNull(_engine.Volumes.Get("anon-running"));
        Assert.NotNull(_t.Store.FindImage(skipped.Id));
        Assert.NotNull(_t.Store.FindImage(_used.Id));
        Assert.NotNull(_t.Store.FindImage(_usedByStopped.Id));
    }

    [Fact]
    public void The_executor_reports_an_object_that_became_used_and_goes_on()
    {
        var p = Plan(new PruneOptions { Volumes = true });
        var vol = p.Of(PruneKind.Volume).Single(i => i.Name == "anon-idle");
        var net = p.Of(PruneKind.Network).Single(i => i.Name == "net-idle");
        AddContainer("late", _used, ContainerStatus.Running, "anon-idle", null); // starts using it after the plan
        var r = new PruneExecutor(_engine).Execute(new PrunePlan { Items = [vol, net] });
        var failed = Assert.Single(r.Failed);
        Assert.Same(vol, failed.Item);
        Assert.Equal(ErrorIds.VolumeInUse, Assert.IsAssignableFrom<PscException>(failed.Error).ErrorId);
        Assert.Equal(["net-idle"], r.NetworksDeleted);
        Assert.Equal(0, r.SpaceReclaimed);
        Assert.NotNull(_engine.Volumes.Get("anon-idle"));
    }

    [Fact]
    public void The_executor_passes_over_objects_removed_by_someone_else_since_the_plan()
    {
        var p = Plan(new PruneOptions { AllImages = true, Volumes = true });
        var container = p.Of(PruneKind.Container).Single(i => i.Id == _exited.Id);
        var vol = p.Of(PruneKind.Volume).Single(i => i.Name == "anon-idle");
        var net = p.Of(PruneKind.Network).Single(i => i.Name == "net-idle");
        var image = p.Of(PruneKind.Image).Single(i => i.Id == _dangling.Id);
        var idle = p.Of(PruneKind.Image).Single(i => i.Id == _idle.Id);
        // another process removes them after the plan was made
        SafeTree.Delete(_engine.ContainerStore.DirOf(_exited.Id));
        _engine.Volumes.Remove("anon-idle");
        _engine.Networking.RemoveNetwork("net-idle", force: false, default);
        _t.Store.Remove(_dangling.Id, force: false, default);

        var r = new PruneExecutor(_engine).Execute(new PrunePlan { Items = [container, vol, net, image, idle] });
        Assert.Empty(r.Failed);
        Assert.Empty(r.ContainersDeleted);
        Assert.Empty(r.VolumesDeleted);
        Assert.Empty(r.NetworksDeleted);
        Assert.Equal([_idle.Id], r.ImagesDeleted);
        Assert.Equal(idle.Size, r.SpaceReclaimed);
    }
}
