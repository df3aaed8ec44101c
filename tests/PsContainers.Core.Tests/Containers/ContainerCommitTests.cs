using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// ContainerManager.Commit on containers that are never started (RecordingSyscalls: nothing is mounted or run): the
/// config docker commit makes from the container, -Change, the layer from the upper directory, and the errors. Real
/// running containers are committed in tests/Pester/Commit.Tests.ps1.
/// </summary>
public sealed class ContainerCommitTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly RecordingSyscalls _sys = new();
    private readonly Engine _engine;
    private readonly ContainerImage _image;

    public ContainerCommitTests()
    {
        _engine = new Engine(_t.Paths, _sys);
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        _image = _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/base:v1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    private Container Create() => _engine.Containers.Create(new ContainerCreateOptions
    {
        Image = "test/base:v1",
        Command = ["sh", "-c", "echo hi > /hi"],
        Environment = ["A=1"],
        Labels = new Dictionary<string, string> { ["test"] = "mine", ["extra"] = "x" },
        WorkingDirectory = "/data",
        User = "1000",
    });

    [Fact]
    public void The_new_image_has_the_containers_config_and_its_upper_directory_as_a_layer()
    {
        var c = Create();
        string upper = Path.Combine(_engine.ContainerStore.DirOf(c.Id), "upper");
        Directory.CreateDirectory(upper);
        File.WriteAllText(Path.Combine(upper, "hi"), "hi\n");

        var img = _engine.Containers.Commit(c, new ContainerCommitOptions
        {
            Tags = [ImageReference.Parse("test/committed:1")],
            Comment = "msg",
            Author = "Ann",
            Changes = ["EXPOSE 9090", "ENV B=2"],
        }, NullProgressSink.Instance);

        Assert.Equal(["test/committed:1"], img.RepoTags);
        Assert.Equal(_image.Layers, img.Layers[..^1]);
        Assert.Equal(["sh", "-c", "echo hi > /hi"], img.Config.Cmd);
        Assert.Equal("/data", img.Config.WorkingDir);
        Assert.Equal("1000", img.Config.User);
        Assert.Contains("A=1", img.Config.Env);
        Assert.Contains("B=2", img.Config.Env);
        Assert.Contains(_image.Config.Env, e => img.Config.Env.Contains(e)); // the image's PATH is kept
        Assert.Equal("mine", img.Config.Labels["test"]);
        Assert.Equal("x", img.Config.Labels["extra"]);
        Assert.Equal(["80/tcp", "9090/tcp"], img.Config.ExposedPorts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(_image.Config.Volumes, img.Config.Volumes);
        var h = img.History[^1];
        Assert.Equal(("sh -c echo hi > /hi", "msg", false), (h.CreatedBy, h.Comment, h.EmptyLayer));
        Assert.Equal("Ann", img.Author);
        // the layer is exactly the upper directory
        string top = _engine.Images.GetLayerPaths(img)[^1];
        Assert.Equal(["hi"], Directory.EnumerateFileSystemEntries(top).Select(Path.GetFileName));
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(top, "hi")));
        Assert.Empty(_sys.Calls.Where(call => call.StartsWith("kill", StringComparison.Ordinal))); // nothing paused or signalled
    }

    [Fact]
    public void A_container_never_started_commits_no_layer()
    {
        var c = Create();
        var img = _engine.Containers.Commit(c, new ContainerCommitOptions(), NullProgressSink.Instance);
        Assert.Equal(_image.Layers, img.Layers);
        Assert.True(img.History[^1].EmptyLayer);
        Assert.True(img.Dangling);
    }

    [Fact]
    public void A_bad_change_fails_before_anything_is_written()
    {
        var c = Create();
        var blobs = _engine.Images.EnumerateBlobs().ToHashSet();
        var e = Assert.ThrowsAny<PscException>(() => _engine.Containers.Commit(c,
            new ContainerCommitOptions { Changes = ["ENV A=1", "RUN echo no"], Tags = [ImageReference.Parse("test/bad:1")] }, NullProgressSink.Instance));
        Assert.Equal("DockerfileSyntax", e.ErrorId);
        Assert.Contains("change:1", e.Message);
        Assert.Equal(blobs, _engine.Images.EnumerateBlobs().ToHashSet());
        Assert.Single(_engine.Images.ListImages());
    }

    [Fact]
    public void A_container_whose_image_is_gone_cannot_be_committed()
    {
        var c = Create();
        File.Delete(Path.Combine(_engine.Images.ImagesDir, Digest.Hex(c.ImageId) + ".json"));
        var e = Assert.ThrowsAny<PscException>(() => _engine.Containers.Commit(c, new ContainerCommitOptions(), NullProgressSink.Instance));
        Assert.Equal("ImageNotFound", e.ErrorId);
    }
}
