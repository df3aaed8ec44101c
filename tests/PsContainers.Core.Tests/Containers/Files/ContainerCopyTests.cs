using System.Text;
using PsContainers.Core.Archive;
using PsContainers.Core.Containers.Files;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.Containers.Files;

/// <summary>
/// Copy-ContainerItem (both ways) and Export-Container against a container root full of links to host paths. The
/// root is a plain directory here (the cmdlets mount the overlay first). Every test runs inside a
/// <see cref="PrivateMountNamespace"/> and proves the sentinel host trees did not change.
/// </summary>
public sealed class ContainerCopyTests
{
    private const string Root = "/tmp/t/root";
    private const string Out = "/tmp/t/out";

    private static void InRoot(bool fallback, Action<Tree> body) => PrivateMountNamespace.Run(() =>
    {
        FsFeatures.ForceFallbackOnThisThread = fallback;
        CreateSentinels();
        var tree = HostileCorpus.Build(Root, deep: true, sockets: true);
        // the container's own /run (in place of the tree's run -> /run, which is a loop inside the root)
        using (var r = SafeFd.OpenDirectory(Root)) { Fs.Unlink(r, "run"u8); Fs.Mkdir(r, "run"u8, 0x1ed); }
        tree.Expected["run"] = "d";
        File.WriteAllText(Root + "/run/inside.txt", "inside");
        Directory.CreateDirectory(Out);
        var before = Snapshot();
        body(tree);
        AssertUnchanged(before);
    });

