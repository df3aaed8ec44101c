using System.Text;
using System.Text.Json;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.Oci;

/// <summary>Healthcheck, Shell and OnBuild in an image config (docker's members) survive a read and a write.</summary>
public sealed class HealthcheckConfigTests
{
    // a config as docker build writes it for HEALTHCHECK --interval=5s --timeout=2s --start-period=1m --start-interval=1s --retries=4, SHELL and ONBUILD
    private const string DockerConfig = """
        {"architecture":"amd64","os":"linux","config":{
          "Cmd":["httpd"],
          "Healthcheck":{"Test":["CMD-SHELL","wget -q -O- localhost || exit 1"],"Interval":5000000000,"Timeout":2000000000,"StartPeriod":60000000000,"StartInterval":1000000000,"Retries":4},
          "Shell":["/bin/ash","-eo","pipefail","-c"],
          "OnBuild":["RUN echo built","COPY . /app"],
          "StopSignal":"SIGQUIT"},
         "rootfs":{"type":"layers","diff_ids":["sha256:aa"]}}
        """;

    [Fact]
    public void ReadsDockersHealthcheckShellAndOnBuild()
    {
        var c = ImageConfiguration.Parse(Encoding.UTF8.GetBytes(DockerConfig)).Config!;
        var h = c.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "wget -q -O- localhost || exit 1"], h.Test);
        Assert.Equal(5_000_000_000, h.Interval);
        Assert.Equal(2_000_000_000, h.Timeout);
        Assert.Equal(60_000_000_000, h.StartPeriod);
        Assert.Equal(1_000_000_000, h.StartInterval);
        Assert.Equal(4, h.Retries);
        Assert.Equal(["/bin/ash", "-eo", "pipefail", "-c"], c.Shell);
        Assert.Equal(["RUN echo built", "COPY . /app"], c.OnBuild);
        Assert.Equal("SIGQUIT", c.StopSignal);
    }

    [Fact]
    public void RoundTripsThemThroughAWrite()
    {
        var first = ImageConfiguration.Parse(Encoding.UTF8.GetBytes(DockerConfig));
        byte[] written = first.ToJsonBytes();
        using var doc = JsonDocument.Parse(written);
        var cfg = doc.RootElement.GetProperty("config");
        var hc = cfg.GetProperty("Healthcheck");
        Assert.Equal(5_000_000_000, hc.GetProperty("Interval").GetInt64());
        Assert.Equal(4, hc.GetProperty("Retries").GetInt32());
        Assert.Equal("CMD-SHELL", hc.GetProperty("Test")[0].GetString());
        Assert.Equal(4, cfg.GetProperty("Shell").GetArrayLength());
        Assert.Equal(2, cfg.GetProperty("OnBuild").GetArrayLength());
        Assert.Equal("SIGQUIT", cfg.GetProperty("StopSignal").GetString());
        // and once more: a second write is byte-identical
        Assert.Equal(written, ImageConfiguration.Parse(written).ToJsonBytes());
    }

    [Fact]
    public void ZeroMembersAreLeftOutAsDockerDoes()
    {
        var c = ImageConfiguration.Parse("""{"config":{"Healthcheck":{"Test":["NONE"]}}}"""u8.ToArray());
        Assert.Equal(["NONE"], c.Config!.Healthcheck!.Test);
        Assert.Equal(0, c.Config.Healthcheck.Interval);
        string json = Encoding.UTF8.GetString(c.ToJsonBytes());
        Assert.Contains("\"Healthcheck\":{\"Test\":[\"NONE\"]}", json);
    }

    [Fact]
    public void MembersOfTheWrongTypeReadAsAbsent()
    {
        var c = ImageConfiguration.Parse("""{"config":{"Healthcheck":{"Test":"CMD","Interval":"5s","Retries":1.5},"Shell":7}}"""u8.ToArray()).Config!;
        Assert.Equal(["CMD"], c.Healthcheck!.Test); // a lone string reads as a one-element list, like Cmd
        Assert.Equal(0, c.Healthcheck.Interval);
        Assert.Equal(0, c.Healthcheck.Retries);
        Assert.Null(c.Shell);
        Assert.Null(ImageConfiguration.Parse("""{"config":{"Healthcheck":[]}}"""u8.ToArray()).Config!.Healthcheck);
    }
}
