using PsContainers.Core.Build;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.FileSystem;

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

    [Theory]
    [InlineData("type=cache,target=cache", "/app", "/app/cache")]
    [InlineData("type=cache,target=./c/../d/", "/app/src", "/app/src/d")]
    [InlineData("type=bind,target=src", "/", "/src")]
    [InlineData("type=bind,target=/abs/./x/", "/app", "/abs/x")]
    public void ARelativeTargetIsJoinedWithWorkdir(string value, string workdir, string target)
    {
        // BuildKit since moby/buildkit#628: a relative target is under the stage's WORKDIR
        var m = BuildRunMount.Parse(value, "Dockerfile:5", workdir);
        Assert.Equal(target, m.Target);
        if (m.Type == BuildRunMountType.Cache) Assert.Equal(target, m.Id);
    }

    [Theory]
    [InlineData("type=cache,target=/", "/")]
    [InlineData("type=bind,target=/.", "/app")]
    [InlineData("type=cache,target=..", "/app")]
    [InlineData("type=cache,target=.", "/")]
    public void ARootTargetIsRefused(string value, string workdir)
    {
        var e = Assert.ThrowsAny<PscException>(() => BuildRunMount.Parse(value, "Dockerfile:6", workdir));
        Assert.Equal(ErrorIds.BuildMountInvalid, e.ErrorId);
        Assert.StartsWith("Dockerfile:6: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid mount target \"/\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABindSourceLinkToAFileInsideTheContextWorksAndAnEscapingOneStaysOutside() => PrivateMountNamespace.Run(() =>
    {
        HostileCorpus.CreateSentinels();
        var before = HostileCorpus.Snapshot();
        string ctx = "/tmp/t/ctx", tmp = "/tmp/t/tmp", cache = "/tmp/t/cache";
        Directory.CreateDirectory(ctx + "/conf");
        File.WriteAllText(ctx + "/conf/app.ini", "key=1");
        File.CreateSymbolicLink(ctx + "/app.ini", "conf/app.ini");
        File.CreateSymbolicLink(ctx + "/abs.ini", "/conf/app.ini"); // absolute: resolved inside the context
        File.CreateSymbolicLink(ctx + "/passwd", "/etc/passwd");
        File.CreateSymbolicLink(ctx + "/up", "../../../../etc/hostname");
        using var src = BuildCopySource.Context(ctx, null);
        foreach (var name in new[] { "app.ini", "abs.ini", "./conf/../app.ini" })
        {
            var m = BuildRunMount.Parse($"type=bind,source={name},target=/etc/app.ini", "Dockerfile:7");
            using var prepared = BuildRunMounts.Prepare([m], cache, tmp, _ => src, "Dockerfile:7", default);
            var spec = Assert.Single(prepared.Specs);
            Assert.True(File.Exists(spec.Source), spec.Source);
            Assert.Equal("key=1", File.ReadAllText(spec.Source));
            Assert.Equal("/etc/app.ini", spec.Destination);
        }
        // links out of the context are resolved inside it: there is no etc/passwd there, and the message names the
        // source as written, not an internal path
        foreach (var name in new[] { "passwd", "up", "missing.txt" })
        {
            var m = BuildRunMount.Parse($"type=bind,source={name},target=/x", "Dockerfile:8");
            var e = Assert.ThrowsAny<PscException>(() => { using var _ = BuildRunMounts.Prepare([m], cache, tmp, _ => src, "Dockerfile:8", default); });
            Assert.Equal(ErrorIds.BuildSourceNotFound, e.ErrorId);
            Assert.Equal($"Dockerfile:8: the RUN --mount source '{name}' does not exist in the build context.", e.Message);
            // the cache key's digest, computed first, says the same
            var d = Assert.ThrowsAny<PscException>(() => BuildRunMounts.Digest(m, src, "Dockerfile:8", default));
            Assert.Equal(ErrorIds.BuildSourceNotFound, d.ErrorId);
            Assert.Equal(e.Message, d.Message);
        }
        HostileCorpus.AssertUnchanged(before);
    });
}
