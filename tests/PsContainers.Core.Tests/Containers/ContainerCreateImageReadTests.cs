using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// ContainerManager.Create reads its image once (issue 12, step 3): the image store's own count of record and config
/// reads, around a create from a stored image and around a create handed the image a run already resolved (the run
/// cmdlets' -Pull Missing check). Also the typed options Create now takes as given: the restart policy and the mounts in
/// the record's form. Nothing is started (RecordingSyscalls).
/// </summary>
public sealed class ContainerCreateImageReadTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;
    private readonly ContainerImage _image;

    public ContainerCreateImageReadTests()
    {
        _engine = new Engine(_t.Paths, new RecordingSyscalls());
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        _image = _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/reads:v1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    private static ContainerCreateOptions Options() => new() { Image = "test/reads:v1", Command = ["true"] };

    [Fact]
    public void A_create_reads_the_images_record_and_config_once()
    {
        var before = _engine.Images.Reads;
        _engine.Containers.Create(Options());
        var after = _engine.Images.Reads;
        Assert.Equal((1, 1), (after.Records - before.Records, after.Configs - before.Configs));
    }

    [Fact]
    public void A_create_given_the_resolved_image_reads_the_store_no_more()
    {
        var before = _engine.Images.Reads;
        var image = _engine.Containers.ResolveImage("test/reads:v1"); // what -Pull Missing does first
        var c = _engine.Containers.Create(Options(), image);
        var after = _engine.Images.Reads;
        Assert.Equal((1, 1), (after.Records - before.Records, after.Configs - before.Configs));
        Assert.Equal(_image.Id, c.ImageId);
        Assert.Equal(["true"], c.Config.Cmd);
    }

    [Fact]
    public void The_resolved_images_layers_are_the_ones_its_record_lists()
    {
        var image = _engine.Containers.ResolveImage("test/reads:v1");
        Assert.Equal(3, image.LayerPaths.Count);
        Assert.Equal(_engine.Images.GetLayerPaths(_image.Id), image.LayerPaths);
        Assert.All(image.LayerPaths, p => Assert.True(Directory.Exists(p), p));
    }

    [Fact]
    public void The_typed_restart_policy_is_stored_as_given()
    {
        var o = Options();
        o.Restart = ContainerManager.ParseRestart("on-failure:4");
        var c = _engine.Containers.Create(o);
        Assert.Equal(new RestartPolicy(RestartPolicyName.OnFailure, 4), c.HostConfig.RestartPolicy);
        Assert.Equal(new RestartPolicy(RestartPolicyName.OnFailure, 4), _engine.ContainerStore.Load(c.Id)!.HostConfig.RestartPolicy);
    }

    [Fact]
    public void A_restart_policy_with_auto_remove_is_refused_before_anything_is_written()
    {
        var o = Options();
        o.Restart = new RestartPolicy(RestartPolicyName.Always);
        o.AutoRemove = true;
        var e = Assert.Throws<InvalidArgumentException>(() => _engine.Containers.Create(o));
        Assert.Equal((ErrorIds.ConflictingOptions, "always"), (e.ErrorId, e.Target as string));
        Assert.Empty(_engine.ContainerStore.LoadAll());
    }

    [Fact]
    public void Mounts_parsed_at_the_edge_are_the_records_mounts_in_their_order()
    {
        string host = Path.Combine(_t.Paths.Root, "hostdir");
        Directory.CreateDirectory(host);
        var o = Options();
        o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseVolume(host + ":/data:ro")));
        o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseVolume("named:/named")));
        o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseTmpfs("/scratch:size=1m")));
        var c = _engine.Containers.Create(o);
        Assert.Equal([("/data", MountKind.Bind, host, true), ("/named", MountKind.Volume, "named", false), ("/scratch", MountKind.Tmpfs, null, false)],
            c.Mounts.Take(3).Select(m => (m.Destination, m.Type, m.Type == MountKind.Volume ? m.Name : m.Source, m.ReadOnly)));
        // a recorded volume mount shows the volume's host directory as its Source (docker inspect), its name as Name
        Assert.Equal(Path.Combine(_t.Paths.Volumes, "named", "_data"), c.Mounts[1].Source);
    }

    [Fact]
    public void A_bind_whose_host_path_is_missing_is_refused_at_create()
    {
        var o = Options();
        string missing = Path.Combine(_t.Paths.Root, "no-such-dir");
        o.Mounts.Add(MountParser.ToMountSpec(MountParser.ParseVolume(missing + ":/data")));
        var e = Assert.Throws<ResourceNotFoundException>(() => _engine.Containers.Create(o));
        Assert.Equal((ErrorIds.MountSourceNotFound, $"The host path '{missing}' of a volume does not exist."), (e.ErrorId, e.Message));
        Assert.Empty(_engine.ContainerStore.LoadAll());
    }
}
