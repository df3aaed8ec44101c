using System.Diagnostics;
using PsContainers.Core.Build;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>COPY/ADD semantics (Dockerfile reference, COPY and ADD) on real directories; hostile links only in a private mount namespace.</summary>
public sealed class BuildCopierTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-copier-" + Guid.NewGuid().ToString("N"));
    private string Ctx => Path.Combine(_dir, "ctx");
    private string Root => Path.Combine(_dir, "root");

    public BuildCopierTests()
    {
        Directory.CreateDirectory(Ctx);
        Directory.CreateDirectory(Path.Combine(Root, "etc"));
        File.WriteAllText(Path.Combine(Root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002:app:/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(Root, "etc/group"), "root:x:0:\nstaff:x:50:\napp:x:1002:\n");
    }

    public void Dispose() => SafeTree.Delete(_dir);

    private void Ctxf(string rel, string content, UnixFileMode? mode = null)
    {
        string p = Path.Combine(Ctx, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, content);
        if (mode is { } m) File.SetUnixFileMode(p, m);
    }

    private int Copy(BuildCopyOptions o, Func<string, bool>? excluded = null, string? root = null)
    {
        using var src = BuildCopySource.Context(Ctx, excluded);
        return BuildCopier.Copy(src, o with { Where = "Dockerfile:3" }, root ?? Root);
    }

    private static FsStat Lstat(string p)
    {
        using var parent = SafeFd.OpenDirectory(Path.GetDirectoryName(p)!);
        return Fs.Stat(parent, BytePath.FromString(Path.GetFileName(p)));
    }

    [Fact]
    public void ADirectorySourceCopiesItsContentsNotItself()
    {
        Ctxf("src/a.txt", "A");
        Ctxf("src/sub/b.txt", "B", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Copy(new BuildCopyOptions { Sources = ["src"], Destination = "/app" });
        Assert.Equal("A", File.ReadAllText(Path.Combine(Root, "app/a.txt")));
        Assert.Equal("B", File.ReadAllText(Path.Combine(Root, "app/sub/b.txt")));
        Assert.False(Directory.Exists(Path.Combine(Root, "app/src")));
        // modes kept, owners root
        var st = Lstat(Path.Combine(Root, "app/sub/b.txt"));
        Assert.Equal(0x1c0u, st.Permissions);
        Assert.Equal((0u, 0u), (st.Uid, st.Gid));
    }

    [Fact]
    public void TrailingSlashAndWorkdirDecideTheDestination()
    {
        Ctxf("f.txt", "F");
        Copy(new BuildCopyOptions { Sources = ["f.txt"], Destination = "/x/y/" });
        Assert.Equal("F", File.ReadAllText(Path.Combine(Root, "x/y/f.txt")));
        Copy(new BuildCopyOptions { Sources = ["f.txt"], Destination = "/x/renamed" });
        Assert.Equal("F", File.ReadAllText(Path.Combine(Root, "x/renamed")));
        // relative to WORKDIR; a leading / and .. in the source are clamped to the context
        Copy(new BuildCopyOptions { Sources = ["/../f.txt"], Destination = "rel/", WorkingDirectory = "/work" });
        Assert.Equal("F", File.ReadAllText(Path.Combine(Root, "work/rel/f.txt")));
        // an existing directory without a trailing slash receives the file
        Copy(new BuildCopyOptions { Sources = ["f.txt"], Destination = "/x/y" });
        Assert.True(File.Exists(Path.Combine(Root, "x/y/f.txt")));
    }

    [Fact]
    public void WildcardsMatchPerComponentAndSeveralSourcesNeedADirectory()
    {
        Ctxf("a1.txt", "1"); Ctxf("a2.txt", "2"); Ctxf("b.md", "b"); Ctxf("d/a3.txt", "3");
        Copy(new BuildCopyOptions { Sources = ["a?.txt", "*.md"], Destination = "/w/" });
        Assert.Equal(["a1.txt", "a2.txt", "b.md"], Directory.GetFiles(Path.Combine(Root, "w")).Select(Path.GetFileName).Order().ToArray());
        Copy(new BuildCopyOptions { Sources = ["[d]/a[0-9].txt"], Destination = "/w2/" });
        Assert.Equal("3", File.ReadAllText(Path.Combine(Root, "w2/a3.txt")));
        var e = Assert.ThrowsAny<PscException>(() => { Copy(new BuildCopyOptions { Sources = ["a*.txt"], Destination = "/w3" }); });
        Assert.Equal(ErrorIds.BuildDestinationNotDirectory, e.ErrorId);
        Assert.Contains("Dockerfile:3", e.Message);
        var n = Assert.ThrowsAny<PscException>(() => { Copy(new BuildCopyOptions { Sources = ["*.none"], Destination = "/w3/" }); });
        Assert.Equal(ErrorIds.BuildSourceNotFound, n.ErrorId);
        var m = Assert.ThrowsAny<PscException>(() => { Copy(new BuildCopyOptions { Sources = ["missing"], Destination = "/w3/" }); });
        Assert.Equal(ErrorIds.BuildSourceNotFound, m.ErrorId);
    }

    [Theory]
    [InlineData("*.txt", "a.txt", true)]
    [InlineData("*.txt", "a.md", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("[^a]bc", "abc", false)]
    [InlineData("[^a]bc", "xbc", true)]
    [InlineData("[a-c]*", "cat", true)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("[", "[", false)]
    public void GoMatchFollowsFilepathMatch(string pattern, string name, bool expected) =>
        Assert.Equal(expected, BuildCopier.GoMatch(pattern, name));

    [Fact]
    public void ChownByNameAndNumberAndChmod()
    {
        Ctxf("f", "x"); Ctxf("d/g", "y");
        Copy(new BuildCopyOptions { Sources = ["f"], Destination = "/o/f1", Chown = "app" });
        var s1 = Lstat(Path.Combine(Root, "o/f1"));
        Assert.Equal((1001u, 1001u), (s1.Uid, s1.Gid)); // a user without a group: GID = UID
        Copy(new BuildCopyOptions { Sources = ["f"], Destination = "/o/f2", Chown = "app:staff", Chmod = "0640" });
        var s2 = Lstat(Path.Combine(Root, "o/f2"));
        Assert.Equal((1001u, 50u, 0x1a0u), (s2.Uid, s2.Gid, s2.Permissions));
        Copy(new BuildCopyOptions { Sources = ["d"], Destination = "/o/d", Chown = "7:8", Chmod = "751" });
        var sd = Lstat(Path.Combine(Root, "o/d"));
        var sg = Lstat(Path.Combine(Root, "o/d/g"));
        Assert.Equal((7u, 8u, 0x1e9u), (sd.Uid, sd.Gid, sd.Permissions));
        Assert.Equal((7u, 8u, 0x1e9u), (sg.Uid, sg.Gid, sg.Permissions));
        var nf = Assert.ThrowsAny<PscException>(() => { Copy(new BuildCopyOptions { Sources = ["f"], Destination = "/o/f3", Chown = "nobody-here" }); });
        Assert.Equal(ErrorIds.UserNotFound, nf.ErrorId);
        var bad = Assert.ThrowsAny<PscException>(() => { Copy(new BuildCopyOptions { Sources = ["f"], Destination = "/o/f3", Chmod = "u+rwz" }); });
        Assert.Equal(ErrorIds.InvalidBuildChmod, bad.ErrorId);
    }

    [Fact]
    public void ChownAlsoOwnsEveryDirectoryTheCopyCreatesButNotExistingOnes()
    {
        // BuildKit (fsutil copy.MkdirAll) chowns each directory it creates; existing ones keep their owner
        Ctxf("o.txt", "o");
        Directory.CreateDirectory(Path.Combine(Root, "x"));
        Copy(new BuildCopyOptions { Sources = ["o.txt"], Destination = "/x/c1/c2/", Chown = "1000:1000" });
        Assert.Equal((0u, 0u), (Lstat(Path.Combine(Root, "x")).Uid, Lstat(Path.Combine(Root, "x")).Gid));
        foreach (var d in new[] { "x/c1", "x/c1/c2", "x/c1/c2/o.txt" })
        {
            var s = Lstat(Path.Combine(Root, d));
            Assert.Equal((1000u, 1000u), (s.Uid, s.Gid));
        }
        Assert.Equal(0x1edu, Lstat(Path.Combine(Root, "x/c1")).Permissions);
        // without --chown created directories are root's
        Copy(new BuildCopyOptions { Sources = ["o.txt"], Destination = "/y/c1/" });
        Assert.Equal((0u, 0u), (Lstat(Path.Combine(Root, "y/c1")).Uid, Lstat(Path.Combine(Root, "y/c1")).Gid));
        // ADD of a local tar into a new directory: the created directories too
        Ctxf("t/in/x.txt", "inside");
        var psi = new ProcessStartInfo("tar", ["-cf", Path.Combine(Ctx, "pkg.tar"), "-C", Path.Combine(Ctx, "t"), "in"]);
        using (var p = Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
        Copy(new BuildCopyOptions { Sources = ["pkg.tar"], Destination = "/z/a/b/", IsAdd = true, Chown = "7:8" });
        foreach (var d in new[] { "z", "z/a", "z/a/b" })
        {
            var s = Lstat(Path.Combine(Root, d));
            Assert.Equal((7u, 8u), (s.Uid, s.Gid));
        }
        Assert.Equal("inside", File.ReadAllText(Path.Combine(Root, "z/a/b/in/x.txt")));
    }

    // security.capability v2 (linux/capability.h VFS_CAP_REVISION_2 | effective): cap_net_bind_service=ep
    private static readonly byte[] NetBindServiceEp = [0x01, 0, 0, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static byte[]? Xattr(string p, string attr)
    {
        using var parent = SafeFd.OpenDirectory(Path.GetDirectoryName(p)!);
        return Fs.GetXattr(parent, BytePath.FromString(Path.GetFileName(p)), BytePath.FromString(attr));
    }

    private static void SetXattr(string p, string attr, byte[] value)
    {
        using var parent = SafeFd.OpenDirectory(Path.GetDirectoryName(p)!);
        Fs.SetXattr(parent, BytePath.FromString(Path.GetFileName(p)), BytePath.FromString(attr), value);
    }

    [Fact]
    public void ExtendedAttributesAndFileCapabilitiesAreKeptFromTheContextAndFromAStage()
    {
        // buildah and BuildKit keep xattrs: "setcap in the build stage, COPY --from into the final stage" keeps the capability
        Ctxf("bin/srv", "#!/bin/sh\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Ctxf("notes.txt", "n");
        SetXattr(Path.Combine(Ctx, "bin/srv"), "security.capability", NetBindServiceEp);
        SetXattr(Path.Combine(Ctx, "notes.txt"), "user.origin", "context"u8.ToArray());
        SetXattr(Path.Combine(Ctx, "bin"), "user.dir", "d"u8.ToArray());
        string digestBefore;
        using (var s = BuildCopySource.Context(Ctx, null)) digestBefore = BuildCopier.ComputeDigest(s, new BuildCopyOptions { Sources = ["."], Destination = "/app/" });
        Copy(new BuildCopyOptions { Sources = ["."], Destination = "/app/", Chown = "1000:1000" });
        Assert.Equal(NetBindServiceEp, Xattr(Path.Combine(Root, "app/bin/srv"), "security.capability")); // set after the chown, which clears it
        Assert.Equal("context"u8.ToArray(), Xattr(Path.Combine(Root, "app/notes.txt"), "user.origin"));
        Assert.Equal("d"u8.ToArray(), Xattr(Path.Combine(Root, "app/bin"), "user.dir"));
        Assert.Equal(1000u, Lstat(Path.Combine(Root, "app/bin/srv")).Uid);
        // from a stage (another root file system): the same
        string final = Path.Combine(_dir, "final");
        Directory.CreateDirectory(final);
        using (var stage = BuildCopySource.Rootfs(Root))
            BuildCopier.Copy(stage, new BuildCopyOptions { Sources = ["/app/bin/srv"], Destination = "/usr/local/bin/srv", Where = "Dockerfile:9" }, final);
        Assert.Equal(NetBindServiceEp, Xattr(Path.Combine(final, "usr/local/bin/srv"), "security.capability"));
        // an xattr is part of what a COPY reads: changing it misses the cache
        SetXattr(Path.Combine(Ctx, "notes.txt"), "user.origin", "changed"u8.ToArray());
        using (var s = BuildCopySource.Context(Ctx, null))
            Assert.NotEqual(digestBefore, BuildCopier.ComputeDigest(s, new BuildCopyOptions { Sources = ["."], Destination = "/app/" }));
    }

    [Fact]
    public void HardLinksStayOneInodeFromTheContextAndFromAStage()
    {
        // buildah and BuildKit keep hard links inside one copy
        Ctxf("d/a", "same");
        Ctxf("d/other", "o");
        File.CreateSymbolicLink(Path.Combine(Ctx, "d/sub-link"), "a");
        Directory.CreateDirectory(Path.Combine(Ctx, "d/sub"));
        {
            using var dir = SafeFd.OpenDirectory(Path.Combine(Ctx, "d"));
            using var sub = SafeFd.OpenDirectory(Path.Combine(Ctx, "d/sub"));
            Fs.Link(dir, "a"u8, sub, "b"u8);
        }
        string digestBefore;
        using (var s = BuildCopySource.Context(Ctx, null)) digestBefore = BuildCopier.ComputeDigest(s, new BuildCopyOptions { Sources = ["d"], Destination = "/h/" });
        Copy(new BuildCopyOptions { Sources = ["d"], Destination = "/h/", Chown = "5:6" });
        var a = Lstat(Path.Combine(Root, "h/a"));
        var b = Lstat(Path.Combine(Root, "h/sub/b"));
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(2u, a.Nlink);
        Assert.Equal((5u, 6u), (b.Uid, b.Gid));
        Assert.Equal(1u, Lstat(Path.Combine(Root, "h/other")).Nlink);
        Assert.Equal("same", File.ReadAllText(Path.Combine(Root, "h/sub/b")));
        // two sources that are one inode, and a copy from a stage keeping the link
        Copy(new BuildCopyOptions { Sources = ["d/a", "d/sub/b"], Destination = "/two/" });
        Assert.Equal(Lstat(Path.Combine(Root, "two/a")).Inode, Lstat(Path.Combine(Root, "two/b")).Inode);
        string final = Path.Combine(_dir, "final");
        Directory.CreateDirectory(final);
        using (var stage = BuildCopySource.Rootfs(Root))
            BuildCopier.Copy(stage, new BuildCopyOptions { Sources = ["/h"], Destination = "/out/", Where = "Dockerfile:9" }, final);
        var fa = Lstat(Path.Combine(final, "out/a"));
        Assert.Equal(fa.Inode, Lstat(Path.Combine(final, "out/sub/b")).Inode);
        Assert.Equal(2u, fa.Nlink);
        // the link structure is part of the digest: the same bytes as two files is another copy
        File.Delete(Path.Combine(Ctx, "d/sub/b"));
        File.WriteAllText(Path.Combine(Ctx, "d/sub/b"), "same");
        File.SetUnixFileMode(Path.Combine(Ctx, "d/sub/b"), File.GetUnixFileMode(Path.Combine(Ctx, "d/a")));
        using (var s = BuildCopySource.Context(Ctx, null))
            Assert.NotEqual(digestBefore, BuildCopier.ComputeDigest(s, new BuildCopyOptions { Sources = ["d"], Destination = "/h/" }));
    }

    [Fact]
    public void ExcludedFilesAreNotCopiedAndTheDigestSeesContentNotTimes()
    {
        Ctxf("keep.txt", "k"); Ctxf("secret.key", "s"); Ctxf("logs/a.log", "l");
        Func<string, bool> ex = p => p.EndsWith(".key") || p.StartsWith("logs");
        Copy(new BuildCopyOptions { Sources = ["."], Destination = "/c/" }, ex);
        Assert.True(File.Exists(Path.Combine(Root, "c/keep.txt")));
        Assert.False(File.Exists(Path.Combine(Root, "c/secret.key")));
        Assert.False(File.Exists(Path.Combine(Root, "c/logs/a.log")));

        var o = new BuildCopyOptions { Sources = ["."], Destination = "/c/" };
        string Digest() { using var s = BuildCopySource.Context(Ctx, ex); return BuildCopier.ComputeDigest(s, o); }
        string d1 = Digest();
        File.SetLastWriteTimeUtc(Path.Combine(Ctx, "keep.txt"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(d1, Digest());
        File.WriteAllText(Path.Combine(Ctx, "secret.key"), "changed but excluded");
        Assert.Equal(d1, Digest());
        File.WriteAllText(Path.Combine(Ctx, "keep.txt"), "K");
        Assert.NotEqual(d1, Digest());
    }

    [Fact]
    public void AddExtractsALocalTarAndCopyDoesNot()
    {
        Ctxf("t/in/x.txt", "inside");
        var psi = new ProcessStartInfo("tar", ["-czf", Path.Combine(Ctx, "pkg.bin"), "-C", Path.Combine(Ctx, "t"), "in"]);
        using (var p = Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
        Copy(new BuildCopyOptions { Sources = ["pkg.bin"], Destination = "/opt/", IsAdd = true });
        Assert.Equal("inside", File.ReadAllText(Path.Combine(Root, "opt/in/x.txt")));
        Copy(new BuildCopyOptions { Sources = ["pkg.bin"], Destination = "/copied/" });
        Assert.True(File.Exists(Path.Combine(Root, "copied/pkg.bin")));
    }

    [Fact]
    public void CopiesADirectorysContentsIntoTheRoot()
    {
        // COPY dir / (and a RUN --mount=type=bind of a directory): the contents land in the root, which keeps its mode
        Ctxf("d/a.txt", "A");
        Ctxf("d/sub/b.txt", "B");
        File.SetUnixFileMode(Root, (UnixFileMode)Convert.ToInt32("755", 8));
        Copy(new BuildCopyOptions { Sources = ["d"], Destination = "/" });
        Assert.Equal("A", File.ReadAllText(Path.Combine(Root, "a.txt")));
        Assert.Equal("B", File.ReadAllText(Path.Combine(Root, "sub/b.txt")));
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(Root));
        Assert.True(File.Exists(Path.Combine(Root, "etc/passwd")));
    }

    [Theory]
    [InlineData("-cjf")] // bzip2
    [InlineData("-cJf")] // xz
    [InlineData("-czf")] // gzip
    [InlineData("-cf")]  // plain
    public void AddExtractsBzip2AndXzTarsAsBuildKitDoes(string tarFlags)
    {
        Ctxf("t/in/x.txt", "inside " + tarFlags);
        Ctxf("t/in/sub/y.txt", "deeper");
        var psi = new ProcessStartInfo("tar", [tarFlags, Path.Combine(Ctx, "pkg.archive"), "-C", Path.Combine(Ctx, "t"), "in"]);
        using (var p = Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
        Copy(new BuildCopyOptions { Sources = ["pkg.archive"], Destination = "/opt/", IsAdd = true });
        Assert.Equal("inside " + tarFlags, File.ReadAllText(Path.Combine(Root, "opt/in/x.txt")));
        Assert.Equal("deeper", File.ReadAllText(Path.Combine(Root, "opt/in/sub/y.txt")));
        Assert.False(File.Exists(Path.Combine(Root, "opt/pkg.archive")));
    }

    [Fact]
    public void AddCopiesAFileThatOnlyLooksCompressed()
    {
        // bzip2 and xz magic bytes without a tar inside: copied as a file, not an error
        File.WriteAllBytes(Path.Combine(Ctx, "fake.bz2"), [.. "BZh9"u8, 1, 2, 3, 4, 5]);
        File.WriteAllBytes(Path.Combine(Ctx, "fake.xz"), [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 9, 9, 9]);
        Copy(new BuildCopyOptions { Sources = ["fake.bz2", "fake.xz"], Destination = "/d/", IsAdd = true });
        Assert.Equal(9, new FileInfo(Path.Combine(Root, "d/fake.bz2")).Length);
        Assert.Equal(9, new FileInfo(Path.Combine(Root, "d/fake.xz")).Length);
    }

    [Fact]
    public void LinksNeverLeadOutOfTheContextOrTheRoot() => PrivateMountNamespace.Run(() =>
    {
        HostileCorpus.CreateSentinels();
        var before = HostileCorpus.Snapshot();
        string hostHostname = File.Exists("/etc/hostname") ? File.ReadAllText("/etc/hostname") : "";
        string ctx = "/tmp/t/ctx", root = "/tmp/t/root";
        Directory.CreateDirectory(ctx);
        Directory.CreateDirectory(root);
        File.CreateSymbolicLink(ctx + "/evil", "/etc");
        File.CreateSymbolicLink(ctx + "/up", "../../..");
        File.WriteAllText(ctx + "/f", "payload");
        Directory.CreateDirectory(ctx + "/tree");
        File.CreateSymbolicLink(ctx + "/tree/abs", "/etc/passwd");
        // the destination root has links pointing at the host
        File.CreateSymbolicLink(root + "/etc", "/proc/1/root/etc");
        File.CreateSymbolicLink(root + "/var", "../../../run");
        using (var src = BuildCopySource.Context(ctx, null))
        {
            // a source link to /etc is resolved inside the context: there is no etc/passwd there
            var e = Assert.ThrowsAny<PscException>(() => { BuildCopier.Copy(src, new BuildCopyOptions { Sources = ["evil/passwd"], Destination = "/x" }, root); });
            Assert.Equal(ErrorIds.BuildSourceNotFound, e.ErrorId);
            BuildCopier.Copy(src, new BuildCopyOptions { Sources = ["f"], Destination = "/etc/hostname" }, root);
            BuildCopier.Copy(src, new BuildCopyOptions { Sources = ["f"], Destination = "/var/lock/sentinel/f3" }, root);
            // a link inside a copied tree is copied as a link, not followed
            BuildCopier.Copy(src, new BuildCopyOptions { Sources = ["tree"], Destination = "/tree" }, root);
        }
        // the writes landed inside the root, the host's files are untouched
        Assert.Equal("payload", ReadInRoot(root, "etc/hostname"));
        Assert.Equal(hostHostname, File.Exists("/etc/hostname") ? File.ReadAllText("/etc/hostname") : "");
        Assert.Equal("lock", File.ReadAllText("/run/lock/sentinel/f3"));
        Assert.Equal("payload", ReadInRoot(root, "run/lock/sentinel/f3"));
        Assert.True(Lstat(root + "/tree/abs").IsSymlink);
        HostileCorpus.AssertUnchanged(before);
    });

    private static string ReadInRoot(string root, string path)
    {
        using var r = RootedPath.Open(root);
        using var fd = r.Open(path, OpenFlags.ReadOnly);
        using var s = new StreamReader(fd.ToStream(FileAccess.Read));
        return s.ReadToEnd();
    }
}
