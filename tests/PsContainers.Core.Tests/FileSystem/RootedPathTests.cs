using PsContainers.Core.Util;
using PsContainers.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>
/// The secure join against expected tables, once through openat2(2) and once through the O_PATH fallback
/// (<see cref="FsFeatures.ForceFallbackOnThisThread"/>), always inside a private mount namespace.
/// </summary>
public sealed class RootedPathTests
{
    private const string R = "/tmp/t/root";

    private static void InRoot(bool fallback, Action<RootedPath> body) => PrivateMountNamespace.Run(() =>
    {
        FsFeatures.ForceFallbackOnThisThread = fallback;
        CreateSentinels();
        Directory.CreateDirectory(R + "/a/b/c");
        File.WriteAllText(R + "/a/b/file", "F");
        Directory.CreateDirectory(R + "/etc");
        File.WriteAllText(R + "/etc/passwd", "inside");
        Directory.CreateDirectory(R + "/var");
        foreach (var (link, target) in new[]
        {
            ("abs", "/a/b"), ("rel", "a/b"), ("up", "../../../../etc"), ("dotdot", ".."), ("dangling", "/nonexistent/x"),
            ("loop1", "loop2"), ("loop2", "loop1"), ("self", "self"), ("a/b/back", "../.."), ("file-link", "/a/b/file"),
            ("link-to-abs", "/etc"), ("procfd", "/proc/self/fd"), ("var/run", "/run"), ("var/lock", "/run/lock"),
            ("chain1", "chain2"), ("chain2", "chain3"), ("chain3", "/a"), ("trail", "a/b/"), ("hostrun", "/run/sentinel"),
            ("deepup", "a/b/c/../../../../../../../../a"),
        })
            File.CreateSymbolicLink(R + "/" + link, target);
        using (var r = SafeFd.OpenDirectory(R))
        {
            Fs.Mkdir(r, B("caf\xe9"), 0x1ed);
            using (var s = Fs.CreateFile(r, B("caf\xe8"))) s.WriteByte(0xe8);
            Fs.Symlink(B("caf\xe9"), r, B("lnk"));
            Fs.Symlink(B("/caf\xe8"), r, B("lnk8"));
        }
        var before = Snapshot();
        using (var rp = RootedPath.Open(R)) body(rp);
        AssertUnchanged(before);
    });

    public static TheoryData<string, string> Resolutions => new()
    {
        { "a/b/c", "/a/b/c" },
        { "/a/b/c", "/a/b/c" },
        { "", "/" },
        { "/", "/" },
        { "../../..", "/" },
        { "/a/../../a/b", "/a/b" },
        { "a/../../b", "/b" },
        { "/link-to-abs/../a", "/a" },
        { "/link-to-abs/../x", "/x" },
        { "abs/c", "/a/b/c" },
        { "rel/c", "/a/b/c" },
        { "up/passwd", "/etc/passwd" },
        { "dotdot/a", "/a" },
        { "dotdot", "/" },
        { "a/b/back/etc", "/etc" },
        { "chain1/b", "/a/b" },
        { "trail/c", "/a/b/c" },
        { "a/b/c/", "/a/b/c" },
        { "a//b///c/.", "/a/b/c" },
        { "dangling", "/nonexistent/x" },
        { "dangling/../y", "/nonexistent/y" },
        { "procfd", "/proc/self/fd" },
        { "var/run/x", "/run/x" },
        { "var/lock", "/run/lock" },
        { "hostrun/f1", "/run/sentinel/f1" },
        { "deepup", "/a" },
        { "lnk", "/caf\\xe9" },
        { "lnk8", "/caf\\xe8" },
        { "file-link", "/a/b/file" },
        { "a/b/file/x", "/a/b/file/x" },
    };

    [Theory, MemberData(nameof(Resolutions))]
    public void ResolvesLikeAChroot(string path, string expected)
    {
        foreach (bool fallback in new[] { false, true })
            InRoot(fallback, rp => Assert.Equal(expected, BytePath.Display(rp.ResolveBytes(B(path)))));
    }

