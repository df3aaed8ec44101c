using PsContainers.Core;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Volumes;

public class MountParserTests
{
    [Fact]
    public void NamedVolume()
    {
        var m = MountParser.ParseVolume("data:/var/lib/data:ro");
        Assert.Equal(("volume", "data", "/var/lib/data", true), (m.Type, m.Source, m.Target, m.ReadOnly));
    }

    [Fact]
    public void BindMountWithPropagation()
    {
        var m = MountParser.ParseVolume("/srv/www:/usr/share/www:ro,rshared");
        Assert.Equal(("bind", "/srv/www", "/usr/share/www", true), (m.Type, m.Source, m.Target, m.ReadOnly));
        Assert.Contains("rshared", m.Options);
        Assert.True(m.CreateHostPath);
    }

    [Fact]
    public void PathOnlyIsAnonymousVolume()
    {
        var m = MountParser.ParseVolume("/cache");
        Assert.Equal(("volume", null, "/cache"), (m.Type, m.Source, m.Target));
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

    [Fact]
    public void MountBind()
    {
        var m = MountParser.ParseMount("type=bind,source=/tmp,target=/mnt/tmp,readonly,bind-propagation=rslave");
        Assert.Equal(("bind", "/tmp", "/mnt/tmp", true), (m.Type, m.Source, m.Target, m.ReadOnly));
        Assert.Contains("rslave", m.Options);
        Assert.False(m.CreateHostPath);
    }

    [Fact]
    public void MountVolumeDefaultTypeAndAliases()
    {
        var m = MountParser.ParseMount("src=cache,dst=/cache,volume-nocopy,ro=false");
        Assert.Equal(("volume", "cache", "/cache", false, true), (m.Type, m.Source, m.Target, m.ReadOnly, m.NoCopy));
    }

    [Fact]
    public void MountTmpfs()
    {
        var m = MountParser.ParseMount("type=tmpfs,destination=/run,tmpfs-size=64m,tmpfs-mode=1770");
        Assert.Equal(("tmpfs", "/run"), (m.Type, m.Target));
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
        Assert.Equal(("tmpfs", "/run"), (m.Type, m.Target));
        Assert.Equal(new[] { "size=10m", "noexec", "mode=755" }, m.Options);
        Assert.Throws<InvalidArgumentException>(() => MountParser.ParseTmpfs("/run:evil=1"));
        Assert.Throws<InvalidArgumentException>(() => MountParser.ParseTmpfs("run"));
    }
}
