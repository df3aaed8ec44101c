using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

/// <summary>
/// RuntimeSpecWriter writes the process pscrun exec hands to the container side: it must say what the engine's
/// serializer says (same members, same values) and read back through RuntimeSpecReader into the same model.
/// </summary>
public sealed class RuntimeSpecWriterTests
{
    private static SpecProcess Full() => new()
    {
        Terminal = true,
        ConsoleSize = new SpecBox { Height = 24, Width = 80 },
        User = new SpecUser { Uid = 1000, Gid = 100, Umask = 0x12, AdditionalGids = new() { 5, 6 }, Username = "app" },
        Args = new() { "/bin/sh", "-c", "echo \"é<&>\" $HOME" },
        CommandLine = "sh -c x",
        Env = new() { "PATH=/usr/bin:/bin", "HOME=/root", "EMPTY=" },
        Cwd = "/srv/app",
        Capabilities = new SpecCapabilities
        {
            Bounding = new() { "CAP_CHOWN", "CAP_KILL" }, Effective = new() { "CAP_KILL" }, Inheritable = new(),
            Permitted = new() { "CAP_CHOWN", "CAP_KILL" }, Ambient = new() { "CAP_KILL" },
        },
        Rlimits = new() { new SpecRlimit { Type = "RLIMIT_NOFILE", Hard = 1048576, Soft = 1024 }, new SpecRlimit { Type = "RLIMIT_CORE", Hard = ulong.MaxValue, Soft = 0 } },
        NoNewPrivileges = true,
        ApparmorProfile = "docker-default",
        OomScoreAdj = -500,
        SelinuxLabel = "system_u:system_r:container_t:s0",
        IoPriority = new SpecIOPriority { Class = "IOPRIO_CLASS_BE", Priority = 4 },
        Scheduler = new SpecScheduler { Policy = "SCHED_DEADLINE", Nice = -2, Priority = 3, Flags = new() { "SCHED_FLAG_RESET_ON_FORK" }, Runtime = 10, Deadline = 20, Period = 30 },
        Extra = new() { ["io.example.future"] = JsonDocument.Parse("{\"a\":[1,2,{\"b\":null}]}").RootElement.Clone() },
    };

    private static JsonNode? Written(SpecProcess p)
    {
        var buf = new MemoryStream();
        using (var w = new Utf8JsonWriter(buf)) RuntimeSpecWriter.WriteProcess(w, p);
        return JsonNode.Parse(buf.ToArray());
    }

    [Fact]
    public void WritesWhatTheSerializerWrites()
    {
        foreach (var p in new[] { Full(), new SpecProcess { Args = new() { "true" } }, new SpecProcess() })
        {
            var bySerializer = JsonNode.Parse(JsonSerializer.Serialize(p, SpecJsonContext.Default.SpecProcess));
            var byWriter = Written(p);
            Assert.True(JsonNode.DeepEquals(bySerializer, byWriter), $"serializer: {bySerializer?.ToJsonString()}\nwriter:     {byWriter?.ToJsonString()}");
        }
    }

    [Fact]
    public void ReadsBackIntoTheSameProcess()
    {
        var p = Full();
        var back = RuntimeSpecReader.ParseProcess(Written(p)!.ToJsonString());
        Assert.Equal(JsonSerializer.Serialize(p, SpecJsonContext.Default.SpecProcess), JsonSerializer.Serialize(back, SpecJsonContext.Default.SpecProcess));
        Assert.Equal(p.Args, back.Args);
        Assert.Equal(p.Env, back.Env);
        Assert.Equal(p.User.AdditionalGids, back.User.AdditionalGids);
        Assert.Equal(p.Capabilities!.Ambient, back.Capabilities!.Ambient);
        Assert.Equal(ulong.MaxValue, back.Rlimits![1].Hard);
        Assert.Equal(-500, back.OomScoreAdj);
        Assert.Equal("{\"a\":[1,2,{\"b\":null}]}", back.Extra!["io.example.future"].GetRawText());
    }

    [Fact]
    public void WithProcessReplacesOnlyTheProcess()
    {
        const string config = """
            {"ociVersion":"1.2.0","process":{"terminal":false,"user":{"uid":0,"gid":0},"args":["sleep","1"],"cwd":"/"},
             "root":{"path":"rootfs","readonly":true},"hostname":"h","annotations":{"k":"v"},
             "linux":{"namespaces":[{"type":"pid"},{"type":"mount"}],"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}}}
            """;
        var process = new SpecProcess { Args = new() { "/bin/sh", "-c", "true" }, Env = new() { "A=1" }, Cwd = "/tmp", NoNewPrivileges = true };
        var result = JsonNode.Parse(RuntimeSpecWriter.WithProcess(config, process))!.AsObject();
        var original = JsonNode.Parse(config)!.AsObject();
        Assert.Equal(original.Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal), result.Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, value) in original)
            if (key != "process") Assert.True(JsonNode.DeepEquals(value, result[key]), key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(JsonSerializer.Serialize(process, SpecJsonContext.Default.SpecProcess)), result["process"]));
        var spec = RuntimeSpecReader.Parse(result.ToJsonString());
        Assert.Equal(new[] { "/bin/sh", "-c", "true" }, spec.Process!.Args);
        Assert.Equal("SCMP_ACT_ERRNO", spec.Linux!.Seccomp!.DefaultAction);
    }

    [Fact]
    public void WithProcessAddsAMissingProcessAndRefusesANonObject()
    {
        var result = JsonNode.Parse(RuntimeSpecWriter.WithProcess("{\"ociVersion\":\"1.2.0\"}", new SpecProcess { Args = new() { "x" } }))!;
        Assert.Equal("1.2.0", (string?)result["ociVersion"]);
        Assert.Equal("x", (string?)result["process"]!["args"]![0]);
        Assert.ThrowsAny<JsonException>(() => RuntimeSpecWriter.WithProcess("[1]", new SpecProcess()));
        Assert.ThrowsAny<JsonException>(() => RuntimeSpecWriter.WithProcess("{\"ociVersion\":", new SpecProcess()));
    }
}
