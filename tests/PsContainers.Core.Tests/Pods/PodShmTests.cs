using PsContainers.Core.Pods;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Tests.FileSystem;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Pods;

/// <summary>
/// A pod's shared /dev/shm (<see cref="PodShm"/>): one host tmpfs of the pod's size, mode 1777, nosuid/nodev/noexec,
/// mounted once however many containers start, bound in place of each container's default /dev/shm, and gone with
/// its directory at <see cref="PodShm.Release"/>. Real mounts, inside a private mount namespace of the test's own.
/// </summary>
public sealed class PodShmTests
{
    private static RuntimeSpec SpecWithDefaultShm() => new()
    {
        Mounts =
        [
            new SpecMount { Destination = "/proc", Type = "proc", Source = "proc" },
            new SpecMount { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
        ],
    };

    private static int MountsAt(string dir) =>
        File.ReadLines("/proc/self/mountinfo").Count(l => l.Split(' ') is { Length: > 4 } f && f[4] == dir);

    [Fact]
    public void EveryContainerOfThePodBindsOneTmpfsOfThePodsSizeThatGoesWithThePod() => PrivateMountNamespace.Run(() =>
    {
        var store = new PodStore(new PscPaths(Path.Combine(PrivateMountNamespace.Scratch, "store-" + Guid.NewGuid().ToString("N")[..8])));
        var shm = new PodShm(LinuxSyscalls.Instance, store);
        var pod = PodStoreTests.NewPod("web");
        pod.ShmSize = 8L * 1024 * 1024;
        using (store.Lock()) store.Publish(pod);
        string dir = shm.DirOf(pod.Id);
        Assert.Equal(Path.Combine(store.DirOf(pod.Id), "shm"), dir);

        var infra = SpecWithDefaultShm();
        var member = SpecWithDefaultShm();
        shm.Share(pod, infra);
        shm.Share(pod, member);
        foreach (var spec in new[] { infra, member })
        {
            Assert.Equal(2, spec.Mounts!.Count);
            var m = spec.Mounts[1];
            Assert.Equal("/dev/shm", m.Destination);
            Assert.Equal("bind", m.Type);
            Assert.Equal(dir, m.Source);
            Assert.Equal(["rbind", "nosuid", "noexec", "nodev", "rprivate"], m.Options);
            Assert.Equal("proc", spec.Mounts[0].Type);
        }
        Assert.Equal(1, MountsAt(dir)); // two starts, one file system
        var line = File.ReadLines("/proc/self/mountinfo").Single(l => l.Split(' ')[4] == dir);
        Assert.Contains(" - tmpfs shm ", line);
        Assert.Contains("nosuid", line);
        Assert.Contains("nodev", line);
        Assert.Contains("noexec", line);
        Assert.Equal(pod.ShmSize, new DriveInfo(dir).TotalSize);
        Assert.Equal((UnixFileMode)Convert.ToInt32("1777", 8), File.GetUnixFileMode(dir));
        File.WriteAllText(Path.Combine(dir, "segment"), "shared");

        shm.Release(pod.Id);
        Assert.Equal(0, MountsAt(dir));
        Assert.False(Directory.Exists(dir));
        shm.Release(pod.Id); // idempotent
        using (store.Lock()) store.Delete(pod);
        Assert.False(Directory.Exists(store.DirOf(pod.Id)));
    });

    [Fact]
    public void TheDefaultSizeIs64MiBAndASpecWithoutTheDefaultShmMountsNothing() => PrivateMountNamespace.Run(() =>
    {
        var store = new PodStore(new PscPaths(Path.Combine(PrivateMountNamespace.Scratch, "store-" + Guid.NewGuid().ToString("N")[..8])));
        var shm = new PodShm(LinuxSyscalls.Instance, store);
        var pod = PodStoreTests.NewPod("plain");
        Assert.Equal(64L * 1024 * 1024, pod.ShmSize);
        using (store.Lock()) store.Publish(pod);
        string dir = shm.DirOf(pod.Id);

        // the container's own /dev/shm (-Tmpfs /dev/shm) is not the default one: nothing is mounted for it
        var own = new RuntimeSpec { Mounts = [new SpecMount { Destination = "/dev/shm", Type = "tmpfs", Source = "tmpfs", Options = ["size=1m"] }] };
        shm.Share(pod, own);
        Assert.Equal("tmpfs", own.Mounts![0].Type);
        shm.Share(pod, new RuntimeSpec());
        Assert.False(Directory.Exists(dir));

        pod.ShmSize = 0; // a record written before the size was kept
        shm.Share(pod, SpecWithDefaultShm());
        Assert.Equal(64L * 1024 * 1024, new DriveInfo(dir).TotalSize);
        shm.Release(pod.Id);
        Assert.Equal(0, MountsAt(dir));
        Assert.False(Directory.Exists(dir));
    });

    [Fact]
    public void ALinkInPlaceOfThePodsShmDirectoryIsRefusedAndNothingIsMounted() => PrivateMountNamespace.Run(() =>
    {
        string scratch = Path.Combine(PrivateMountNamespace.Scratch, "store-" + Guid.NewGuid().ToString("N")[..8]);
        var store = new PodStore(new PscPaths(scratch));
        var shm = new PodShm(LinuxSyscalls.Instance, store);
        var pod = PodStoreTests.NewPod("linked");
        using (store.Lock()) store.Publish(pod);
        string elsewhere = Path.Combine(scratch, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(shm.DirOf(pod.Id), elsewhere);
        var spec = SpecWithDefaultShm();
        var ex = Assert.Throws<PscException>(() => shm.Share(pod, spec));
        Assert.Equal(ErrorIds.PodShmFailed, ex.ErrorId);
        Assert.Equal(PscErrorCategory.ResourceUnavailable, ex.Category);
        Assert.Equal(0, MountsAt(elsewhere));
        Assert.Equal("tmpfs", spec.Mounts![1].Type); // the spec is left as it was
        // Release of a link unmounts nothing behind it and leaves it
        PrivateMountNamespace.Mount("tmpfs", elsewhere, "tmpfs", 0, "size=1m");
        shm.Release(pod.Id);
        Assert.Equal(1, MountsAt(elsewhere));
        PrivateMountNamespace.Unmount(elsewhere);
    });
}
