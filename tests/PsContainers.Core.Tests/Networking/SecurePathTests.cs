using PsContainers.Core;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Networking;

public sealed class SecurePathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-sp-" + Guid.NewGuid().ToString("N")[..8]);

    public SecurePathTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "usr/share/www"));
        Directory.CreateDirectory(Path.Combine(_root, "var"));
        File.CreateSymbolicLink(Path.Combine(_root, "etcl"), "/etc");                 // absolute: must stay inside
        File.CreateSymbolicLink(Path.Combine(_root, "var/up"), "../../../../../etc"); // climbs: clamped at the root
        File.CreateSymbolicLink(Path.Combine(_root, "www"), "usr/share/www");         // relative: followed
        File.CreateSymbolicLink(Path.Combine(_root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), "loop1");
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Fact] public void PlainPath() => Assert.Equal("/usr/share/www", SecurePath.Resolve(_root, "/usr/share/www"));
    [Fact] public void AbsoluteLinkStaysInRoot() => Assert.Equal("/etc/passwd", SecurePath.Resolve(_root, "/etcl/passwd"));
    [Fact] public void DotDotLinkIsClampedAtRoot() => Assert.Equal("/etc", SecurePath.Resolve(_root, "/var/up"));
    [Fact] public void RelativeLinkIsFollowed() => Assert.Equal("/usr/share/www/html", SecurePath.Resolve(_root, "/www/html"));
    [Fact] public void DotDotInPathIsClamped() => Assert.Equal("/etc", SecurePath.Resolve(_root, "/../../etc"));
    [Fact] public void MissingPathsAreKept() => Assert.Equal("/new/dir", SecurePath.Resolve(_root, "/new/dir"));

    [Fact]
    public void JoinGivesAHostPathUnderTheRoot()
    {
        var host = SecurePath.Join(_root, "/etcl/shadow");
        Assert.StartsWith(_root + "/", host);
        Assert.Equal(Path.Combine(_root, "etc/shadow"), host);
    }

    [Fact]
    public void LinkLoopsAreRefused()
    {
        var e = Assert.Throws<PscException>(() => SecurePath.Resolve(_root, "/loop1/x"));
        Assert.Equal("TooManySymlinks", e.ErrorId);
    }
}
