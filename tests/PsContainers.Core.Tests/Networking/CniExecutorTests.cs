using System.Text.Json.Nodes;
using PsContainers.Core;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Networking;

/// <summary>Runs the executor against small plugin executables (shell scripts) that record what they were given.</summary>
public sealed class CniExecutorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-cni-" + Guid.NewGuid().ToString("N")[..8]);
    private string Bin => Path.Combine(_dir, "bin");
    private string Log => Path.Combine(Bin, "calls.log");

    public CniExecutorTests()
    {
        Directory.CreateDirectory(Bin);
        Plugin("fake-ipam-bridge", """
            echo '{"cniVersion":"1.0.0","interfaces":[{"name":"br0","mac":"02:00:00:00:00:01"},{"name":"eth0","mac":"aa:bb:cc:dd:ee:ff","sandbox":"/run/netns/x"}],"ips":[{"interface":1,"address":"10.1.2.3/24","gateway":"10.1.2.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.1.2.1"],"search":["example"]}}'
            """);
        // prints its prevResult (the last member of the configuration the executor writes)
        Plugin("fake-passthrough", """printf '%s' "$conf" | sed 's/.*"prevResult":\(.*\)}$/\1/'""");
        Plugin("fake-fail", """echo '{"cniVersion":"1.0.0","code":7,"msg":"boom","details":"it broke"}'; exit 1""");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private void Plugin(string name, string addBody)
    {
        string p = Path.Combine(Bin, name);
        File.WriteAllText(p, $$"""
            #!/bin/sh
            conf=$(cat)
            echo "$CNI_COMMAND {{name}} id=$CNI_CONTAINERID netns=$CNI_NETNS if=$CNI_IFNAME args=$CNI_ARGS path=$CNI_PATH" >> "{{Log}}"
            printf '%s\n' "$conf" >> "{{Log}}.{{name}}.$CNI_COMMAND"
            if [ "$CNI_COMMAND" = ADD ]; then
            {{addBody}}
            fi
            exit 0
            """);
        File.SetUnixFileMode(p, (UnixFileMode)0x1ed);
    }

    private static JsonObject Conflist(params string[] types)
    {
        var plugins = new JsonArray();
        foreach (var t in types)
        {
            var p = new JsonObject { ["type"] = t };
            if (t == "fake-passthrough") p["capabilities"] = new JsonObject { ["portMappings"] = true };
            plugins.Add(p);
        }
        return new JsonObject { ["cniVersion"] = "1.0.0", ["name"] = "testnet", ["plugins"] = plugins };
    }

    private CniExecutor Exec() => new(Path.Combine(_dir, "cache"), new[] { Bin });

    private CniRuntimeConf Rt() => new()
    {
        ContainerId = "abc123", NetnsPath = "/run/netns/x", IfName = "eth0",
        Args = { KeyValuePair.Create("IP", "10.1.2.3") },
        CapabilityArgs = { ["portMappings"] = new JsonArray(new JsonObject { ["hostPort"] = 8000, ["containerPort"] = 80, ["protocol"] = "tcp" }) },
    };

    [Fact]
    public void AddChainsPluginsAndCachesTheResult()
    {
        var exec = Exec();
        var r = exec.Add(Conflist("fake-ipam-bridge", "fake-passthrough"), Rt());
        Assert.Equal("10.1.2.3", r.ContainerAddress()!.IP);
        Assert.Equal(24, r.ContainerAddress()!.PrefixLength);
        Assert.Equal("10.1.2.1", r.ContainerAddress()!.Gateway);
        Assert.Equal("aa:bb:cc:dd:ee:ff", r.ContainerMac("eth0"));
        Assert.Equal(new[] { "10.1.2.1" }, r.DnsNameservers);

        var calls = File.ReadAllLines(Log);
        Assert.Equal(2, calls.Length);
        Assert.StartsWith("ADD fake-ipam-bridge id=abc123 netns=/run/netns/x if=eth0 args=IgnoreUnknown=1;IP=10.1.2.3 path=" + Bin, calls[0]);
        Assert.StartsWith("ADD fake-passthrough", calls[1]);

        // the first plugin gets no prevResult and no runtimeConfig (it declares no capability)
        var first = JsonNode.Parse(File.ReadAllText(Log + ".fake-ipam-bridge.ADD"))!;
        Assert.Null(first["prevResult"]);
        Assert.Null(first["runtimeConfig"]);
        Assert.Equal("testnet", (string?)first["name"]);
        Assert.Equal("1.0.0", (string?)first["cniVersion"]);
        // the second gets the first one's result and its capability argument
        var second = JsonNode.Parse(File.ReadAllText(Log + ".fake-passthrough.ADD"))!;
        Assert.Equal("10.1.2.3/24", (string?)second["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal(8000, (int)second["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!);

        var cache = exec.ReadCache("testnet", "abc123", "eth0")!;
        Assert.Equal("testnet", (string?)cache["networkName"]);
        Assert.Equal("10.1.2.3/24", (string?)cache["result"]!["ips"]![0]!["address"]);
        Assert.NotNull(cache["config"]);
    }

    [Fact]
    public void DelRunsInReverseFromTheCacheEvenWithoutTheConfig()
    {
        var exec = Exec();
        exec.Add(Conflist("fake-ipam-bridge", "fake-passthrough"), Rt());
        File.Delete(Log);
        // as after a crash: nothing but the container id and interface are known
        exec.Del("testnet", new CniRuntimeConf { ContainerId = "abc123", IfName = "eth0" });
        var calls = File.ReadAllLines(Log);
        Assert.Equal(2, calls.Length);
        Assert.StartsWith("DEL fake-passthrough", calls[0]);
        Assert.StartsWith("DEL fake-ipam-bridge", calls[1]);
        Assert.Contains("args=IgnoreUnknown=1;IP=10.1.2.3", calls[1]);
        Assert.Contains("netns= ", calls[1]); // the namespace is gone: passed empty
        var del = JsonNode.Parse(File.ReadAllLines(Log + ".fake-passthrough.DEL")[0])!;
        Assert.Equal("10.1.2.3/24", (string?)del["prevResult"]!["ips"]![0]!["address"]);
        Assert.Equal(8000, (int)del["runtimeConfig"]!["portMappings"]![0]!["hostPort"]!);
        Assert.Null(exec.ReadCache("testnet", "abc123", "eth0"));
    }

    [Fact]
    public void DelOfSomethingNeverAddedIsANoOp()
    {
        Exec().Del("testnet", new CniRuntimeConf { ContainerId = "nothing", IfName = "eth0" });
        Assert.False(File.Exists(Log));
    }

    [Fact]
    public void AFailingPluginIsReportedAndTheChainIsRolledBack()
    {
        var exec = Exec();
        var e = Assert.Throws<CniPluginException>(() => exec.Add(Conflist("fake-ipam-bridge", "fake-fail"), Rt()));
        Assert.Equal(7, e.Code);
        Assert.Contains("boom", e.Message);
        Assert.Contains("it broke", e.Message);
        Assert.Equal("CniPluginFailed", e.ErrorId);
        var calls = File.ReadAllLines(Log);
        Assert.Equal(new[] { "ADD", "ADD", "DEL" }, calls.Select(c => c.Split(' ')[0]));
        Assert.StartsWith("DEL fake-ipam-bridge", calls[2]);
        Assert.Null(exec.ReadCache("testnet", "abc123", "eth0"));
    }

    [Fact]
    public void CheckPassesTheCachedResult()
    {
        var exec = Exec();
        var conf = Conflist("fake-ipam-bridge", "fake-passthrough");
        exec.Add(conf, Rt());
        exec.Check(conf, Rt());
        var chk = JsonNode.Parse(File.ReadAllText(Log + ".fake-ipam-bridge.CHECK"))!;
        Assert.Equal("10.1.2.3/24", (string?)chk["prevResult"]!["ips"]![0]!["address"]);
    }

    [Fact]
    public void AMissingPluginIsNotInstalled()
    {
        var e = Assert.Throws<PscException>(() => Exec().Add(Conflist("no-such-plugin"), Rt()));
        Assert.Equal("CniPluginNotFound", e.ErrorId);
        Assert.Equal(PscErrorCategory.NotInstalled, e.Category);
    }

    [Fact]
    public void OldResultFormatIsUnderstood()
    {
        var r = CniResult.Parse("""{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.5/16","gateway":"10.0.0.1"},"dns":{}}""");
        Assert.Equal("10.0.0.5", r.ContainerAddress()!.IP);
        Assert.Equal(16, r.ContainerAddress()!.PrefixLength);
    }

    [Fact]
    public void RealPluginsAnswerVersion()
    {
        // the installed plugins speak the spec version the engine writes
        var exec = new CniExecutor(Path.Combine(_dir, "cache"));
        foreach (var t in new[] { "bridge", "host-local", "portmap", "firewall", "loopback", "macvlan", "ipvlan" })
        {
            string? path = exec.FindPlugin(t);
            Assert.NotNull(path);
            var psi = new System.Diagnostics.ProcessStartInfo(path!) { RedirectStandardOutput = true, RedirectStandardInput = true };
            psi.Environment["CNI_COMMAND"] = "VERSION";
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.StandardInput.Close();
            var v = JsonNode.Parse(p.StandardOutput.ReadToEnd())!;
            p.WaitForExit();
            Assert.Contains("1.0.0", v["supportedVersions"]!.AsArray().Select(x => (string?)x));
        }
    }
}
