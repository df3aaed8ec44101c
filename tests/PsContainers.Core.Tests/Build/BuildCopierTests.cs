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
