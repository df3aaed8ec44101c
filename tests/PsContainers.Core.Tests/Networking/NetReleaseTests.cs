using System.Diagnostics;
using System.Text.Json.Nodes;
using PsContainers.Core.Containers;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Networking;

/// <summary>
/// pscmon net-release (the poststop hook that releases a container's network) against a store in a temp directory
/// and small plugin executables that record what they were given. No namespace is involved: the cached netns is a
/// plain path under the temp directory, never a mount.
/// </summary>
public sealed class NetReleaseTests : IDisposable
{
    private const string Id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-nr-" + Guid.NewGuid().ToString("N")[..8]);
    private string Root => Path.Combine(_dir, "store");
    private string Bin => Path.Combine(_dir, "bin");
    private string Calls => Path.Combine(Bin, "calls.log");
    private string CacheFile => Path.Combine(Root, "networks", "cache", $"testnet-{Id}-eth0.json");
    private string StateFile => Path.Combine(Root, "containers", Id, "network.json");
    private string NetnsDir => Path.Combine(_dir, "netns");

    public NetReleaseTests()
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.GetDirectoryName(CacheFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
        Directory.CreateDirectory(NetnsDir);
        foreach (var name in new[] { "fake-a", "fake-b" }) Plugin(name, "exit 0");
        Plugin("fake-fail", "echo '{\"code\":7,\"msg\":\"boom\"}'; exit 1");
        Plugin("fake-slow", "sleep 0.5; exit 0");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private void Plugin(string name, string body)
    {
        string p = Path.Combine(Bin, name);
        File.WriteAllText(p, $$"""
            #!/bin/sh
            conf=$(cat)
            echo "$CNI_COMMAND {{name}} id=$CNI_CONTAINERID netns=$CNI_NETNS if=$CNI_IFNAME args=$CNI_ARGS" >> "{{Calls}}"
            printf '%s\n' "$conf" >> "{{Calls}}.{{name}}"
            {{body}}
            """);
        File.SetUnixFileMode(p, (UnixFileMode)0x1ed);
    }

    private void Cache(params string[] types)
    {
        var plugins = new JsonArray();
        foreach (var t in types) plugins.Add(new JsonObject { ["type"] = t, ["capabilities"] = new JsonObject { ["portMappings"] = true } });
        var cache = new JsonObject
        {
            ["kind"] = "cniCacheV1", ["containerId"] = Id, ["ifName"] = "eth0", ["networkName"] = "testnet",
            ["netns"] = Path.Combine(NetnsDir, "psc-" + Id[..16]),
            ["config"] = new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = "testnet", ["plugins"] = plugins },
            ["cniArgs"] = new JsonArray(new JsonArray("IP", "10.1.2.3")),
            ["capabilityArgs"] = new JsonObject { ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = 8000, ["containerPort"] = 80 }) },
            ["result"] = new JsonObject { ["cniVersion"] = "1.0.0", ["ips"] = new JsonArray(new JsonObject { ["address"] = "10.1.2.3/24" }) },
        };
        File.WriteAllText(CacheFile, cache.ToJsonString());
        File.WriteAllText(StateFile, """{ "ContainerId": "x", "SetupId": "setup-2", "Mode": "bridge" }""");
        File.WriteAllText(Path.Combine(NetnsDir, "psc-" + Id[..16]), ""); // a leftover namespace file (not a mount)
    }

    private int Run(string setupId, bool foreground = true)
    {
        var psi = new ProcessStartInfo(ContainerManager.MonitorExecutable) { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "net-release", Root, Id, setupId }) psi.ArgumentList.Add(a);
        if (foreground) psi.ArgumentList.Add("--foreground");
        psi.Environment["CNI_PATH"] = Bin;
        psi.Environment["PSCONTAINERS_RUN_DIR"] = _dir;
        psi.Environment["PSCONTAINERS_NETNS_DIR"] = NetnsDir;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("""{"ociVersion":"1.2.0","id":"x","status":"stopped"}""");
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(30_000));
        return p.ExitCode;
    }

    private string[] CallLines() => File.Exists(Calls) ? File.ReadAllLines(Calls) : [];

    [Fact]
    public void ReleasesEveryPluginInReverseWithTheCachedArguments()
    {
        Cache("fake-a", "fake-b");
        Assert.Equal(0, Run("setup-2"));
        var calls = CallLines();
        Assert.Equal(2, calls.Length);
        Assert.StartsWith("DEL fake-b", calls[0]);
        Assert.StartsWith("DEL fake-a", calls[1]);
        // the namespace file is not a mount, so the plugins get no netns (host-side state only)
        Assert.Contains($"id={Id} netns= if=eth0 args=IgnoreUnknown=1;IP=10.1.2.3", calls[0]);
        var conf = JsonNode.Parse(File.ReadAllLines(Calls + ".fake-b")[0])!;
        Assert.Equal("testnet", (string?)conf["name"]);
        Assert.Equal(8000, (int)conf["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!);
        Assert.Equal("10.1.2.3/24", (string?)conf["prevResult"]!["ips"]![0]!["address"]);
        Assert.False(File.Exists(CacheFile));
        Assert.False(File.Exists(StateFile));
        Assert.False(File.Exists(Path.Combine(NetnsDir, "psc-" + Id[..16])));
    }

    [Fact]
    public void LeavesANewerSetupAlone()
    {
        Cache("fake-a", "fake-b");
        Assert.Equal(0, Run("setup-1"));
        Assert.Empty(CallLines());
        Assert.True(File.Exists(CacheFile));
        Assert.True(File.Exists(StateFile));
        Assert.Contains("set up again since (setup-2), left alone", File.ReadAllText(Path.Combine(_dir, "net-cleanup.log")));
    }

    [Fact]
    public void AFailedDelKeepsTheCacheAndTheStateForTheEngineToRetry()
    {
        Cache("fake-a", "fake-fail", "fake-b");
        Assert.Equal(0, Run("setup-2"));
        // every plugin is still tried
        Assert.Equal(["DEL fake-b", "DEL fake-fail", "DEL fake-a"], CallLines().Select(l => string.Join(' ', l.Split(' ')[..2])));
        Assert.True(File.Exists(CacheFile));
        Assert.True(File.Exists(StateFile));
        Assert.True(File.Exists(Path.Combine(NetnsDir, "psc-" + Id[..16])));
        Assert.Contains("DEL failed", File.ReadAllText(Path.Combine(_dir, "net-cleanup.log")));
    }

    [Fact]
    public void AsAHookItDetachesHoldingTheLockTheEngineTakes()
    {
        Cache("fake-a", "fake-slow");
        Assert.Equal(0, Run("setup-2", foreground: false));
        // the engine's teardown takes the same lock: once it has it, the release has finished
        using (FileLock.Exclusive(Path.Combine(Root, "networks", "locks", Id + ".lock")))
        {
            Assert.Equal(["DEL fake-slow", "DEL fake-a"], CallLines().Select(l => string.Join(' ', l.Split(' ')[..2])));
            Assert.False(File.Exists(CacheFile));
            Assert.False(File.Exists(StateFile));
        }
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void IgnoresAnIdThatIsNotAFileName(string id)
    {
        Cache("fake-a");
        var psi = new ProcessStartInfo(ContainerManager.MonitorExecutable) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in new[] { "net-release", Root, id, "setup-2", "--foreground" }) psi.ArgumentList.Add(a);
        psi.Environment["CNI_PATH"] = Bin;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(0, p.ExitCode);
        Assert.Empty(CallLines());
        Assert.True(File.Exists(CacheFile));
    }
}
