using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Volumes;

public class MountParserTests
{
    [Fact]
    public void NamedVolume()
    {
        var m = MountParser.ParseVolume("data:/var/lib/data:ro");
        Assert.Equal((MountKind.Volume, "data", "/var/lib/data", true), (m.Type, m.Source, m.Target, m.ReadOnly));
    }

    [Fact]
    public void BindMountWithPropagation()
    {
        var m = MountParser.ParseVolume("/srv/www:/usr/share/www:ro,rshared");
        Assert.Equal((MountKind.Bind, "/srv/www", "/usr/share/www", true), (m.Type, m.Source, m.Target, m.ReadOnly));
        Assert.Contains("rshared", m.Options);
        Assert.True(m.CreateHostPath);
    }

    [Fact]
    public void PathOnlyIsAnonymousVolume()
    {
        var m = MountParser.ParseVolume("/cache");
        Assert.Equal((MountKind.Volume, null, "/cache"), (m.Type, m.Source, m.Target));
    }

    // compose-spec's rule (compose-go isFilePath), -Volume's too: a source starting with '/', '.' or '~' is a host path;
    // no volume name can start so ("./a" and "~/a" were paths before; ".a" and "~a" were refused as volume names)
    [Theory]
    [InlineData("./site:/www", "./site")]
    [InlineData("../up:/up", "../up")]
    [InlineData(".:/here", ".")]
    [InlineData(".hidden:/h", ".hidden")]
    [InlineData("~:/home", "~")]
    [InlineData("~/conf:/conf", "~/conf")]
    [InlineData("~other:/o", "~other")]
    public void ASourceStartingWithDotSlashOrTildeIsABind(string spec, string source)
    {
        var m = MountParser.ParseVolume(spec);
        Assert.Equal((MountKind.Bind, source), (m.Type, m.Source));
        Assert.True(MountParser.IsHostPath(source));
    }

    [Theory]
    [InlineData("data")]
    [InlineData("my.vol-1_x")]
    [InlineData("")]
    public void AVolumeNameIsNotAHostPath(string source) => Assert.False(MountParser.IsHostPath(source));

    [Fact]
    public void SeLinuxOptionsAreRecordedNotApplied()
    {
        Assert.Equal("z", MountParser.ParseVolume("/a:/b:z").SeLinux);
        var m = MountParser.ParseVolume("/a:/b:ro,Z,rshared");
        Assert.Equal(("Z", true), (m.SeLinux, m.ReadOnly));
        Assert.Equal(["rshared"], m.Options);
        Assert.Null(MountParser.ParseVolume("/a:/b:ro").SeLinux);
        Assert.Empty(MountParser.ToMountSpec(MountParser.ParseVolume("/a:/b:z")).Options);
    }

    [Theory]
    [InlineData("data:relative")]
    [InlineData("data:/x:bogus")]
    [InlineData("bad name:/x")]
    [InlineData("a:/b:ro:extra")]
    [InlineData("data:/")]
    [InlineData("data:/a/../b")]
    [InlineData("vol:/x:rshared")]
    public void BadVolumeSpecs(string spec) => Assert.Throws<InvalidArgumentException>(() => MountParser.ParseVolume(spec));

    // moved from ContainerOptionsTests.ParsesVolumes when ContainerManager.ParseVolume folded into MountParser
    [Fact]
    public void VolumeSpecsBecomeContainerMounts()
    {
        var m = MountParser.ToMountSpec(MountParser.ParseVolume("/host/dir:/data:ro"));
        Assert.Equal((MountKind.Bind, "/host/dir", "/data", true), (m.Type, m.Source, m.Destination, m.ReadOnly));
        Assert.False(MountParser.ToMountSpec(MountParser.ParseVolume("/a:/b")).ReadOnly);
        var named = MountParser.ToMountSpec(MountParser.ParseVolume("named:/b"));
        Assert.Equal((MountKind.Volume, "named", "/b"), (named.Type, named.Source, named.Destination));
        Assert.Empty(named.Options);
        // docker's rule: a lone path is an anonymous volume (ContainerManager's own parser used to reject it)
        var anon = MountParser.ToMountSpec(MountParser.ParseVolume("/a"));
        Assert.Equal((MountKind.Volume, "/a"), (anon.Type, anon.Destination));
        Assert.Matches("^[0-9a-f]{64}$", anon.Source);
        Assert.Equal(["anonymous"], anon.Options);
        Assert.Equal("InvalidVolume", Assert.Throws<InvalidArgumentException>(() => MountParser.ParseVolume("/a:relative")).ErrorId);
        Assert.Equal("InvalidVolume", Assert.Throws<InvalidArgumentException>(() => MountParser.ParseVolume("/a:/b:sometimes")).ErrorId);
    }

