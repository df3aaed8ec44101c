using PsContainers.Core.Build;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>RUN --mount values (Dockerfile reference "RUN --mount"): the fields BuildKit takes for cache and bind, and the refusals.</summary>
public sealed class BuildRunMountTests
{
    [Fact]
    public void ReadsACacheMountWithItsDefaults()
    {
        var m = BuildRunMount.Parse("type=cache,target=/root/.cache/go-build", "Dockerfile:4");
        Assert.Equal(BuildRunMountType.Cache, m.Type);
        Assert.Equal("/root/.cache/go-build", m.Target);
        Assert.Equal("/root/.cache/go-build", m.Id); // id defaults to the target
        Assert.Equal("shared", m.Sharing);
        Assert.Equal(0u, m.Uid);
        Assert.Equal(0u, m.Gid);
        Assert.Equal(Convert.ToUInt32("755", 8), m.Mode);
        Assert.False(m.ReadOnly);
    }

    [Fact]
    public void ReadsEveryCacheField()
    {
        var m = BuildRunMount.Parse("type=cache,dst=var/cache/apt,id=apt,sharing=locked,uid=100,gid=101,mode=0700,ro", "Dockerfile:4");
        Assert.Equal("/var/cache/apt", m.Target); // a relative target is taken from the root
        Assert.Equal("apt", m.Id);
        Assert.Equal("locked", m.Sharing);
        Assert.Equal((100u, 101u), (m.Uid, m.Gid));
        Assert.Equal(Convert.ToUInt32("700", 8), m.Mode);
        Assert.True(m.ReadOnly);
    }

    [Fact]
    public void ABindMountIsTheDefaultTypeAndReadOnly()
    {
        var m = BuildRunMount.Parse("target=/src,source=app,from=builder", "Dockerfile:2");
        Assert.Equal(BuildRunMountType.Bind, m.Type);
        Assert.Equal("/src", m.Target);
        Assert.Equal("app", m.Source);
        Assert.Equal("builder", m.From);
        Assert.True(m.ReadOnly);
        Assert.Equal("/", BuildRunMount.Parse("type=bind,destination=/x", "Dockerfile:2").Source);
    }

    [Theory]
    [InlineData("type=secret,id=aws", ErrorIds.BuildInstructionNotSupported, "RUN --mount=type=secret is not supported")]
    [InlineData("type=ssh", ErrorIds.BuildInstructionNotSupported, "RUN --mount=type=ssh is not supported")]
    [InlineData("type=tmpfs,target=/t", ErrorIds.BuildInstructionNotSupported, "RUN --mount=type=tmpfs is not supported")]
    [InlineData("type=bind,target=/t,rw", ErrorIds.BuildInstructionNotSupported, "bind mounts are read-only")]
    [InlineData("type=cache,target=/t,from=builder", ErrorIds.BuildInstructionNotSupported, "option 'from' is not supported for type=cache")]
    [InlineData("type=volume,target=/t", ErrorIds.BuildMountInvalid, "unknown mount type 'volume'")]
    [InlineData("type=cache", ErrorIds.BuildMountInvalid, "a target is required")]
    [InlineData("type=cache,target=/t,uid=x", ErrorIds.BuildMountInvalid, "'uid=x' is not a number")]
    [InlineData("type=cache,target=/t,mode=9", ErrorIds.BuildMountInvalid, "'mode=9' is not an octal mode")]
    [InlineData("type=cache,target=/t,sharing=some", ErrorIds.BuildMountInvalid, "sharing 'some' is not shared, private or locked")]
    [InlineData("type=cache,target=", ErrorIds.BuildMountInvalid, "'target' needs a value")]
    public void RefusesWhatItCannotRunNamingTheLine(string value, string errorId, string why)
    {
        var e = Assert.ThrowsAny<PscException>(() => BuildRunMount.Parse(value, "Dockerfile:9"));
        Assert.Equal(errorId, e.ErrorId);
        Assert.StartsWith("Dockerfile:9: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }
}
