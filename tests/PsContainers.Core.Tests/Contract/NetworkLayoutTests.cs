using System.Diagnostics;
using System.Text.Json.Nodes;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Contract;

/// <summary>
/// <see cref="NetworkLayout"/>: the engine writes a container's network state where the layout says, and pscmon's
/// net-release, started with the hook's own arguments (<see cref="NetReleaseHook"/>), finds and releases it. The CNI
/// plugins are small scripts that log their calls; the namespace is a plain file in a temp directory, never a mount.
/// </summary>
public sealed class NetworkLayoutTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;
    private readonly string _id = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
    private string Bin => Path.Combine(_t.Root, "bin");
    private string Calls => Path.Combine(Bin, "calls.log");
    private string NetnsDir => Path.Combine(_t.Root, "netns");
    private string RunDir => Path.Combine(_t.Root, "run");

    public NetworkLayoutTests()
    {
        _engine = new Engine(_t.Paths);
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(NetnsDir);
        string p = Path.Combine(Bin, "fake-layout");
        File.WriteAllText(p, $$"""
            #!/bin/sh
            cat > /dev/null
            echo "$CNI_COMMAND id=$CNI_CONTAINERID if=$CNI_IFNAME" >> "{{Calls}}"
            if [ "$CNI_COMMAND" = ADD ]; then echo '{"cniVersion":"1.0.0","ips":[{"address":"10.9.8.7/24"}]}'; fi
            exit 0
            """);
        File.SetUnixFileMode(p, (UnixFileMode)0x1ed);
    }

    public void Dispose() => _t.Dispose();

    [Fact]
    public void The_engine_names_its_network_files_by_the_layout()
    {
        string root = _t.Paths.Root;
        var net = _engine.Networking;
        Assert.Equal(NetworkLayout.NetworksDirectory(root), _t.Paths.Networks);
        Assert.Equal(Path.Combine(root, "networks"), _t.Paths.Networks);
        Assert.Equal(NetworkLayout.CacheDirectory(root), net.Store.CacheDirectory);
        Assert.Equal(NetworkLayout.CacheDirectory(root), net.Cni.CacheDirectory);
        Assert.Equal(Path.Combine(NetworkLayout.CacheDirectory(root), NetworkLayout.CacheFileName("n1", _id, "eth0")), net.Cni.CachePath("n1", _id, "eth0"));
        Assert.Equal(NetworkLayout.LockFile(root, _id), net.ContainerLockPath(_id));
        Assert.Equal(Path.Combine(root, "networks", "locks", _id + ".lock"), net.ContainerLockPath(_id));
        Assert.Equal(NetworkLayout.StateFile(root, _id), net.StatePath(_id));
        Assert.Equal(Path.Combine(_t.Paths.Containers, _id, "network.json"), net.StatePath(_id));
        Assert.Equal(NetworkLayout.ContainerDirectory(root, _id), _engine.ContainerStore.DirOf(_id));
    }

    [Fact]
    public void A_cache_file_pattern_matches_that_containers_attachments_only()
    {
        string other = new('f', 64);
        string dir = Path.Combine(_t.Root, "c");
        Directory.CreateDirectory(dir);
        foreach (var (net, id, ifn) in new[] { ("a-b", _id, "eth0"), ("n", _id, "eth1"), ("n", other, "eth0") })
            File.WriteAllText(Path.Combine(dir, NetworkLayout.CacheFileName(net, id, ifn)), "{}");
        var found = Directory.GetFiles(dir, NetworkLayout.CacheFilePattern(_id)).Select(Path.GetFileName).Order().ToList();
        Assert.Equal([$"a-b-{_id}-eth0.json", $"n-{_id}-eth1.json"], found);
    }

    [Fact]
    public void The_setup_id_the_engine_records_is_the_one_the_monitor_reads()
    {
        var state = _engine.Networking.Setup(new NetworkSetupRequest { ContainerId = _id, ContainerName = "l", Hostname = "l", Networks = ["none"] });
        Assert.Matches("^[0-9a-f]{32}$", state.SetupId);
        Assert.Equal(state.SetupId, NetworkLayout.ReadSetupId(NetworkLayout.StateFile(_t.Paths.Root, _id)));
        Assert.Null(NetworkLayout.ReadSetupId(NetworkLayout.StateFile(_t.Paths.Root, new string('e', 64))));
        File.WriteAllText(Path.Combine(_t.Root, "array.json"), "[1]");
        Assert.Null(NetworkLayout.ReadSetupId(Path.Combine(_t.Root, "array.json")));
    }

    /// <summary>Core writes network.json and a CNI cache entry; pscmon, given the hook's arguments, releases both.</summary>
    [Fact]
    public void Net_release_with_the_hooks_arguments_releases_what_the_engine_wrote()
    {
        var (state, cacheFile) = SetUp();
        Assert.Equal(0, RunRelease(new NetReleaseHook(_t.Paths.Root, _id, state.SetupId) { Foreground = true }));
        Assert.Equal(["ADD id=" + _id + " if=eth0", "DEL id=" + _id + " if=eth0"], File.ReadAllLines(Calls));
        Assert.False(File.Exists(cacheFile));
        Assert.False(File.Exists(_engine.Networking.StatePath(_id)));
        Assert.False(_engine.Networking.HasLeftovers(_id));
    }

    /// <summary>A hook from an older setup leaves the newer one alone and says so in the release log of the layout.</summary>
    [Fact]
    public void Net_release_of_an_older_setup_leaves_what_the_engine_wrote()
    {
        var (_, cacheFile) = SetUp();
        Assert.Equal(0, RunRelease(new NetReleaseHook(_t.Paths.Root, _id, "an-older-setup") { Foreground = true }));
        Assert.Equal(["ADD id=" + _id + " if=eth0"], File.ReadAllLines(Calls));
        Assert.True(File.Exists(cacheFile));
        Assert.True(File.Exists(_engine.Networking.StatePath(_id)));
        Assert.Contains("left alone", File.ReadAllText(NetworkLayout.ReleaseLogFile(RunDir)));
    }

    /// <summary>As a hook (detached), it holds the lock the engine takes (ContainerLockPath) until it has released.</summary>
    [Fact]
    public void Net_release_as_a_hook_holds_the_engines_lock_until_it_has_released()
    {
        var (state, cacheFile) = SetUp();
        Assert.Equal(0, RunRelease(new NetReleaseHook(_t.Paths.Root, _id, state.SetupId)));
        using (FileLock.Exclusive(_engine.Networking.ContainerLockPath(_id)))
        {
            Assert.False(File.Exists(cacheFile));
            Assert.False(File.Exists(_engine.Networking.StatePath(_id)));
        }
    }

    private (ContainerNetworkState State, string CacheFile) SetUp()
    {
        var state = _engine.Networking.Setup(new NetworkSetupRequest { ContainerId = _id, ContainerName = "l", Hostname = "l", Networks = ["none"] });
        var cni = new CniExecutor(_engine.Networking.Store.CacheDirectory, [Bin]);
        var conflist = new JsonObject
        {
            ["cniVersion"] = "1.0.0", ["name"] = "layoutnet",
            ["plugins"] = new JsonArray(new JsonObject { ["type"] = "fake-layout" }),
        };
        Directory.CreateDirectory(cni.CacheDirectory);
        cni.Add(conflist, new CniRuntimeConf { ContainerId = _id, IfName = "eth0", NetnsPath = Path.Combine(NetnsDir, "psc-" + _id[..16]) });
        string cacheFile = cni.CachePath("layoutnet", _id, "eth0");
        Assert.True(File.Exists(cacheFile));
        return (state, cacheFile);
    }

    private int RunRelease(NetReleaseHook hook)
    {
        var args = hook.Arguments(ContainerManager.MonitorExecutable);
        var psi = new ProcessStartInfo(args[0]) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["CNI_PATH"] = Bin;
        psi.Environment[NetworkLayout.RunDirectoryVariable] = RunDir;
        psi.Environment["PSCONTAINERS_NETNS_DIR"] = NetnsDir;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("""{"ociVersion":"1.2.0","id":"x","status":"stopped"}""");
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(30_000));
        return p.ExitCode;
    }
}