    /// <summary>Open (following the final link) must reach the very inode the table names, or fail with the errno.</summary>
    public static TheoryData<string, string?, int> Opens => new()
    {
        { "a/b/c", "/a/b/c", 0 },
        { "", "", 0 },
        { "/", "", 0 },
        { "../../..", "", 0 },
        { "/a/../../a/b", "/a/b", 0 },
        { "a/../../b", null, Errno.ENOENT },
        { "/link-to-abs/../a", "/a", 0 },
        { "abs/c", "/a/b/c", 0 },
        { "rel/c", "/a/b/c", 0 },
        { "up/passwd", "/etc/passwd", 0 },
        { "dotdot/a", "/a", 0 },
        { "a/b/back/etc", "/etc", 0 },
        { "chain1/b", "/a/b", 0 },
        { "trail/c", "/a/b/c", 0 },
        { "a/b/c/", "/a/b/c", 0 },
        { "dangling", null, Errno.ENOENT },
        { "loop1", null, Errno.ELOOP },
        { "self", null, Errno.ELOOP },
        { "loop1/x", null, Errno.ELOOP },
        { "procfd", null, Errno.ENOENT },
        { "var/run", null, Errno.ENOENT },
        { "hostrun", null, Errno.ENOENT },
        { "file-link", "/a/b/file", 0 },
        { "file-link/", null, Errno.ENOTDIR },
        { "a/b/file/", null, Errno.ENOTDIR },
        { "a/b/file/x", null, Errno.ENOTDIR },
        { "deepup", "/a", 0 },
    };

    [Theory, MemberData(nameof(Opens))]
    public void OpensTheRightObject(string path, string? expected, int errno)
    {
        foreach (bool fallback in new[] { false, true })
            InRoot(fallback, rp =>
            {
                if (expected is null)
                {
                    var e = Assert.Throws<FsException>(() => rp.Open(B(path)).Dispose());
                    Assert.True(errno == e.Errno, $"{path} (fallback {fallback}): errno {e.Errno}, expected {errno}");
                    return;
                }
                using var fd = rp.Open(B(path));
                Assert.Equal(0, LinuxSyscalls.Instance.Lstat(R + expected, out var want));
                var got = Fs.Stat(fd);
                Assert.True(want.Inode == got.Inode, $"{path} (fallback {fallback}) opened the wrong object");
            });
    }

    [Theory, InlineData(false), InlineData(true)]
    public void NonUtf8NamesStayDistinct(bool fallback) => InRoot(fallback, rp =>
    {
        using var d = rp.Open(B("lnk"), OpenFlags.ReadOnly | OpenFlags.Directory);
        Assert.True(Fs.Stat(d).IsDirectory);
        using var f = rp.Open(B("lnk8"), OpenFlags.ReadOnly);
        Span<byte> one = stackalloc byte[2];
        Assert.Equal(1, Fs.Read(f, one));
        Assert.Equal(0xe8, one[0]);
        Assert.Equal(B("caf\xe9"), rp.ResolveBytes(B("lnk")).AsSpan(1).ToArray());
        var e = Assert.Throws<FsException>(() => rp.Resolve("lnk"));
        Assert.Equal(Errno.EILSEQ, e.Errno);
    });

