using PsContainers.Core.Tests.FileSystem;
using PsContainers.Core.Volumes;
using PsContainers.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.Volumes;

/// <summary>
/// Volumes against container roots and volume contents full of links to host paths: destinations and copy-up resolve
/// inside the root, copy-up copies links as links, sizes and removal never follow a link. Every test runs inside a
/// <see cref="PrivateMountNamespace"/> and proves the sentinel host trees did not change.
/// </summary>
public sealed class VolumeHostSafetyTests
{
    private const string Rootfs = "/tmp/t/rootfs";
    private static readonly PscPaths Paths = new("/tmp/t/store");

    private static void InNamespace(Action body) => PrivateMountNamespace.Run(() =>
    {
        CreateSentinels();
        Directory.CreateDirectory(Rootfs + "/usr/share/www");
        File.WriteAllText(Rootfs + "/usr/share/www/index.html", "from the image");
        Directory.CreateDirectory(Rootfs + "/etc");
        File.WriteAllText(Rootfs + "/etc/inside.conf", "inside");
        Directory.CreateDirectory(Rootfs + "/run");
        File.CreateSymbolicLink(Rootfs + "/escape", "/etc");
        File.CreateSymbolicLink(Rootfs + "/www", "/usr/share/www");
        File.CreateSymbolicLink(Rootfs + "/sentinel", Sentinel);   // missing inside the root
        File.CreateSymbolicLink(Rootfs + "/up", "../../../../run/lock");
        var before = Snapshot();
        body();
        AssertUnchanged(before);
    });

    [Fact]
    public void DestinationsAreResolvedInsideTheRoot() => InNamespace(() =>
    {
        var m = new VolumeMounter(Paths);
        var mounts = m.Prepare("c1", "x", new[] { MountParser.ParseVolume("v1:/escape/evil"), MountParser.ParseVolume("v2:/www/sub") }, rootfs: Rootfs);
        Assert.Equal(new[] { "/etc/evil", "/usr/share/www/sub" }, mounts.Select(x => x.Destination).Order());
    });

    [Fact]
    public void CopyUpThroughALinkToTheHostCopiesTheContainersOwnDirectory() => InNamespace(() =>
    {
        var m = new VolumeMounter(Paths);
        var mounts = m.Prepare("c1", "x", new[]
        {
            MountParser.ParseVolume("conf:/escape"),      // -> the container's /etc, not the host's
            MountParser.ParseVolume("sent:/sentinel"),    // -> /run/sentinel of the container: missing, nothing copied
            MountParser.ParseVolume("lock:/up"),          // -> the container's /run/lock: missing
        }, rootfs: Rootfs);
        Assert.Equal(new[] { "/etc", "/run/lock", "/run/sentinel" }, mounts.Select(x => x.Destination).Order());
        var store = new VolumeStore(Paths);
        Assert.Equal(new[] { "inside.conf" }, Directory.GetFileSystemEntries(store.Get("conf")!.Mountpoint).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(store.Get("sent")!.Mountpoint));
        Assert.Empty(Directory.GetFileSystemEntries(store.Get("lock")!.Mountpoint));
    });

    [Fact]
    public void CopyUpKeepsEveryByteAndCopiesLinksAsLinks() => InNamespace(() =>
    {
        var tree = HostileCorpus.Build(Rootfs + "/data", deep: false, sockets: false);
        var m = new VolumeMounter(Paths);
        m.Prepare("c1", "x", new[] { MountParser.ParseVolume("data:/data") }, rootfs: Rootfs);
        string vol = new VolumeStore(Paths).Get("data")!.Mountpoint;
        using var src = SafeFd.OpenDirectory(tree.HostPath);
        using var dst = SafeFd.OpenDirectory(vol);
        var want = Describe(src);
        var got = Describe(dst);
        // overlayfs' own markers are not copied into a volume
        Assert.Contains("suid", want.Keys);
        Assert.Equal(want.Keys, got.Keys);
        foreach (var k in want.Keys) Assert.True(want[k].Replace(" x:trusted.overlay.opaque=79", "") == got[k], $"{k}: {want[k]} != {got[k]}");
        // hard links stay hard links
        Assert.Equal(Fs.Stat(dst, "hard1"u8).Inode, Fs.Stat(dst, "hard2"u8).Inode);
        // links are links
        Assert.Equal(B(Sentinel + "/f1"), Fs.ReadLink(dst, B("abs\xe8")));
    });

    [Fact]
    public void SizeAndRemoveNeverFollowALink() => InNamespace(() =>
    {
        var store = new VolumeStore(Paths);
        var v = store.Create("hostile");
        File.WriteAllBytes("/tmp/t/big", new byte[1 << 20]); // outside the volume, reachable through a link
        var tree = HostileCorpus.Build(v.Mountpoint + "/tree", deep: true, sockets: true);
        File.CreateSymbolicLink(v.Mountpoint + "/big", "/tmp/t/big");
        File.CreateSymbolicLink(v.Mountpoint + "/big-dir", "/tmp/t");
        File.CreateSymbolicLink(v.Mountpoint + "/sentinel-dir", Sentinel);
        Assert.Equal(tree.RegularBytes, store.WithUsage(store.Get("hostile")!).Size);
        store.Remove("hostile");
        Assert.False(Directory.Exists(Paths.Volumes + "/hostile"));
        Assert.Equal(1 << 20, new FileInfo("/tmp/t/big").Length);
    });

    /// <summary>relative path -> type, mode, owner, size, link target, xattrs, content hash (nothing followed).</summary>
    private static SortedDictionary<string, string> Describe(SafeFd root)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in SafeTree.Walk(root))
        {
            if (e.Depth == 0) continue;
            var st = e.Status;
            var s = $"{st.Mode:x} {st.Uid}:{st.Gid} {(st.IsRegular ? st.Size : 0)} {st.Rdev} {st.Mtime.Seconds}.{st.Mtime.Nanoseconds}";
            if (st.IsSymlink) s += " -> " + Convert.ToHexString(e.ReadLink());
            foreach (var (k, v) in e.GetXattrs().OrderBy(x => Convert.ToHexString(x.Key), StringComparer.Ordinal))
                s += $" x:{BytePath.Display(k)}={Convert.ToHexString(v)}";
            if (st.IsRegular) using (var f = e.OpenRead()) s += " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f));
            d[BytePath.Display(e.RelativePath)] = s;
        }
        return d;
    }
}
