using System.Diagnostics;
using PsContainers.Core.Util;
using PsContainers.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.FileSystem;

public sealed class SafeTreeTests
{
    private static void InNamespace(bool fallback, Action body) => PrivateMountNamespace.Run(() =>
    {
        FsFeatures.ForceFallbackOnThisThread = fallback;
        CreateSentinels();
        body();
    });

    [Fact]
    public void TheNamespaceHelperReallyIsolates()
    {
        string probe = "/run/psc-fs-probe-" + Guid.NewGuid().ToString("N");
        string mountsInside = PrivateMountNamespace.Run(() =>
        {
            File.WriteAllText(probe, "inside");
            Directory.CreateDirectory("/tmp/t/m");
            PrivateMountNamespace.Mount("tmpfs", "/tmp/t/m", "tmpfs", 0);
            // the real root is read-only in here
            var e = Assert.ThrowsAny<IOException>(() => File.WriteAllText("/psc-fs-probe", "x"));
            Assert.Contains("Read-only", e.Message);
            // every other mount of the machine too (the cgroup hierarchies among them)
            var ce = Assert.ThrowsAny<IOException>(() => Directory.CreateDirectory("/sys/fs/cgroup/pids/psc-fs-probe"));
            Assert.Contains("Read-only", ce.Message);
            // no process outside is reachable through /proc (/proc/1/root would lead to the writable root)
            Assert.False(Directory.Exists("/proc/1"));
            Assert.True(Directory.Exists("/proc/self/fd"));
            Assert.Equal("/", new DirectoryInfo("/proc/self/root").LinkTarget);
            return File.ReadAllText("/proc/self/mountinfo");
        });
        Assert.False(File.Exists(probe));
        Assert.Contains(mountsInside.Split('\n'), l => l.Split(' ') is { Length: > 8 } f && f[4] == "/run" && l.Contains(" - tmpfs "));
        Assert.Contains(mountsInside.Split('\n'), l => l.Split(' ') is { Length: > 8 } f && f[4] == "/tmp/t/m");
        Assert.DoesNotContain(File.ReadAllText("/proc/thread-self/mountinfo").Split('\n'), l => l.Split(' ') is { Length: > 8 } f && f[4] == "/tmp/t/m");
    }

    // ------------------------------------------------------------------ delete

