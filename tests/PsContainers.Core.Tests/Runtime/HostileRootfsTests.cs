using System.Text;
using PsContainers.Core.Runtime;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// A rootfs whose mount destinations are symlinks pointing out of it: an absolute link to a host path and links that
/// climb with "..". Every mount (and every directory, file, device node or link the runtime creates for it) must land
/// inside the rootfs, resolved as the container would see it; the host paths the links name stay untouched.
/// For this machine's safety every link points only at directories this test created under its own temporary
/// directory (never /, /etc, /run, /proc, ...), and those are compared before and after.
/// </summary>
internal sealed class HostileRootfs
{
    /// <summary>The test's own directory: the rootfs, the link targets and the mount sources, nothing else.</summary>
    public string Dir { get; }
    public string Rootfs { get; }
    /// <summary>Targets the links point at, as the host would resolve them (each holds a sentinel file).</summary>
    public string HostAbs { get; }
    public string HostRel { get; }
    public string HostFile { get; }
    public string HostDev { get; }
    public string SourceDir { get; }
    public string SourceFile { get; }
    private readonly Dictionary<string, string> _before;

    /// <param name="devLink">also make /dev a link that climbs out of the rootfs (runc 1.1 creates its /dev links through it on the host, see PscrunSpecificTests)</param>
    public HostileRootfs(RuntimeFixture f, string tag, bool devLink)
    {
        Dir = Path.Combine(f.Work, "hostile-" + tag);
        Rootfs = Path.Combine(Dir, "rootfs");
        foreach (var d in new[] { "bin", "proc", "sys", "etc", "tmp" }) Directory.CreateDirectory(Path.Combine(Rootfs, d));
        if (!devLink) Directory.CreateDirectory(Path.Combine(Rootfs, "dev"));
        File.Copy("/bin/busybox", Path.Combine(Rootfs, "bin/busybox"));
        foreach (var applet in new[] { "sh", "cat", "test", "ls", "grep" }) File.CreateSymbolicLink(Path.Combine(Rootfs, "bin", applet), "busybox");

        HostAbs = MakeTarget("host-abs");
        HostRel = MakeTarget("host-rel");
        HostDev = MakeTarget("host-dev");
        HostFile = Path.Combine(Dir, "host-file.txt");
        File.WriteAllText(HostFile, "host file, must stay as it is");
        SourceDir = Path.Combine(Dir, "src-dir");
        Directory.CreateDirectory(SourceDir);
        File.WriteAllText(Path.Combine(SourceDir, "marker"), "from-source");
        SourceFile = Path.Combine(Dir, "src-file.txt");
        File.WriteAllText(SourceFile, "from source file");

        // /data -> DIR/host-abs: absolute, to a host directory (inside the root: ROOTFS/DIR/host-abs)
        File.CreateSymbolicLink(Path.Combine(Rootfs, "data"), HostAbs);
        // /up -> ../host-rel: one level above the rootfs on the host (inside the root: /host-rel)
        File.CreateSymbolicLink(Path.Combine(Rootfs, "up"), "../host-rel");
        // /etc/conf -> ../../host-file.txt: a file two levels up on the host (inside the root: /host-file.txt, missing)
        File.CreateSymbolicLink(Path.Combine(Rootfs, "etc/conf"), "../../host-file.txt");
        // /dev -> ../../(...)/DIR/host-dev: climbs to the host's / and back down to the test's directory
        if (devLink) File.CreateSymbolicLink(Path.Combine(Rootfs, "dev"), string.Concat(Enumerable.Repeat("../", 24)) + HostDev.TrimStart('/'));
        _before = Snapshot();
    }

