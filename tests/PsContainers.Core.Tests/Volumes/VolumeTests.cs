using System.Text.Json;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Volumes;

public sealed class VolumeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-vol-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly PscPaths _paths;
    private readonly VolumeStore _store;
    private readonly string _rootfs;

    public VolumeTests()
    {
        _paths = new PscPaths(Path.Combine(_dir, "root"));
        _store = new VolumeStore(_paths);
        _rootfs = Path.Combine(_dir, "rootfs");
        Directory.CreateDirectory(Path.Combine(_rootfs, "usr/share/www"));
        File.WriteAllText(Path.Combine(_rootfs, "usr/share/www/index.html"), "from the image");
        Directory.CreateDirectory(Path.Combine(_rootfs, "data"));
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void CreateGetListRemove()
    {
        var v = _store.Create("data", new Dictionary<string, string> { ["app"] = "web" });
        Assert.Equal(("data", "local", false), (v.Name, v.Driver, v.Anonymous));
        Assert.True(Directory.Exists(v.Mountpoint));
        Assert.EndsWith("/volumes/data/_data", v.Mountpoint);
        Assert.Equal("web", _store.Get("data")!.Labels["app"]);
        Assert.Equal("VolumeExists", Assert.Throws<ConflictException>(() => _store.Create("data")).ErrorId);
        File.WriteAllBytes(Path.Combine(v.Mountpoint, "blob"), new byte[1234]);
        Assert.Equal(1234, _store.WithUsage(_store.Get("data")!).Size);
        _store.Remove("data");
        Assert.Null(_store.Get("data"));
        Assert.False(Directory.Exists(Path.Combine(_paths.Volumes, "data")));
    }

    [Fact]
    public void MountsJsonKeepsTheOciTypeStrings()
    {
        var m = new VolumeMounter(_paths);
        m.Prepare("c-json", "j", new[] { MountParser.ParseTmpfs("/run"), MountParser.ParseVolume("jv:/data") }, rootfs: _rootfs);
        using var doc = JsonDocument.Parse(File.ReadAllText(m.MountsPath("c-json")));
        var types = doc.RootElement.GetProperty("Mounts").EnumerateArray()
            .ToDictionary(x => x.GetProperty("Destination").GetString()!, x => x.GetProperty("Type").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["/run"] = "tmpfs", ["/data"] = "bind" }, types);
        var back = m.GetMounts("c-json")!.Mounts.ToDictionary(x => x.Destination, x => x.Type);
        Assert.Equal(new Dictionary<string, MountKind> { ["/run"] = MountKind.Tmpfs, ["/data"] = MountKind.Bind }, back);
        Assert.Equal(["jv"], _store.AllContainerMounts().Single().Mounts.Where(x => x.Volume is not null).Select(x => x.Volume));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ResolvedMount>("{\"Type\":\"nfs\"}"));
    }

    [Fact]
    public void AnonymousVolumesHaveRandomNames()
    {
        var v = _store.Create(null);
        Assert.True(v.Anonymous);
        Assert.Matches("^[0-9a-f]{64}$", v.Name);
    }

    [Fact]
    public void PrepareCopiesTheImageContentIntoANewNamedVolumeOnce()
    {
        var m = new VolumeMounter(_paths);
        var mounts = m.Prepare("c1", "web", new[] { MountParser.ParseVolume("site:/usr/share/www:ro") }, rootfs: _rootfs);
        var mount = Assert.Single(mounts);
        Assert.Equal((MountKind.Bind, "/usr/share/www", "site"), (mount.Type, mount.Destination, mount.Volume));
        Assert.Contains("ro", mount.Options);
        Assert.Equal("from the image", File.ReadAllText(Path.Combine(_store.Get("site")!.Mountpoint, "index.html")));
        Assert.True(_store.Get("site")!.CopiedUp);
        // a changed volume is not overwritten by the next container
        File.WriteAllText(Path.Combine(_store.Get("site")!.Mountpoint, "index.html"), "changed");
        m.Prepare("c2", "web2", new[] { MountParser.ParseVolume("site:/usr/share/www") }, rootfs: _rootfs);
        Assert.Equal("changed", File.ReadAllText(Path.Combine(_store.Get("site")!.Mountpoint, "index.html")));
        Assert.Equal(new[] { "web", "web2" }, _store.UsersOf("site").Order());
    }

    [Fact]
    public void InUseVolumesCannotBeRemoved()
    {
        var m = new VolumeMounter(_paths);
        m.Prepare("c1", "web", new[] { MountParser.ParseVolume("keep:/data") }, rootfs: _rootfs);
        var e = Assert.Throws<ConflictException>(() => _store.Remove("keep"));
        Assert.Equal(("VolumeInUse", PscErrorCategory.ResourceBusy), (e.ErrorId, e.Category));
        m.Release("c1", removeAnonymous: true);
        Assert.NotNull(_store.Get("keep")); // named volumes outlive the container
        _store.Remove("keep");
    }

    [Fact]
    public void ImageVolumesBecomeAnonymousVolumesRemovedWithTheContainer()
    {
        var m = new VolumeMounter(_paths);
        var mounts = m.Prepare("c1", "db", new[] { MountParser.ParseTmpfs("/run:size=1m") }, imageVolumes: new[] { "/data" }, rootfs: _rootfs);
        Assert.Equal(2, mounts.Count);
        var anon = mounts.Single(x => x.Volume is not null);
        Assert.True(anon.Anonymous);
        Assert.Equal("/data", anon.Destination);
        var tmp = mounts.Single(x => x.Type == MountKind.Tmpfs);
        Assert.Equal(new[] { "nosuid", "nodev", "size=1m", "mode=1777" }, tmp.Options);
        var removed = m.Release("c1", removeAnonymous: true);
        Assert.Equal(new[] { anon.Volume }, removed);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void AnExplicitMountReplacesTheImageVolume()
    {
        var m = new VolumeMounter(_paths);
        var mounts = m.Prepare("c1", "db", new[] { MountParser.ParseVolume("named:/data") }, imageVolumes: new[] { "/data/" }, rootfs: _rootfs);
        Assert.Equal("named", Assert.Single(mounts).Volume);
    }

    [Fact]
    public void BindSourcesAreChecked()
    {
        var m = new VolumeMounter(_paths);
        string missing = Path.Combine(_dir, "missing");
        var e = Assert.Throws<ResourceNotFoundException>(() => m.Prepare("c1", "x", new[] { MountParser.ParseMount($"type=bind,source={missing},target=/m") }));
        Assert.Equal("BindSourceNotFound", e.ErrorId);
        // -Volume creates a missing host directory, like docker -v
        var mounts = m.Prepare("c1", "x", new[] { MountParser.ParseVolume($"{missing}:/m:ro") });
        Assert.True(Directory.Exists(missing));
        Assert.Equal(new[] { "rbind", "rprivate", "ro" }, Assert.Single(mounts).Options);
    }

    [Fact]
    public void DuplicateTargetsAreRefused()
    {
        var m = new VolumeMounter(_paths);
        var e = Assert.Throws<InvalidArgumentException>(() => m.Prepare("c1", "x", new[] { MountParser.ParseVolume("a:/d"), MountParser.ParseTmpfs("/d/") }));
        Assert.Equal("DuplicateMountTarget", e.ErrorId);
        Assert.Empty(_store.List());
    }

    [Fact]
    public void MountsRecordIsJson()
    {
        var m = new VolumeMounter(_paths);
        m.Prepare("c9", "rec", new[] { MountParser.ParseVolume("r:/r") });
        var rec = JsonSerializer.Deserialize<ContainerMounts>(File.ReadAllText(m.MountsPath("c9")))!;
        Assert.Equal("rec", rec.ContainerName);
        Assert.Equal("r", Assert.Single(rec.Mounts).Volume);
    }
}
