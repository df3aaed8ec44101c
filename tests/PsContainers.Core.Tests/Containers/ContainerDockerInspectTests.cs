using System.Text.Json.Nodes;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// The docker inspect fields that follow docker's own (issue 11): the top-level Path and Args (the effective
/// entrypoint and command, split as docker splits them), HostConfig.NetworkMode as docker's text, and Config's
/// AttachStdin/AttachStdout/AttachStderr, StdinOnce, Volumes and Shell as docker run and create record them.
/// Root-free: nothing is started (RecordingSyscalls).
/// </summary>
public sealed class ContainerDockerInspectTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;

    public ContainerDockerInspectTests()
    {
        _engine = new Engine(_t.Paths, new RecordingSyscalls());
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers()); // CMD ["sh"], VOLUME /data
        _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/inspect:v1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    private Container Create(Action<ContainerCreateOptions>? set = null)
    {
        var o = new ContainerCreateOptions { Image = "test/inspect:v1" };
        set?.Invoke(o);
        var c = _engine.Containers.Create(o);
        return _engine.Containers.Store.Load(c.Id)!; // as Get-Container reads it back
    }

    [Fact]
    public void Path_is_the_first_word_of_entrypoint_and_command_and_Args_the_rest()
    {
        var c = Create(o => { o.Entrypoint = ["/bin/tini", "--"]; o.Command = ["sleep", "5"]; });
        Assert.Equal("/bin/tini", c.Path);
        Assert.Equal(["--", "sleep", "5"], c.Args);
        var image = Create(); // the image's CMD ["sh"]
        Assert.Equal("sh", image.Path);
        Assert.Empty(image.Args);
        Assert.Equal(_engine.Containers.Store.DirOf(c.Id), c.BundlePath); // the store directory moved to BundlePath
        Assert.Equal(Path.Combine(c.BundlePath!, "rootfs"), c.RootfsPath);
        Assert.Equal("", new Container().Path);
    }

    [Fact]
    public void Streams_are_recorded_as_docker_run_and_create_record_them()
    {
        var create = Create();
        Assert.Equal((false, true, true, false, false, false),
            (create.Config.AttachStdin, create.Config.AttachStdout, create.Config.AttachStderr, create.Config.OpenStdin, create.Config.StdinOnce, create.Config.Tty));
        var it = Create(o => { o.Interactive = true; o.Tty = true; });
        Assert.Equal((true, true, true, true, true, true),
            (it.Config.AttachStdin, it.Config.AttachStdout, it.Config.AttachStderr, it.Config.OpenStdin, it.Config.StdinOnce, it.Config.Tty));
        var detached = Create(o => { o.Interactive = true; o.Detach = true; });
        Assert.Equal((false, false, false, true, false),
            (detached.Config.AttachStdin, detached.Config.AttachStdout, detached.Config.AttachStderr, detached.Config.OpenStdin, detached.Config.StdinOnce));
    }

    [Fact]
    public void Volumes_are_the_image_s_and_the_anonymous_ones_and_not_a_named_volume()
    {
        var c = Create(o => o.Mounts.AddRange([
            new MountSpec { Type = MountKind.Volume, Destination = "/cache", Options = [MountSpec.AnonymousOption] },
            new MountSpec { Type = MountKind.Volume, Source = "named", Destination = "/named" },
        ]));
        Assert.Equal(["/data", "/cache"], c.Config.Volumes!.Keys);
        Assert.All(c.Config.Volumes.Values, v => Assert.Same(EmptyObject.Value, v));
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(_engine.Containers.Store.DirOf(c.Id), "container.json")))!;
        Assert.Equal("""["/data","/cache"]""", record["Config"]!["Volumes"]!.ToJsonString());
        Assert.Null(Create(o => o.IgnoreImageVolumes = true).Config.Volumes); // none: null, as docker writes it
    }

    [Fact]
    public void A_record_written_before_Volumes_was_recorded_reads_its_anonymous_volumes_from_its_mounts()
    {
        var c = Create();
        string path = Path.Combine(_engine.Containers.Store.DirOf(c.Id), "container.json");
        var j = JsonNode.Parse(File.ReadAllText(path))!;
        j["Config"]!.AsObject().Remove("Volumes");
        File.WriteAllText(path, j.ToJsonString());
        var back = _engine.Containers.Store.Load(c.Id)!;
        Assert.Equal(["/data"], back.Config.Volumes!.Keys); // the image's VOLUME, made an anonymous volume at create
    }

    [Fact]
    public void Shell_is_the_image_s_SHELL_and_null_without_one()
    {
        Assert.Null(Create().Config.Shell);
        var cfg = new ContainerConfig { Shell = ["/bin/bash", "-c"] };
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(cfg, ContainerStore.Json))!;
        Assert.Equal("""["/bin/bash","-c"]""", json["Shell"]!.ToJsonString());
        Assert.False(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new ContainerConfig(), ContainerStore.Json))!.AsObject().ContainsKey("Shell"));
    }

    [Fact]
    public void NetworkMode_is_docker_s_text_and_the_kind_is_stored_under_docker_s_name()
    {
        var c = Create(); // the default network
        Assert.Equal(NetworkMode.Bridge, c.HostConfig.NetworkModeKind);
        Assert.Equal("bridge", c.HostConfig.NetworkMode);
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(_engine.Containers.Store.DirOf(c.Id), "container.json")))!;
        Assert.Equal("Bridge", (string?)record["HostConfig"]!["NetworkMode"]);
        Assert.Null(record["HostConfig"]!["NetworkModeKind"]);

        var user = new Container { HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Bridge } };
        user.NetworkSettings.EndpointsConfig["front"] = new ContainerEndpoint();
        user.NetworkSettings.EndpointsConfig["back"] = new ContainerEndpoint();
        Assert.Equal("front", user.HostConfig.NetworkMode); // docker: the (first) user network's name
        var onDefault = new Container { HostConfig = new HostConfig { NetworkModeKind = NetworkMode.Bridge } };
        onDefault.NetworkSettings.EndpointsConfig[NetworkStore.DefaultNetworkName] = new ContainerEndpoint();
        Assert.Equal("bridge", onDefault.HostConfig.NetworkMode);
        string id = new('b', 64);
        Assert.Equal("container:" + id, new HostConfig { NetworkModeKind = NetworkMode.Container, NetworkContainerId = id }.NetworkMode);
        Assert.Equal("host", new HostConfig { NetworkModeKind = NetworkMode.Host }.NetworkMode);
        Assert.Equal("none", new HostConfig { NetworkModeKind = NetworkMode.None }.NetworkMode);
        Assert.Equal(user.HostConfig.NetworkMode, user.HostConfig.NetworkModeName);
    }
}
