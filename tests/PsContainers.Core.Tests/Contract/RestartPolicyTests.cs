using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class RestartPolicyTests
{
    [Theory]
    [InlineData(null, RestartPolicyName.No, 0, "no")]
    [InlineData("  ", RestartPolicyName.No, 0, "no")]
    [InlineData("no", RestartPolicyName.No, 0, "no")]
    [InlineData("always", RestartPolicyName.Always, 0, "always")]
    [InlineData(" unless-stopped ", RestartPolicyName.UnlessStopped, 0, "unless-stopped")]
    [InlineData("on-failure", RestartPolicyName.OnFailure, 0, "on-failure")]
    [InlineData("on-failure:5", RestartPolicyName.OnFailure, 5, "on-failure:5")]
    [InlineData("on-failure:0", RestartPolicyName.OnFailure, 0, "on-failure")]
    public void ParsesDockersSyntaxAndPrintsItBack(string? text, RestartPolicyName name, int max, string printed)
    {
        Assert.True(RestartPolicy.TryParse(text, out var p));
        Assert.Equal(new RestartPolicy(name, max), p);
        Assert.Equal(printed, p.ToString());
        Assert.True(RestartPolicy.TryParse(p.ToString(), out var again));
        Assert.Equal(p, again);
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("always:3")]
    [InlineData("no:1")]
    [InlineData("on-failure:x")]
    [InlineData("on-failure:-1")]
    [InlineData("on-failure:")]
    [InlineData("on-failure:1:2")]
    [InlineData("ALWAYS")]
    public void RejectsTheRest(string text)
    {
        Assert.False(RestartPolicy.TryParse(text, out var p));
        Assert.Equal(RestartPolicy.No, p);
    }

    // exit code, user stop, restarts so far -> restart?
    [Theory]
    [InlineData("no", 1, false, 0, false)]
    [InlineData("no", 0, false, 0, false)]
    [InlineData("always", 0, false, 0, true)]
    [InlineData("always", 1, false, 100, true)]
    [InlineData("always", 137, true, 0, false)]
    [InlineData("unless-stopped", 0, false, 5, true)]
    [InlineData("unless-stopped", 143, true, 0, false)]
    [InlineData("on-failure", 0, false, 0, false)]
    [InlineData("on-failure", 1, false, 0, true)]
    [InlineData("on-failure", 1, false, 1000, true)]
    [InlineData("on-failure", 1, true, 0, false)]
    [InlineData("on-failure:2", 3, false, 0, true)]
    [InlineData("on-failure:2", 3, false, 1, true)]
    [InlineData("on-failure:2", 3, false, 2, false)]
    [InlineData("on-failure:2", 0, false, 0, false)]
    public void TheRestartDecision(string policy, int exit, bool userStopped, int restarts, bool expected)
    {
        Assert.True(RestartPolicy.TryParse(policy, out var p));
        Assert.Equal(expected, p.ShouldRestart(exit, userStopped, restarts));
    }

    [Fact]
    public void SerializesInDockerInspectShape()
    {
        string json = JsonSerializer.Serialize(new RestartPolicy(RestartPolicyName.OnFailure, 3));
        Assert.Equal("""{"Name":"on-failure","MaximumRetryCount":3}""", json);
        Assert.Equal(new RestartPolicy(RestartPolicyName.OnFailure, 3), JsonSerializer.Deserialize<RestartPolicy>(json));
        Assert.Equal(new RestartPolicy(RestartPolicyName.UnlessStopped), JsonSerializer.Deserialize<RestartPolicy>("""{"Name":"unless-stopped","MaximumRetryCount":0}"""));
        // docker writes "" for no policy
        Assert.Equal(RestartPolicy.No, JsonSerializer.Deserialize<RestartPolicy>("""{"Name":"","MaximumRetryCount":0}"""));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<RestartPolicy>("""{"Name":"sometimes"}"""));
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<RestartPolicy>("42"));
    }

    [Fact]
    public void HostConfigStoresItTypedAndWritesNoLegacyCount()
    {
        var h = new HostConfig { RestartPolicy = new RestartPolicy(RestartPolicyName.OnFailure, 4) };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(h, ContainerStore.Json));
        var rp = doc.RootElement.GetProperty("RestartPolicy");
        Assert.Equal("on-failure", rp.GetProperty("Name").GetString());
        Assert.Equal(4, rp.GetProperty("MaximumRetryCount").GetInt32());
        Assert.False(doc.RootElement.TryGetProperty("MaximumRetryCount", out _));
        var back = JsonSerializer.Deserialize<HostConfig>(doc.RootElement.GetRawText(), ContainerStore.Json)!;
        Assert.Equal(h.RestartPolicy, back.RestartPolicy);
    }

    [Theory]
    // the shape of container.json before the policy was typed, with the count before and after the policy
    [InlineData("""{"Memory":null,"RestartPolicy":"on-failure","MaximumRetryCount":5,"NetworkMode":"none"}""", RestartPolicyName.OnFailure, 5)]
    [InlineData("""{"MaximumRetryCount":2,"RestartPolicy":"on-failure"}""", RestartPolicyName.OnFailure, 2)]
    [InlineData("""{"RestartPolicy":"always","MaximumRetryCount":0}""", RestartPolicyName.Always, 0)]
    [InlineData("""{"RestartPolicy":"no","MaximumRetryCount":0}""", RestartPolicyName.No, 0)]
    [InlineData("""{"NetworkMode":"none"}""", RestartPolicyName.No, 0)]
    public void HostConfigReadsTheOlderStringForm(string json, RestartPolicyName name, int max)
    {
        var h = JsonSerializer.Deserialize<HostConfig>(json, ContainerStore.Json)!;
        Assert.Equal(new RestartPolicy(name, max), h.RestartPolicy);
    }
}
