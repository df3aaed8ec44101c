using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// The container's root filesystem (an overlay of the image's layers and the container's upper/work directories),
/// tested through <see cref="RecordingSyscalls"/>: what mount(2) is asked, in which order, and what the engine
/// does with its answer, without mounting anything.
/// </summary>
public sealed class ContainerRootfsTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly RecordingSyscalls _sys = new();
    private readonly Engine _engine;
    private readonly IReadOnlyList<string> _layers;

    public ContainerRootfsTests()
    {
        _engine = new Engine(_t.Paths, _sys);
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        var image = _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/rootfs:v1")], NullProgressSink.Instance, default);
        _layers = _engine.Images.GetLayerPaths(image);
    }

    public void Dispose() => _t.Dispose();

    private Container Create(bool autoRemove = false) =>
        _engine.Containers.Create(new ContainerCreateOptions { Image = "test/rootfs:v1", Command = ["true"], AutoRemove = autoRemove });

    private static string Data(string call) => call[(call.LastIndexOf(' ') + 1)..];

    [Fact]
    public void Mounts_an_overlay_with_the_top_layer_first_over_the_containers_upper_and_work()
    {
        var c = Create();
        string rootfs = _engine.Containers.MountRootfs(c);

        var call = Assert.Single(_sys.Calls);
        Assert.StartsWith($"mount overlay {rootfs} overlay 0 ", call);
        // overlayfs' lowerdir lists the uppermost layer first: the image's last layer
        string[] layers = _layers.Reverse().ToArray();
        Assert.Equal(3, layers.Length);
        string dir = _engine.ContainerStore.DirOf(c.Id);
        // redirect_dir and metacopy off, whatever the kernel's defaults: the upper directory stays a faithful diff (commit)
        Assert.Equal($"lowerdir={string.Join(':', layers)},upperdir={dir}/upper,workdir={dir}/work,redirect_dir=off,metacopy=off", Data(call));
        Assert.True(Directory.Exists(Path.Combine(dir, "upper")) && Directory.Exists(Path.Combine(dir, "work")));
    }

    [Fact]
    public void Mounts_once_and_unmounts_what_it_mounted()
    {
        var c = Create();
        _engine.Containers.MountRootfs(c);
        _engine.Containers.MountRootfs(c); // already a mount point: nothing more
        _engine.Containers.UnmountRootfs(c);
        _engine.Containers.UnmountRootfs(c); // no longer one: no call

        string rootfs = Path.Combine(_engine.ContainerStore.DirOf(c.Id), "rootfs");
        Assert.Collection(_sys.Calls,
            m => Assert.StartsWith("mount overlay " + rootfs, m),
            u => Assert.Equal("umount " + rootfs, u));
    }

    [Fact]
    public void A_container_removed_on_exit_skips_the_sync_and_falls_back_on_kernels_without_volatile()
    {
        var c = Create(autoRemove: true);
        _sys.MountResult = data => data!.EndsWith(",volatile", StringComparison.Ordinal) ? 22 /* EINVAL */ : 0;
        _engine.Containers.MountRootfs(c);

        Assert.Collection(_sys.Calls,
            first => Assert.EndsWith(",volatile", first),
            second => Assert.Equal(Data(_sys.Calls[0])[..^",volatile".Length], Data(second)));
    }

    [Fact]
    public void A_build_steps_working_container_skips_the_sync_too_and_clears_the_marker_a_previous_mount_left()
    {
        var c = _engine.Containers.Create(new ContainerCreateOptions
        {
            Image = "test/rootfs:v1", Command = ["true"], Labels = new() { [PsContainers.Core.Build.BuildWorkingContainer.StepLabel] = "Dockerfile:3" },
        });
        // what a volatile mount of this container's work directory left (overlayfs refuses the next mount while it is there)
        string marker = Path.Combine(_engine.ContainerStore.WorkOf(c.Id), "work", "incompat", "volatile");
        Directory.CreateDirectory(marker);
        _engine.Containers.MountRootfs(c);

        Assert.EndsWith(",redirect_dir=off,metacopy=off,volatile", Assert.Single(_sys.Calls));
        Assert.False(Directory.Exists(Path.GetDirectoryName(marker)));
        // an ordinary container keeps its upper layer through a crash: no volatile
        var plain = Create();
        _engine.Containers.MountRootfs(plain);
        Assert.EndsWith(",metacopy=off", _sys.Calls[^1]);
    }

    [Fact]
    public void A_kernel_without_metacopy_gets_the_mount_without_the_diff_options()
    {
        var c = Create();
        _sys.MountResult = data => data!.Contains("metacopy=", StringComparison.Ordinal) ? 22 /* EINVAL */ : 0;
        _engine.Containers.MountRootfs(c);

        string dir = _engine.ContainerStore.DirOf(c.Id);
        Assert.Collection(_sys.Calls,
            first => Assert.EndsWith(",redirect_dir=off,metacopy=off", first),
            second => Assert.Equal($"lowerdir={string.Join(':', _layers.Reverse())},upperdir={dir}/upper,workdir={dir}/work", Data(second)));
    }

    [Fact]
    public void A_failed_mount_is_RootfsMountFailed_with_the_errno_and_leaves_nothing_mounted()
    {
        var c = Create();
        _sys.MountResult = _ => 1; // EPERM
        var e = Assert.Throws<PscException>(() => _engine.Containers.MountRootfs(c));
        Assert.Equal("RootfsMountFailed", e.ErrorId);
        Assert.Equal(PscErrorCategory.ResourceUnavailable, e.Category);
        Assert.Contains("errno 1", e.Message);
        Assert.Equal(c.Name, e.Target);
        Assert.False(_sys.IsMountPoint(Path.Combine(_engine.ContainerStore.DirOf(c.Id), "rootfs")));
        Assert.Single(_sys.Calls);
    }

    [Fact]
    public void A_start_reads_the_layers_from_the_image_record_not_the_image_config_again()
    {
        // the image config is read once per run, at create (issue 12): with the config blob gone the rootfs still mounts
        var c = Create();
        string config = _engine.Images.GetBlobPath(c.ImageId);
        Assert.True(File.Exists(config), config);
        File.Delete(config);
        string rootfs = _engine.Containers.MountRootfs(c);

        var call = Assert.Single(_sys.Calls);
        string dir = _engine.ContainerStore.DirOf(c.Id);
        Assert.Equal($"lowerdir={string.Join(':', _layers.Reverse())},upperdir={dir}/upper,workdir={dir}/work,redirect_dir=off,metacopy=off", Data(call));
        Assert.Equal(Path.Combine(dir, "rootfs"), rootfs);
    }

    [Fact]
    public void A_container_whose_image_record_is_gone_cannot_mount_and_says_so()
    {
        var c = Create();
        File.Delete(Path.Combine(_engine.Images.ImagesDir, Digest.Hex(c.ImageId) + ".json"));
        var e = Assert.Throws<ResourceNotFoundException>(() => _engine.Containers.MountRootfs(c));
        Assert.Equal("ImageNotFound", e.ErrorId);
        Assert.Equal(c.Name, e.Target);
        Assert.Empty(_sys.Calls);
    }

    [Fact]
    public void Creating_a_container_makes_no_mount_and_no_kill()
    {
        Create();
        Create(autoRemove: true);
        Assert.Empty(_sys.Calls);
    }
}