    [Theory, InlineData(false), InlineData(true)]
    public void DeleteRemovesTheHostileTreeAndNothingElse(bool fallback) => InNamespace(fallback, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree");
        var before = Snapshot();
        Assert.True(SafeTree.Delete(t.HostPath));
        Assert.False(Directory.Exists(t.HostPath));
        Assert.False(new FileInfo(t.HostPath).LinkTarget is not null);
        AssertUnchanged(before);
        Assert.False(SafeTree.Delete(t.HostPath)); // nothing left
    });

    [Fact]
    public void DeleteOfASymlinkRemovesTheLinkOnly() => InNamespace(false, () =>
    {
        Directory.CreateDirectory("/tmp/t/x");
        File.CreateSymbolicLink("/tmp/t/x/link", Sentinel);
        var before = Snapshot();
        Assert.True(SafeTree.Delete("/tmp/t/x/link"));
        Assert.Empty(Directory.GetFileSystemEntries("/tmp/t/x"));
        AssertUnchanged(before);
    });

    [Fact]
    public void DeleteRefusesToCrossABindMountAndLeavesItsContent() => InNamespace(false, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree", deep: false);
        Directory.CreateDirectory("/run/bindsrc/inner");
        File.WriteAllText("/run/bindsrc/inner/keep", "keep");
        Directory.CreateDirectory("/tmp/t/tree/sub/mnt");
        PrivateMountNamespace.Mount("/run/bindsrc", "/tmp/t/tree/sub/mnt", null, PrivateMountNamespace.MS_BIND);
        var before = Snapshot();
        var e = Assert.Throws<FsException>(() => SafeTree.Delete(t.HostPath));
        Assert.Equal(Errno.EBUSY, e.Errno);
        Assert.Equal("sub/mnt", e.DisplayPath);
        // everything else is gone, the mount and what it shows are intact
        Assert.Equal(["/tmp/t/tree/sub"], Directory.GetFileSystemEntries("/tmp/t/tree"));
        Assert.Equal(["/tmp/t/tree/sub/mnt"], Directory.GetFileSystemEntries("/tmp/t/tree/sub"));
        Assert.Equal("keep", File.ReadAllText("/tmp/t/tree/sub/mnt/inner/keep"));
        Assert.Equal("keep", File.ReadAllText("/run/bindsrc/inner/keep"));
        AssertUnchanged(before);
        // a mount point as the path itself is refused too
        var e2 = Assert.Throws<FsException>(() => SafeTree.Delete("/tmp/t/tree/sub/mnt"));
        Assert.Equal(Errno.EBUSY, e2.Errno);
        PrivateMountNamespace.Unmount("/tmp/t/tree/sub/mnt");
        Assert.True(SafeTree.Delete(t.HostPath));
        Assert.False(Directory.Exists(t.HostPath));
        Assert.Equal("keep", File.ReadAllText("/run/bindsrc/inner/keep"));
    });

    [Fact]
    public void DeleteRefusesAFileBindMount() => InNamespace(false, () =>
    {
        Directory.CreateDirectory("/tmp/t/tree");
        File.WriteAllText("/tmp/t/tree/target", "");
        PrivateMountNamespace.Mount(Sentinel + "/f1", "/tmp/t/tree/target", null, PrivateMountNamespace.MS_BIND);
        var before = Snapshot();
        Assert.Equal(Errno.EBUSY, Assert.Throws<FsException>(() => SafeTree.Delete("/tmp/t/tree")).Errno);
        Assert.Equal("hello", File.ReadAllText("/tmp/t/tree/target"));
        AssertUnchanged(before);
    });

    // ------------------------------------------------------------------ walk / size

    [Theory, InlineData(false), InlineData(true)]
    public void WalkReportsEveryEntryOnceAndNeverFollowsALink(bool fallback) => InNamespace(fallback, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree");
        var before = Snapshot();
        using var root = SafeFd.OpenDirectory(t.HostPath);
        var seen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int maxDepth = 0;
        foreach (var e in SafeTree.Walk(root))
        {
            if (e.Depth == 0) { Assert.Empty(e.RelativePath); continue; }
            string kind = e.Status.IsDirectory ? "d" : e.Status.IsSymlink ? "l" : e.Status.IsRegular ? "f" : e.Status.IsCharDevice ? "c" : e.Status.IsFifo ? "p" : e.Status.IsSocket ? "s" : "?";
            Assert.True(seen.TryAdd(BytePath.Display(e.RelativePath), kind), BytePath.Display(e.RelativePath));
            maxDepth = Math.Max(maxDepth, e.Depth);
            if (e.Status.IsSymlink) Assert.NotEmpty(e.ReadLink());
        }
        Assert.Equal(t.Expected, seen);
        Assert.Equal(DeepLevels + 2, maxDepth);
        // the two non-UTF-8 names stay distinct and byte-exact
        Assert.Contains("caf\\xe9", seen.Keys);
        Assert.Contains("caf\\xe8", seen.Keys);
        AssertUnchanged(before);
    });

    [Fact]
    public void WalkOnOneFileSystemDoesNotEnterAMount() => InNamespace(false, () =>
    {
        Directory.CreateDirectory("/tmp/t/tree/mnt");
        PrivateMountNamespace.Mount("/run/sentinel", "/tmp/t/tree/mnt", null, PrivateMountNamespace.MS_BIND);
        using var root = SafeFd.OpenDirectory("/tmp/t/tree");
        var xdev = SafeTree.Walk(root, new WalkOptions { OneFileSystem = true }).Select(e => BytePath.Display(e.RelativePath)).ToList();
        Assert.Equal(["", "mnt"], xdev);
        var all = SafeTree.Walk(root).Select(e => BytePath.Display(e.RelativePath)).ToList();
        Assert.Contains("mnt/d/f2", all);
    });

    [Fact]
    public void SizeCountsRegularFilesWithHardLinksOnce() => InNamespace(false, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree");
        var before = Snapshot();
        Assert.Equal(t.RegularBytes, SafeTree.Size(t.HostPath));
        Assert.Equal(0, SafeTree.Size("/tmp/t/missing"));
        AssertUnchanged(before);
    });

    // ------------------------------------------------------------------ copy

    [Theory, InlineData(false), InlineData(true)]
    public void CopyIsByteExactAndStaysInside(bool fallback) => InNamespace(fallback, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree");
        var before = Snapshot();
        Directory.CreateDirectory("/tmp/t/out");
        SafeTree.Copy(t.HostPath, "/tmp/t/out/copy");
        AssertUnchanged(before);
        AssertSameTree(t, "/tmp/t/out/copy", skipTrustedOverlay: false);
        // hard links stay hard links, to the copy (not the source)
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat("/tmp/t/out/copy/hard1", out var h1));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat("/tmp/t/out/copy/hard2", out var h2));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat("/tmp/t/out/copy/sub/hard3", out var h3));
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat(t.HostPath + "/hard1", out var s1));
        Assert.Equal(h1.Inode, h2.Inode);
        Assert.Equal(h1.Inode, h3.Inode);
        Assert.NotEqual(s1.Inode, h1.Inode);
        Assert.Equal(3ul, h1.Nlink);
        // sparse stays sparse
        using var copy = SafeFd.OpenDirectory("/tmp/t/out/copy");
        Assert.True(Fs.Stat(copy, "sparse"u8).Blocks < 64, "the hole was written out");
        // sockets are skipped
        Assert.False(Fs.Exists(copy, "dev/sock"u8));
    });

    [Fact]
    public void CopyContentsCanSkipOverlayAttributesAndTakesTheRootMetadata() => InNamespace(false, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree", deep: false);
        Directory.CreateDirectory("/tmp/t/vol");
        using (var r = SafeFd.OpenDirectory("/tmp/t")) { Fs.Chown(r, "tree"u8, 42, 43); Fs.Chmod(r, "tree"u8, 0x1f9 /* 0771 */); }
        using (var src = SafeFd.OpenDirectory(t.HostPath))
        using (var dst = SafeFd.OpenDirectory("/tmp/t/vol"))
            SafeTree.CopyContents(src, dst, new CopyOptions { SkipTrustedOverlayXattrs = true });
        Assert.Equal(0, LinuxSyscalls.Instance.Lstat("/tmp/t/vol", out var v));
        Assert.Equal((42, 43, 0x1f9u), (v.Uid, v.Gid, v.Mode & 0xfff));
        AssertSameTree(t, "/tmp/t/vol", skipTrustedOverlay: true);
        using var vol = SafeFd.OpenDirectory("/tmp/t/vol");
        Assert.Null(Fs.GetXattr(vol, "suid"u8, "trusted.overlay.opaque"u8));
        Assert.Equal(new byte[] { 0x80, 0xff, 0x00, 0x01 }, Fs.GetXattr(vol, "suid"u8, "user.bin"u8));
    });

    [Theory, InlineData(false), InlineData(true)]
    public void CopyReplacesHostileLinksAtTheDestinationNeverWritesThrough(bool fallback) => InNamespace(fallback, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree", deep: false);
        Directory.CreateDirectory("/tmp/t/dst/var");
        File.CreateSymbolicLink("/tmp/t/dst/ro", Sentinel);                    // a dir in the source
        File.CreateSymbolicLink("/tmp/t/dst/hard1", Sentinel + "/f1");         // a file in the source
        File.CreateSymbolicLink("/tmp/t/dst/sub", "/run/lock/sentinel");       // a dir holding a hard link
        File.CreateSymbolicLink("/tmp/t/dst/var/run", "/tmp/sentinel");        // a link in the source
        using (var d = SafeFd.OpenDirectory("/tmp/t/dst")) Fs.Symlink(B(Sentinel + "/d/f2"), d, B("caf\xe9"));
        var before = Snapshot();
        using (var src = SafeFd.OpenDirectory(t.HostPath))
        using (var dst = SafeFd.OpenDirectory("/tmp/t/dst"))
            SafeTree.CopyContents(src, dst);
        AssertUnchanged(before);
        AssertSameTree(t, "/tmp/t/dst", skipTrustedOverlay: false);
    });

    [Fact]
    public void CopyKeepsFileCapabilities() => InNamespace(false, () =>
    {
        Directory.CreateDirectory("/tmp/t/cap");
        File.WriteAllText("/tmp/t/cap/bin", "#!/bin/sh\n");
        Assert.Equal(0, Run("/usr/sbin/setcap", "cap_setuid,cap_setgid=ep", "/tmp/t/cap/bin").Code);
        var orig = Run("/usr/sbin/getcap", "/tmp/t/cap/bin").Out;
        Assert.Contains("cap_setgid,cap_setuid=ep", orig);
        SafeTree.Copy("/tmp/t/cap", "/tmp/t/cap2");
        var (code, copied) = Run("/usr/sbin/getcap", "/tmp/t/cap2/bin");
        Assert.Equal(0, code);
        Assert.Equal(orig.Replace("/tmp/t/cap/bin", "/tmp/t/cap2/bin"), copied);
        using var a = SafeFd.OpenDirectory("/tmp/t/cap");
        using var b = SafeFd.OpenDirectory("/tmp/t/cap2");
        Assert.Equal(Fs.GetXattr(a, "bin"u8, "security.capability"u8), Fs.GetXattr(b, "bin"u8, "security.capability"u8));
    });

    [Fact]
    public void CopyIntoAContainerRootResolvesTheDestinationInsideIt() => InNamespace(false, () =>
    {
        var t = HostileCorpus.Build("/tmp/t/tree", deep: false);
        Directory.CreateDirectory("/tmp/t/rootfs");
        File.CreateSymbolicLink("/tmp/t/rootfs/data", "/run/sentinel"); // inside the container: /run/sentinel of the rootfs
        var before = Snapshot();
        using var rp = RootedPath.Open("/tmp/t/rootfs");
        using (var parent = rp.OpenParent("/data/copied", out var name, createParents: true))
        using (var src = SafeFd.OpenDirectory("/tmp/t"))
            SafeTree.Copy(src, "tree"u8, parent, name);
        AssertUnchanged(before);
        AssertSameTree(t, "/tmp/t/rootfs/run/sentinel/copied", skipTrustedOverlay: false);
    });

    private static (int Code, string Out) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o);
    }

    /// <summary>
    /// Every entry of the hostile tree (as the builder recorded it) has its twin in the copy and nothing else is there:
    /// type, full mode, owner, times (ns), size, content, link target, device number, xattrs. Both trees are read by
    /// walking them (the deep chain is longer than PATH_MAX), and the set of paths is checked against the builder's list.
    /// </summary>
    private static void AssertSameTree(Tree t, string copyPath, bool skipTrustedOverlay)
    {
        using var src = SafeFd.OpenDirectory(t.HostPath);
        using var dst = SafeFd.OpenDirectory(copyPath);
        var srcEntries = Describe(src, skipTrustedOverlay);
        var dstEntries = Describe(dst, false);
        Assert.Equal(t.Expected.Keys.Order(StringComparer.Ordinal), srcEntries.Keys.Where(k => k.Length > 0).Order(StringComparer.Ordinal));
        var expectedInCopy = t.Expected.Where(kv => kv.Value != "s").Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedInCopy, dstEntries.Keys.Where(k => k.Length > 0).Order(StringComparer.Ordinal));
        foreach (var k in expectedInCopy)
            Assert.True(srcEntries[k] == dstEntries[k], $"{k}:\n  source {srcEntries[k]}\n  copy   {dstEntries[k]}");
    }

    private static Dictionary<string, string> Describe(SafeFd root, bool skipOverlay)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in SafeTree.Walk(root))
        {
            if (e.Depth == 0) { d[""] = ""; continue; }
            var s = e.Status;
            var sb = new System.Text.StringBuilder($"mode={s.Mode:x} owner={s.Uid}:{s.Gid} mtime={s.Mtime.Seconds}.{s.Mtime.Nanoseconds} rdev={s.RdevMajor}:{s.RdevMinor}");
            if (!s.IsDirectory) sb.Append($" size={s.Size}");
            if (s.IsSymlink) sb.Append(" target=" + Convert.ToHexString(e.ReadLink()));
            if (s.IsRegular)
            {
                using var f = e.OpenRead();
                var ms = new MemoryStream();
                f.CopyTo(ms);
                sb.Append(" data=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ms.ToArray())));
            }
            foreach (var kv in e.GetXattrs().Where(kv => !(skipOverlay && kv.Key.AsSpan().StartsWith("trusted.overlay."u8)))
                         .Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)).Order(StringComparer.Ordinal))
                sb.Append(" x:" + kv);
            d[BytePath.Display(e.RelativePath)] = sb.ToString();
        }
        return d;
    }
}
