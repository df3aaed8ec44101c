using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>The per-service config hash and the normalized YAML writer (docker compose config) with its round trip.</summary>
public sealed class ComposeHashAndExportTests : IDisposable
{
    private readonly ComposeDirectory _d = new();
    public void Dispose() => _d.Dispose();

    private const string Yaml = """
        services:
          web:
            image: nginx:${TAG:-1}
            environment:
              PRICE: "5$$"
              MODE: ${MODE:-prod}
              EMPTY: ""
              TRUE_TEXT: "true"
            ports: ["8080:80"]
            volumes: ["./html:/usr/share/nginx/html:ro", "data:/data"]
            secrets: [pw]
            configs:
              - source: site
                target: /etc/site.conf
                mode: 0440
            depends_on:
              db: { condition: service_healthy }
            healthcheck:
              test: ["CMD", "true"]
              interval: 5s
            deploy:
              resources: { limits: { cpus: "1.5", memory: 64m } }
            ulimits: { nofile: 100 }
            command: ["sh", "-c", "echo $$HOME"]
            networks:
              back:
                aliases: [www]
                ipv4_address: 10.9.0.5
          db:
            image: postgres
            scale: 2
            profiles: [db]
            networks: [back]
        networks:
          back:
            ipam:
              config: [{ subnet: 10.9.0.0/24 }]
        volumes:
          data:
            labels: [keep=yes]
        secrets:
          pw:
            file: ./pw.txt
        configs:
          site:
            content: "server { listen 80; }"
        """;

    private ContainerProject Load(Dictionary<string, string>? env = null, string? file = null) =>
        _d.Load(new ComposeLoadOptions { Files = [file ?? _d.P("compose.yaml")], Profiles = ["db"], Environment = env ?? new() });

    public ComposeHashAndExportTests()
    {
        _d.Write("compose.yaml", Yaml);
        _d.Write("pw.txt", "secret-1");
    }

    [Fact]
    public void TheSameInputGivesTheSameHash()
    {
        var a = Load();
        var b = Load();
        Assert.Matches("^[0-9a-f]{64}$", a.GetService("web")!.ConfigHash);
        Assert.Equal(a.GetService("web")!.ConfigHash, b.GetService("web")!.ConfigHash);
        Assert.NotEqual(a.GetService("web")!.ConfigHash, a.GetService("db")!.ConfigHash);
    }

    [Fact]
    public void AChangedValueChangesTheHash()
    {
        var baseline = Load().GetService("web")!.ConfigHash;
        Assert.NotEqual(baseline, Load(new() { ["MODE"] = "dev" }).GetService("web")!.ConfigHash);
        Assert.NotEqual(baseline, Load(new() { ["TAG"] = "2" }).GetService("web")!.ConfigHash);
        File.WriteAllText(_d.P("pw.txt"), "secret-2");
        Assert.NotEqual(baseline, Load().GetService("web")!.ConfigHash); // file-backed secret content is hashed
    }

    [Fact]
    public void ScaleDependsOnProfilesAndPullPolicyAreNotHashed()
    {
        var baseline = Load().GetService("db")!.ConfigHash;
        var f = _d.Write("changed.yaml", Yaml.Replace("scale: 2", "scale: 3\n    pull_policy: always").Replace("profiles: [db]", "profiles: [db, other]\n    depends_on: [web]").Replace("    depends_on:\n      db: { condition: service_healthy }\n", ""));
        Assert.Equal(baseline, Load(file: f).GetService("db")!.ConfigHash);
    }

    [Fact]
    public void ExportWritesNormalizedYamlThatLoadsBackToTheSameModel()
    {
        var p = Load();
        string yaml = ComposeYamlWriter.Write(p);
        Assert.Contains("PRICE: 5$$", yaml);
        Assert.Contains("echo $$HOME", yaml);
        Assert.Contains("name: ", yaml);
        Assert.Contains("EMPTY: \"\"", yaml);
        Assert.Contains("TRUE_TEXT: \"true\"", yaml);
        var f = _d.Write("exported/compose.yaml", yaml);
        var back = Load(file: f);
        Assert.Equal(yaml, ComposeYamlWriter.Write(back));
        Assert.Equal(p.Name, back.Name);
        var web = back.GetService("web")!;
        Assert.Equal("5$", web.Environment["PRICE"]);
        Assert.Equal("", web.Environment["EMPTY"]);
        Assert.Equal(["sh", "-c", "echo $HOME"], web.Command);
        Assert.Equal(_d.P("html"), web.Volumes[0].Source);
        Assert.Equal(0x120, web.Configs[0].Mode); // 0440
        Assert.Equal("10.9.0.5", web.Networks[0].Ipv4Address);
        foreach (var s in p.Services) Assert.Equal(s.ConfigHash, back.GetService(s.Name)!.ConfigHash);
        Assert.Equal(p.Networks.Select(n => n.Name), back.Networks.Select(n => n.Name));
        Assert.Equal(p.Volumes.Select(n => n.Name), back.Volumes.Select(n => n.Name));
    }

    [Fact]
    public void ExportWithoutInterpolationWritesTheExpressionsAsWrittenAndLoadsBackTheSame()
    {
        var raw = _d.Load(new ComposeLoadOptions { Files = [_d.P("compose.yaml")], Profiles = ["db"], NoInterpolate = true });
        Assert.True(raw.NoInterpolate);
        string yaml = ComposeYamlWriter.Write(raw);
        // docker compose config --no-interpolate prints them as written: no second escaping
        Assert.Contains("image: nginx:${TAG:-1}", yaml);
        Assert.Contains("MODE: ${MODE:-prod}", yaml);
        Assert.Contains("PRICE: 5$$", yaml);
        Assert.Contains("echo $$HOME", yaml);
        Assert.DoesNotContain("$${", yaml);
        Assert.DoesNotContain("$$$$", yaml);
        // the exported file loads back the same, raw and interpolated
        var f = _d.Write("exported/compose.yaml", yaml);
        var back = _d.Load(new ComposeLoadOptions { Files = [f], Profiles = ["db"], NoInterpolate = true });
        Assert.Equal(yaml, ComposeYamlWriter.Write(back));
        var web = _d.Load(new ComposeLoadOptions { Files = [f], Profiles = ["db"], Environment = new Dictionary<string, string> { ["TAG"] = "2" } }).GetService("web")!;
        Assert.Equal("nginx:2", web.Image);
        Assert.Equal("prod", web.Environment["MODE"]);
        Assert.Equal("5$", web.Environment["PRICE"]);
        Assert.Equal(["sh", "-c", "echo $HOME"], web.Command);
    }
}