    [Fact]
    public void RelativeBindSourcesAreMadeAbsolute()
    {
        var m = MountParser.ToMountSpec(MountParser.ParseVolume("./site:/www"));
        Assert.Equal((MountKind.Bind, Path.GetFullPath("./site")), (m.Type, m.Source));
        var p = MountParser.ToMountSpec(MountParser.ParseMount("type=bind,source=/srv,target=/x,bind-propagation=rslave"));
        Assert.Equal(["rslave"], p.Options);
        var nc = MountParser.ToMountSpec(MountParser.ParseMount("type=volume,target=/c,volume-nocopy"));
        Assert.Equal(["anonymous", "nocopy"], nc.Options);
        var t = MountParser.ToMountSpec(MountParser.ParseTmpfs("/run:size=1m,mode=700"));
        Assert.Equal((MountKind.Tmpfs, "/run", (string?)null), (t.Type, t.Destination, t.Source));
        Assert.Equal((1024L * 1024, 448), (t.Tmpfs!.SizeBytes, t.Tmpfs.Mode));
    }

    [Fact]
    public void MountBind()
    {
        var m = MountParser.ParseMount("type=bind,source=/tmp,target=/mnt/tmp,readonly,bind-propagation=rslave");
        Assert.Equal((MountKind.Bind, "/tmp", "/mnt/tmp", true), (m.Type, m.Source, m.Target, m.ReadOnly));
        Assert.Contains("rslave", m.Options);
        Assert.False(m.CreateHostPath);
    }

    [Fact]
    public void MountVolumeDefaultTypeAndAliases()
    {
        var m = MountParser.ParseMount("src=cache,dst=/cache,volume-nocopy,ro=false");
        Assert.Equal((MountKind.Volume, "cache", "/cache", false, true), (m.Type, m.Source, m.Target, m.ReadOnly, m.NoCopy));
    }

    [Fact]
    public void MountTmpfs()
    {
        var m = MountParser.ParseMount("type=tmpfs,destination=/run,tmpfs-size=64m,tmpfs-mode=1770");
        Assert.Equal((MountKind.Tmpfs, "/run"), (m.Type, m.Target));
        Assert.Equal(new[] { "size=64m", "mode=1770" }, m.Options);
    }

    [Theory]
    [InlineData("type=bind,target=/x")]
    [InlineData("type=nfs,target=/x")]
    [InlineData("type=volume,source=v")]
    [InlineData("type=tmpfs,source=x,target=/t")]
    [InlineData("type=volume,source=v,target=/t,bind-propagation=rshared")]
    [InlineData("type=bind,source=/a,target=/b,readonly=maybe")]
    [InlineData("type=bind,source=/a,target=/b,colour=red")]
    public void BadMountSpecs(string spec)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => MountParser.ParseMount(spec));
        Assert.Equal("InvalidMountSpec", e.ErrorId);
    }

    [Fact]
    public void TmpfsWithOptions()
    {
        var m = MountParser.ParseTmpfs("/run:size=10m,noexec,mode=755");
        Assert.Equal((MountKind.Tmpfs, "/run"), (m.Type, m.Target));
        Assert.Equal(new[] { "size=10m", "noexec", "mode=755" }, m.Options);
        Assert.Throws<InvalidArgumentException>(() => MountParser.ParseTmpfs("/run:evil=1"));
        Assert.Throws<InvalidArgumentException>(() => MountParser.ParseTmpfs("run"));
    }
}