    private string MakeTarget(string name)
    {
        string d = Path.Combine(Dir, name);
        Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(d, "sentinel"), name);
        return d;
    }

    /// <summary>The mounts the bundle adds: a directory bind to /data, a tmpfs at /up/sub, a read-only file bind at /etc/conf.</summary>
    public void AddMounts(RuntimeSpec s)
    {
        s.Root!.Path = Rootfs;
        s.Mounts!.Add(new SpecMount { Destination = "/data", Type = "bind", Source = SourceDir, Options = new() { "rbind", "nosuid" } });
        s.Mounts.Add(new SpecMount { Destination = "/up/sub", Type = "tmpfs", Source = "tmpfs", Options = new() { "nosuid", "nodev" } });
        s.Mounts.Add(new SpecMount { Destination = "/etc/conf", Type = "bind", Source = SourceFile, Options = new() { "bind", "ro" } });
    }

    /// <summary>Type, mode, mtime and content (or link target) of every host target, read without following links.</summary>
    public Dictionary<string, string> Snapshot()
    {
        var s = new Dictionary<string, string>();
        void Add(string path)
        {
            var fi = new FileInfo(path);
            if (!fi.Exists && !Directory.Exists(path) && fi.LinkTarget is null) { s[path] = "missing"; return; }
            if (fi.LinkTarget is { } t) { s[path] = "link " + t; return; }
            if (Directory.Exists(path))
            {
                var di = new DirectoryInfo(path);
                s[path] = $"dir {Convert.ToString((int)di.UnixFileMode, 8)} {di.LastWriteTimeUtc.Ticks}";
                foreach (var e in Directory.GetFileSystemEntries(path).Order(StringComparer.Ordinal)) Add(e);
                return;
            }
            s[path] = $"file {Convert.ToString((int)fi.UnixFileMode, 8)} {fi.LastWriteTimeUtc.Ticks} {File.ReadAllText(path)}";
        }
        foreach (var p in new[] { HostAbs, HostRel, HostDev, HostFile, SourceDir, SourceFile }) Add(p);
        return s;
    }

    /// <summary>The host targets are exactly as before: nothing created, removed, written or mounted there.</summary>
    public void AssertHostUntouched()
    {
        var after = Snapshot();
        foreach (var (k, v) in _before) Assert.True(after.TryGetValue(k, out var a) && a == v, $"{k} changed: before '{v}', after '{(a ?? "gone")}'");
        Assert.Equal(_before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(HostMountsOutsideRootfs());
    }

    /// <summary>Mount points in the test's mount namespace under the test's directory but outside its rootfs.</summary>
    public List<string> HostMountsOutsideRootfs() =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4].Replace("\\040", " "))
            .Where(mp => mp.StartsWith(Dir + "/", StringComparison.Ordinal) && !mp.StartsWith(Rootfs + "/", StringComparison.Ordinal) && mp != Rootfs)
            .ToList();

    /// <summary>Mount points listed in a mountinfo text (the container's view).</summary>
    public static HashSet<string> MountPoints(string mountinfo) =>
        mountinfo.Split('\n').Select(l => l.Split(' ')).Where(f => f.Length > 4).Select(f => f[4]).ToHashSet();

    /// <summary>Where the destinations resolve inside the root: what the runtime had to create there.</summary>
    public void AssertCreatedInsideRootfs(bool devLink)
    {
        Assert.True(Directory.Exists(Rootfs + HostAbs), "the /data destination was not created inside the rootfs");
        Assert.True(Directory.Exists(Path.Combine(Rootfs, "host-rel/sub")), "the /up/sub destination was not created inside the rootfs");
        Assert.True(File.Exists(Path.Combine(Rootfs, "host-file.txt")), "the /etc/conf destination was not created inside the rootfs");
        if (devLink) Assert.True(Directory.Exists(Rootfs + HostDev), "the /dev destination was not created inside the rootfs");
    }

    public const string Script = "cat /data/marker; echo; cat /etc/conf; echo; test -d /up/sub && echo sub-ok; test -c /dev/null && echo null-ok; echo ---; cat /proc/self/mountinfo";

    /// <summary>The container saw each mount at its destination, mounted where the link resolves inside the root.</summary>
    public void AssertContainerView(string stdout, bool devLink)
    {
        Assert.Contains("from-source\n", stdout);
        Assert.Contains("from source file\n", stdout);
        Assert.Contains("sub-ok\n", stdout);
        Assert.Contains("null-ok\n", stdout);
        var mps = MountPoints(stdout.Split("---\n")[1]);
        Assert.Contains(HostAbs, mps);             // /data -> DIR/host-abs, taken as a path inside the root
        Assert.Contains("/host-rel/sub", mps);     // /up -> ../host-rel: ".." stops at the root
        Assert.Contains("/host-file.txt", mps);
        if (devLink) Assert.Contains(HostDev, mps);
    }
}

