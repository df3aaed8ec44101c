using PsContainers.Core;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.Core.Volumes;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Volumes;

/// <summary>
/// Mount destinations are resolved inside the container root with <see cref="RootedPath"/> (these were the tests of the
/// engine's former SecurePath, whose expectations are kept). The root holds links to host paths, so every test runs
/// inside a <see cref="PrivateMountNamespace"/>, once through openat2 and once through the O_PATH fallback.
/// </summary>
public sealed class MountDestinationTests
{
    private const string Root = "/tmp/t/root";

    private static void InRoot(bool fallback, Action<RootedPath> body) => PrivateMountNamespace.Run(() =>
    {
        FsFeatures.ForceFallbackOnThisThread = fallback;
        HostileCorpus.CreateSentinels();
        Directory.CreateDirectory(Path.Combine(Root, "usr/share/www"));
        Directory.CreateDirectory(Path.Combine(Root, "var"));
        File.CreateSymbolicLink(Path.Combine(Root, "etcl"), "/etc");                 // absolute: must stay inside
        File.CreateSymbolicLink(Path.Combine(Root, "var/up"), "../../../../../etc"); // climbs: clamped at the root
        File.CreateSymbolicLink(Path.Combine(Root, "www"), "usr/share/www");         // relative: followed
        File.CreateSymbolicLink(Path.Combine(Root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(Root, "loop2"), "loop1");
        var before = HostileCorpus.Snapshot();
        using (var rp = RootedPath.Open(Root)) body(rp);
        HostileCorpus.AssertUnchanged(before);
    });

    [Theory, InlineData(false), InlineData(true)]
    public void PlainPath(bool fallback) => InRoot(fallback, rp => Assert.Equal("/usr/share/www", rp.Resolve("/usr/share/www")));

    [Theory, InlineData(false), InlineData(true)]
    public void AbsoluteLinkStaysInRoot(bool fallback) => InRoot(fallback, rp => Assert.Equal("/etc/passwd", rp.Resolve("/etcl/passwd")));

    [Theory, InlineData(false), InlineData(true)]
    public void DotDotLinkIsClampedAtRoot(bool fallback) => InRoot(fallback, rp => Assert.Equal("/etc", rp.Resolve("/var/up")));

    [Theory, InlineData(false), InlineData(true)]
    public void RelativeLinkIsFollowed(bool fallback) => InRoot(fallback, rp => Assert.Equal("/usr/share/www/html", rp.Resolve("/www/html")));

    [Theory, InlineData(false), InlineData(true)]
    public void DotDotInPathIsClamped(bool fallback) => InRoot(fallback, rp => Assert.Equal("/etc", rp.Resolve("/../../etc")));

    [Theory, InlineData(false), InlineData(true)]
    public void MissingPathsAreKept(bool fallback) => InRoot(fallback, rp => Assert.Equal("/new/dir", rp.Resolve("/new/dir")));

    [Fact]
    public void JoinGivesAHostPathUnderTheRoot() => InRoot(false, _ =>
    {
        var host = RootedPath.Join(Root, "/etcl/shadow");
        Assert.StartsWith(Root + "/", host);
        Assert.Equal(Path.Combine(Root, "etc/shadow"), host);
    });

    [Theory, InlineData(false), InlineData(true)]
    public void LinkLoopsAreRefused(bool fallback) => InRoot(fallback, rp =>
    {
        var fe = Assert.Throws<FsException>(() => rp.Resolve("/loop1/x"));
        Assert.Equal(Errno.ELOOP, fe.Errno);
        // the engine reports it as it always has
        var paths = new PscPaths("/tmp/t/store");
        var e = Assert.Throws<PscException>(() => new VolumeMounter(paths).Prepare("c1", "x", new[] { MountParser.ParseVolume("v:/loop1/x") }, rootfs: Root));
        Assert.Equal("TooManySymlinks", e.ErrorId);
        Assert.Empty(new VolumeStore(paths).List()); // nothing was left behind
    });
}