    [Fact]
    public void TheRootedJoinKeepsSymlinksInsideTheRoot() => PrivateMountNamespace.Run(() =>
    {
        // the expectations of the engine's former ContainerManager.SecureJoin
        string root = "/tmp/t/root";
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        Directory.CreateDirectory(Path.Combine(root, "srv"));
        File.CreateSymbolicLink(Path.Combine(root, "srv", "up"), "/");
        File.CreateSymbolicLink(Path.Combine(root, "srv", "rel"), "../../../../..");
        File.CreateSymbolicLink(Path.Combine(root, "srv", "pw"), "/etc/passwd");
        File.CreateSymbolicLink(Path.Combine(root, "loop"), "loop");
        Assert.Equal(root + "/etc/passwd", RootedPath.Join(root, "/srv/up/etc/passwd"));
        Assert.Equal(root + "/etc/passwd", RootedPath.Join(root, "/srv/rel/etc/passwd"));
        Assert.Equal(root + "/etc/passwd", RootedPath.Join(root, "/srv/pw"));
        Assert.Equal(root + "/srv/pw", RootedPath.Join(root, "/srv/pw", followFinal: false));
        Assert.Equal(root + "/etc", RootedPath.Join(root, "../../../etc"));
        Assert.Equal(root, RootedPath.Join(root, "/"));
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => RootedPath.Join(root, "/loop/x")).Errno);
    });

    [Theory, InlineData(false), InlineData(true)]
    public void CopyOutResolvesInsideTheRootAndCopiesLinksAsLinks(bool fallback) => InRoot(fallback, tree =>
    {
        // var/run -> /run is the container's /run
        ContainerCopy.CopyOutOfRoot(Root, "c", "/var/run/inside.txt", Out + "/inside.txt");
        Assert.Equal("inside", File.ReadAllText(Out + "/inside.txt"));
        // a link to a host directory that the container does not have: nothing to copy
        PscException e = Assert.Throws<ResourceNotFoundException>(() => ContainerCopy.CopyOutOfRoot(Root, "c", "/sentinel", Out + "/through"));
        Assert.Equal("ContainerPathNotFound", e.ErrorId);
        Assert.False(Path.Exists(Out + "/through"));
        // etc -> /etc is a loop inside the root
        e = Assert.Throws<InvalidArgumentException>(() => ContainerCopy.CopyOutOfRoot(Root, "c", "/etc/passwd", Out + "/passwd"));
        Assert.Equal("TooManySymlinks", e.ErrorId);
        Assert.False(Path.Exists(Out + "/passwd"));
        // the whole root to a new directory: every entry, links as links, names as bytes, hard links kept
        ContainerCopy.CopyOutOfRoot(Root, "c", "/", Out + "/all");
        using (var all = SafeFd.OpenDirectory(Out + "/all"))
        {
            Assert.Equal("/"u8.ToArray(), Fs.ReadLink(all, "root"u8));
            Assert.Equal(B(Sentinel), Fs.ReadLink(all, "sentinel"u8));
            Assert.Equal("/proc/self/fd"u8.ToArray(), Fs.ReadLink(all, "procfd"u8));
            using (var f = Fs.OpenRead(all, B("caf\xe9"))) Assert.Equal(B("e9"), ReadAll(f));
            using (var f = Fs.OpenRead(all, B("caf\xe8"))) Assert.Equal(B("e8-longer"), ReadAll(f));
            Assert.Equal(Fs.Stat(all, "hard1"u8).Inode, Fs.Stat(all, "hard2"u8).Inode);
            var suid = Fs.Stat(all, "suid"u8);
            Assert.Equal((0x9edu, 1000u, 1000u), (suid.Permissions, suid.Uid, suid.Gid));
            Assert.Equal(new byte[] { 0x80, 0xff, 0x00, 0x01 }, Fs.GetXattr(all, "suid"u8, "user.bin"u8));
            Assert.Null(Fs.GetXattr(all, "suid"u8, "trusted.overlay.opaque"u8));
            Assert.True(Fs.Stat(all, "dev/null"u8).IsCharDevice);
        }
        // a directory into an existing directory lands inside it; "dir/." copies only its content
        ContainerCopy.CopyOutOfRoot(Root, "c", "/sub", Out);
        Assert.True(File.Exists(Out + "/sub/hard3"));
        Directory.CreateDirectory(Out + "/content");
        ContainerCopy.CopyOutOfRoot(Root, "c", "/sub/.", Out + "/content");
        Assert.True(File.Exists(Out + "/content/hard3"));
        // a missing parent, or a trailing slash naming a missing directory, is an error
        Assert.Equal("HostPathNotFound", Assert.Throws<ResourceNotFoundException>(() => ContainerCopy.CopyOutOfRoot(Root, "c", "/hard1", Out + "/no/such/file")).ErrorId);
        Assert.Equal("HostPathNotFound", Assert.Throws<ResourceNotFoundException>(() => ContainerCopy.CopyOutOfRoot(Root, "c", "/hard1", Out + "/nodir/")).ErrorId);
        Assert.Equal("CopyDirectoryToFile", Assert.Throws<InvalidArgumentException>(() => ContainerCopy.CopyOutOfRoot(Root, "c", "/sub", Out + "/inside.txt")).ErrorId);
    });

    [Theory, InlineData(false), InlineData(true)]
    public void CopyInLandsInsideTheRootAndNeverWritesThroughALink(bool fallback) => InRoot(fallback, tree =>
    {
        Directory.CreateDirectory("/tmp/t/in");
        File.WriteAllText("/tmp/t/in/evil.txt", "evil");
        // through var/run -> /run and root -> /: the container's own directories
        ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/var/run/evil.txt");
        Assert.Equal("evil", File.ReadAllText(Root + "/run/evil.txt"));
        ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/root/evil-root.txt");
        Assert.Equal("evil", File.ReadAllText(Root + "/evil-root.txt"));
        // through a link to a host directory the container does not have: refused
        var e = Assert.Throws<ResourceNotFoundException>(() => ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/sentinel/evil.txt"));
        Assert.Equal("ContainerPathNotFound", e.ErrorId);
        e = Assert.Throws<ResourceNotFoundException>(() => ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/nodir/"));
        Assert.Equal("ContainerPathNotFound", e.ErrorId);
        // onto links whose targets are host files (missing inside): the link is replaced, never written through
        ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/ro/l1");
        ContainerCopy.CopyIntoRoot("/tmp/t/in/evil.txt", Root, "c", "/dev/fd");
        using (var root = SafeFd.OpenDirectory(Root))
        {
            Assert.True(Fs.Stat(root, "ro/l1"u8).IsRegular);
            Assert.True(Fs.Stat(root, "dev/fd"u8).IsRegular);
        }
        Assert.False(File.Exists("/run/evil.txt"));
        Assert.False(File.Exists("/evil-root.txt"));
        // a directory into an existing directory (a link to one, resolved inside) lands inside it, names as bytes
        var src = HostileCorpus.Build("/tmp/t/in/tree", deep: false, sockets: false);
        ContainerCopy.CopyIntoRoot("/tmp/t/in/tree", Root, "c", "/var/run");
        using (var copy = SafeFd.OpenDirectory(Root + "/run/tree"))
        {
            using (var f = Fs.OpenRead(copy, B("caf\xe9"))) Assert.Equal(B("e9"), ReadAll(f));
            Assert.Equal(Fs.Stat(copy, "hard1"u8).Inode, Fs.Stat(copy, "sub/hard3"u8).Inode);
            Assert.Equal("/"u8.ToArray(), Fs.ReadLink(copy, "root"u8));
            Assert.Equal((1000u, 0x9edu), (Fs.Stat(copy, "suid"u8).Uid, Fs.Stat(copy, "suid"u8).Permissions));
        }
        // "dir/." into a new name: the content under that name
        ContainerCopy.CopyIntoRoot("/tmp/t/in/tree/sub/.", Root, "c", "/subcopy");
        Assert.True(File.Exists(Root + "/subcopy/hard3"));
    });

    [Theory, InlineData(false), InlineData(true)]
    public void ExportWritesEveryEntryOnceAsBytesAndStaysOnOneFileSystem(bool fallback) => InRoot(fallback, tree =>
    {
        Directory.CreateDirectory(Root + "/mnt");
        PrivateMountNamespace.Mount("tmpfs", Root + "/mnt", "tmpfs", 0);
        File.WriteAllText(Root + "/mnt/other-fs", "not exported");
        var ms = new MemoryStream();
        using (var root = SafeFd.OpenDirectory(Root)) TreeExport.Write(root, ms);
        PrivateMountNamespace.Unmount(Root + "/mnt");
        ms.Position = 0;
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var r = new TarArchiveReader(ms))
            while (r.Next() is TarEntry e)
            {
                string key = Convert.ToHexString(e.Name);
                Assert.False(entries.ContainsKey(key), $"{e.DisplayName} written twice");
                entries[key] = e;
                if (e.Kind == TarEntryKind.RegularFile) { var b = new MemoryStream(); r.CopyDataTo(b); data[key] = b.ToArray(); }
            }
        TarEntry Get(string latin1) => entries[Convert.ToHexString(B(latin1))];
        Assert.DoesNotContain(entries.Values, e => e.Name[0] == (byte)'/' || e.Name.AsSpan().StartsWith("./"u8));
        Assert.Equal((TarEntryKind.Symlink, "/"), (Get("root").Kind, Encoding.UTF8.GetString(Get("root").LinkName)));
        Assert.Equal(B(Sentinel + "/f1"), Get("abs\xe8").LinkName);
        Assert.Equal(B("caf\xe9"), Get("lnk\xe9").LinkName);
        Assert.Equal(B("e9"), data[Convert.ToHexString(B("caf\xe9"))]);
        Assert.Equal(B("e8-longer"), data[Convert.ToHexString(B("caf\xe8"))]);
        Assert.Equal(TarEntryKind.Directory, Get("dir\xff/").Kind);
        // one copy of the data, then hard-link entries naming it
        Assert.Equal(TarEntryKind.RegularFile, Get("hard1").Kind);
        Assert.Equal((TarEntryKind.HardLink, "hard1"), (Get("hard2").Kind, Encoding.UTF8.GetString(Get("hard2").LinkName)));
        Assert.Equal((TarEntryKind.HardLink, "hard1"), (Get("sub/hard3").Kind, Encoding.UTF8.GetString(Get("sub/hard3").LinkName)));
        var suid = Get("suid");
        Assert.Equal((0x9ed, 1000L, 1000L), (suid.Mode, suid.Uid, suid.Gid));
        Assert.Contains(suid.Xattrs, x => x.Name == "user.bin" && x.Value.SequenceEqual(new byte[] { 0x80, 0xff, 0x00, 0x01 }));
        Assert.DoesNotContain(suid.Xattrs, x => x.Name.StartsWith("trusted.overlay.", StringComparison.Ordinal));
        Assert.Equal((0x5fd, 1003L), (Get("sgid/").Mode, Get("sgid/").Gid));
        Assert.Equal((TarEntryKind.CharDevice, 1L, 3L), (Get("dev/null").Kind, Get("dev/null").DevMajor, Get("dev/null").DevMinor));
        Assert.Equal((TarEntryKind.Fifo, 7L), (Get("dev/fifo").Kind, Get("dev/fifo").Uid));
        Assert.False(entries.ContainsKey(Convert.ToHexString(B("dev/sock"))));
        Assert.Equal((1 << 20) + 3, data[Convert.ToHexString(B("sparse"))].Length);
        Assert.Single(entries.Values, e => e.Name.AsSpan().EndsWith("/bottom"u8) && e.Name.Length > 6000);
        // the mount point is there, what is mounted on it is not
        Assert.Equal(TarEntryKind.Directory, Get("mnt/").Kind);
        Assert.False(entries.ContainsKey(Convert.ToHexString(B("mnt/other-fs"))));
        // every entry of the tree was written
        foreach (var path in tree.Expected.Where(kv => kv.Value != "s").Select(kv => kv.Key))
            Assert.True(entries.Keys.Any(k => BytePath.Display(Convert.FromHexString(k)).TrimEnd('/') == path), $"{path} missing");
    });

    private static byte[] ReadAll(Stream s) { var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); }
}