public sealed partial class OciRuntimeConformanceTests
{
    [Theory, MemberData(nameof(Runtimes))]
    public void MountDestinationsThroughSymlinksStayInsideTheRootfs(string runtime)
    {
        var h = new HostileRootfs(_f, runtime + "-" + Bundles.NewId(), devLink: false);
        var rt = Rt(runtime);
        var r = Bundles.Sh(_f, rt, HostileRootfs.Script, null, h.AddMounts);
        Assert.True(r.ExitCode == 0, r.ToString());
        h.AssertContainerView(r.Stdout, devLink: false);
        h.AssertCreatedInsideRootfs(devLink: false);
        h.AssertHostUntouched();
    }
}

public sealed partial class PscrunSpecificTests
{
    [Fact]
    public void DevAsASymlinkClimbingOutOfTheRootfs_NodesAndLinksStayInside()
    {
        // runc 1.1.5 creates /dev/fd, /dev/stdin... and /dev/ptmx by joining strings (rootfs + "/dev/fd"), so through
        // this link it writes them into the host directory; pscrun resolves /dev in the root first
        var h = new HostileRootfs(_f, "dev-" + Bundles.NewId(), devLink: true);
        var r = Bundles.Sh(_f, _rt, HostileRootfs.Script + "; echo ---; ls -l /dev/", null, h.AddMounts);
        Assert.True(r.ExitCode == 0, r.ToString());
        h.AssertContainerView(r.Stdout, devLink: true);
        Assert.Matches(@"(?m)^l.* fd -> /proc/self/fd$", r.Stdout);
        Assert.Matches(@"(?m)^l.* ptmx -> pts/ptmx$", r.Stdout);
        h.AssertCreatedInsideRootfs(devLink: true);
        h.AssertHostUntouched();
    }

    [Fact]
    public void WithoutAMountNamespace_SymlinkedDestinationsAreMountedInsideTheRootfsOnly()
    {
        // no mount namespace: the mounts are made in the runtime's (this test's) namespace, where a mount through a
        // link would cover the host directory itself; here they must all be below the rootfs and go with delete
        var h = new HostileRootfs(_f, "nomntns-" + Bundles.NewId(), devLink: true);
        string id = Bundles.NewId();
        // a program this rootfs has: create checks it exists, as runc does (the container is never started here)
        var (bundle, _) = Bundles.Make(_f, id, new SpecOptions { Args = new[] { "/bin/sh" } }, s =>
        {
            s.Linux!.Namespaces!.RemoveAll(n => n.Type == "mount");
            h.AddMounts(s);
        });
        try
        {
            _rt.Client.Create(id, bundle, Path.Combine(bundle, "pid"));
            var mounted = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).ToHashSet();
            Assert.Contains(h.Rootfs + h.HostAbs, mounted);
            Assert.Contains(h.Rootfs + "/host-rel/sub", mounted);
            Assert.Contains(h.Rootfs + "/host-file.txt", mounted);
            Assert.Contains(h.Rootfs + h.HostDev, mounted);
            Assert.Empty(h.HostMountsOutsideRootfs());
            _rt.Client.Delete(id, force: true);
        }
        finally
        {
            if (_rt.Client.State(id) is not null) _rt.Client.Delete(id, force: true);
            // a failure must not leave a mount on the test's own directories behind (nothing else is ever touched)
            foreach (var mp in h.HostMountsOutsideRootfs().OrderByDescending(m => m.Length)) RuntimeFixture.RunHost("/bin/umount", "-l", mp);
        }
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(" " + h.Dir + "/"));
        h.AssertCreatedInsideRootfs(devLink: true);
        h.AssertHostUntouched();
    }
}