    [Theory, InlineData(false), InlineData(true)]
    public void NotFollowingTheFinalLinkGivesTheLinkItself(bool fallback) => InRoot(fallback, rp =>
    {
        using var l = rp.Open(B("hostrun"), OpenFlags.Path, followFinal: false);
        Assert.True(Fs.Stat(l).IsSymlink);
        Assert.Equal(B("/run/sentinel"), Fs.ReadLink(l, ""u8));
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => rp.Open(B("abs"), OpenFlags.ReadOnly | OpenFlags.NoFollow)).Errno);
        Assert.Equal("/dangling", rp.Resolve("dangling", followFinal: false));
        // a regular open through links reaches the file inside the root, never the host's
        using var f = rp.Open("up/passwd", OpenFlags.ReadOnly);
        using var s = f.ToStream(FileAccess.Read);
        Assert.Equal("inside", new StreamReader(s).ReadToEnd());
    });

    [Theory, InlineData(false), InlineData(true)]
    public void TooManyLinksIsAClearError(bool fallback) => InRoot(fallback, rp =>
    {
        using (var r = SafeFd.OpenDirectory(R))
            for (int i = 0; i < 300; i++) Fs.Symlink(B($"h{i + 1}"), r, B($"h{i}"));
        Directory.CreateDirectory(R + "/h300");
        // 300 links: refused with ELOOP whichever path resolves
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => rp.Open("h0").Dispose()).Errno);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => rp.OpenParent("h0/x", out _).Dispose()).Errno);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => rp.ResolveBytes(B("h0"))).Errno);
        // 200 links: more than the kernel's 40, within the engine's 255, accepted by both paths alike
        Assert.Equal("/h300", rp.Resolve("h100"));
        using (var fd = rp.Open("h100")) Assert.True(Fs.Stat(fd).IsDirectory);
        using (var p = rp.OpenParent("h100/x", out var n))
        {
            Assert.Equal(0, LinuxSyscalls.Instance.Lstat(R + "/h300", out var h300));
            Assert.Equal(h300.Inode, Fs.Stat(p).Inode);
        }
    });

    [Theory, InlineData(false), InlineData(true)]
    public void OpenParentCreatesOnlyInsideTheRoot(bool fallback) => InRoot(fallback, rp =>
    {
        using (var p = rp.OpenParent("abs/newfile", out var name))
        {
            Assert.Equal(B("newfile"), name);
            using var s = Fs.CreateFile(p, name);
        }
        Assert.True(File.Exists(R + "/a/b/newfile"));
        // var/run -> /run: created as ROOT/run/..., never the host's /run
        using (var p = rp.OpenParent("/var/run/made/here", out var name, createParents: true))
            Fs.Mkdir(p, name, 0x1ed);
        Assert.True(Directory.Exists(R + "/run/made/here"));
        Assert.False(Directory.Exists("/run/made"));
        // a dangling link is followed inside the root
        using (var p = rp.OpenParent("dangling/f", out var name, createParents: true)) Assert.Equal(B("f"), name);
        Assert.True(Directory.Exists(R + "/nonexistent/x"));
        Assert.False(Directory.Exists("/nonexistent"));
        // the final name is never resolved: replacing a hostile link replaces the link
        using (var p = rp.OpenParent("hostrun", out var name))
        {
            Fs.Unlink(p, name);
            Fs.Symlink("safe"u8, p, name);
        }
        Assert.Equal("safe", new FileInfo(R + "/hostrun").LinkTarget);
        Assert.Equal(Errno.EINVAL, Assert.Throws<FsException>(() => rp.OpenParent("/", out _)).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<FsException>(() => rp.OpenParent("a/..", out _)).Errno);
        Assert.Equal(Errno.ENOENT, Assert.Throws<FsException>(() => rp.OpenParent("missing/x", out _)).Errno);
        Assert.Equal(Errno.ENOTDIR, Assert.Throws<FsException>(() => rp.OpenParent("a/b/file/x/y", out _, createParents: true)).Errno);
        using (rp.CreateDirectories("link-to-abs/new/deep")) { }
        Assert.True(Directory.Exists(R + "/etc/new/deep"));
        Assert.False(Directory.Exists("/etc/new"));
    });

    [Theory, InlineData(false), InlineData(true)]
    public void BeneathRefusesEverySymlinkAndEscape(bool fallback) => InRoot(fallback, rp =>
    {
        using var r = SafeFd.OpenDirectory(R);
        using (var ok = RootedPath.OpenBeneath(r, "a/b/c"u8)) Assert.True(Fs.Stat(ok).IsDirectory);
        using (var ok = RootedPath.OpenBeneath(r, "a/b/../b/file"u8, OpenFlags.ReadOnly)) Assert.True(Fs.Stat(ok).IsRegular);
        using (var l = RootedPath.OpenBeneath(r, "hostrun"u8, OpenFlags.Path | OpenFlags.NoFollow)) Assert.True(Fs.Stat(l).IsSymlink);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "abs/c"u8)).Errno);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "var/run"u8, OpenFlags.ReadOnly)).Errno);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "hostrun"u8)).Errno);
        Assert.Equal(Errno.EXDEV, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "../root"u8)).Errno);
        Assert.Equal(Errno.EXDEV, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "a/../../x"u8)).Errno);
        Assert.Equal(Errno.EXDEV, Assert.Throws<FsException>(() => RootedPath.OpenBeneath(r, "/etc"u8)).Errno);
    });
}
