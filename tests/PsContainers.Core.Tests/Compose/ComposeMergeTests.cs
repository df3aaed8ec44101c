using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>The merge rules (compose-spec merge.md, compose-notes §1.4) over a base file and two override files, and the !reset/!override tags.</summary>
public sealed class ComposeMergeTests : IDisposable
{
    private readonly ComposeDirectory _d = new();
    public void Dispose() => _d.Dispose();

    private ContainerProjectService Merged()
    {
        var a = _d.Write("compose.yaml", """
            services:
              web:
                image: nginx:1
                command: ["nginx", "-g", "daemon off;"]
                entrypoint: /docker-entrypoint.sh
                environment:
                  A: base
                  B: base
                labels: [l1=base]
                ports: ["8080:80", "443:443"]
                expose: ["80"]
                volumes: ["./a:/data", "logs:/logs"]
                dns: 1.1.1.1
                cap_add: [NET_ADMIN]
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost"]
                  interval: 10s
                depends_on: [db]
                networks:
                  front:
                    aliases: [w1]
                logging:
                  driver: json-file
                  options: { max-size: 1m }
                ulimits:
                  nofile: { soft: 10, hard: 20 }
                  nproc: 30
                extra_hosts: ["a.example:10.0.0.1"]
              db:
                image: postgres
            networks:
              front:
            volumes:
              logs:
            """);
        var b = _d.Write("override1.yaml", """
            services:
              web:
                image: nginx:2
                command: nginx -T
                environment:
                  - B=first
                  - C=first
                labels: { l2: first }
                ports: ["8081:80", "443:443/tcp"]
                expose: ["80", "81"]
                volumes: ["./b:/data"]
                dns: [1.1.1.1, 8.8.8.8]
                cap_add: [NET_ADMIN, SYS_TIME]
                healthcheck:
                  test: ["CMD-SHELL", "true"]
                depends_on:
                  cache:
                    condition: service_healthy
                networks:
                  front:
                    aliases: [w1, w2]
                logging:
                  options: { max-file: "3" }
                ulimits:
                  nofile: { soft: 11, hard: 21 }
              cache:
                image: redis
            """);
        var c = _d.Write("sub/override2.yaml", """
            services:
              web:
                environment: { C: second }
                volumes:
                  - type: bind
                    source: ./c
                    target: /extra
                extra_hosts: { b.example: 10.0.0.2 }
                ulimits:
                  nproc: { soft: 1, hard: 2 }
            """);
        return _d.Load(a, b, c).GetService("web")!;
    }

    [Fact]
    public void ScalarsAndMappingsTakeTheLaterValue()
    {
        var web = Merged();
        Assert.Equal("nginx:2", web.Image);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "base", ["B"] = "first", ["C"] = "second" }, web.Environment);
        Assert.Equal(new Dictionary<string, string> { ["l1"] = "base", ["l2"] = "first" }, web.Labels);
        Assert.Equal(["a.example:10.0.0.1", "b.example:10.0.0.2"], web.ExtraHosts);
    }

    [Fact]
    public void CommandEntrypointAndHealthcheckTestAreReplaced()
    {
        var web = Merged();
        Assert.Equal(["nginx", "-T"], web.Command);
        Assert.Equal(["/docker-entrypoint.sh"], web.Entrypoint);
        Assert.Equal(["CMD-SHELL", "true"], web.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(10), web.Healthcheck.Interval); // the rest of healthcheck merges
    }

    [Fact]
    public void UniqueKeyedListsReplaceByKeyAndAppendTheRest()
    {
        var web = Merged();
        // 8080:80 and 8081:80 differ in the published port: both stay (docker/compose#7645); 443 once
        Assert.Equal(["8080:80/tcp", "443:443/tcp", "8081:80/tcp"], web.Ports.Select(p => p.ToString()));
        Assert.Equal(["80", "81"], web.Expose);
        Assert.Equal(["1.1.1.1", "8.8.8.8"], web.Dns);
        Assert.Equal(["NET_ADMIN", "SYS_TIME"], web.CapAdd);
        // volumes by target: /data replaced in place by the later ./b; paths of later -f files resolve against the project directory
        Assert.Equal([(_d.P("b"), "/data"), ("logs", "/logs"), (_d.P("c"), "/extra")], web.Volumes.Select(v => (v.Source!, v.Target)));
        Assert.Equal(["w1", "w2"], Assert.Single(web.Networks).Aliases);
    }

    [Fact]
    public void DependsOnMergesAsAMappingAndUlimitsReplaceEachEntry()
    {
        var web = Merged();
        Assert.Equal([("db", "service_started"), ("cache", "service_healthy")], web.DependsOn.Select(d => (d.Service, d.Condition)));
        Assert.Equal(["nofile=11:21", "nproc=1:2"], web.Ulimits.Select(u => u.ToString()));
    }

    [Fact]
    public void ResetRemovesAndOverrideReplaces()
    {
        var a = _d.Write("compose.yaml", """
            services:
              web:
                image: nginx
                ports: ["8080:80", "8443:443"]
                environment: { A: "1", B: "2" }
                command: ["a"]
                volumes: ["./x:/x"]
                dns: [1.1.1.1]
            """);
        var b = _d.Write("override.yaml", """
            services:
              web:
                ports: !override ["9443:443"]
                environment:
                  A: !reset null
                  C: "3"
                command: !reset []
                volumes: !reset []
                dns: !override 8.8.8.8
            """);
        var web = _d.Load(a, b).GetService("web")!;
        Assert.Equal(["9443:443/tcp"], web.Ports.Select(p => p.ToString()));
        Assert.Equal(new Dictionary<string, string> { ["B"] = "2", ["C"] = "3" }, web.Environment);
        Assert.Null(web.Command);
        Assert.Empty(web.Volumes);
        Assert.Equal(["8.8.8.8"], web.Dns);
    }

    [Fact]
    public void TaggedValuesAreInterpolated()
    {
        var a = _d.Write("compose.yaml", "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n");
        var b = _d.Write("override.yaml", "services:\n  web:\n    ports: !override [\"${PORT}:80\"]\n");
        var web = _d.Load(new ComposeLoadOptions { Files = [a, b], Environment = new Dictionary<string, string> { ["PORT"] = "9000" } }).GetService("web")!;
        Assert.Equal("9000", Assert.Single(web.Ports).Published);
    }

    [Fact]
    public void AResetInTheFirstFileRemovesTheAttribute()
    {
        var a = _d.Write("compose.yaml", "services:\n  web:\n    image: nginx\n    command: !reset [x]\n");
        Assert.Null(_d.Load(a).GetService("web")!.Command);
    }

    [Fact]
    public void LoggingMergesOnlyWhenTheDriversAgree()
    {
        ComposeNode Tree(string yaml) => ComposeYamlReader.Parse(yaml, "t.yaml");
        var same = ComposeMerger.Merge(Tree("driver: json-file\noptions: { max-size: 1m }\n"), Tree("options: { max-file: \"3\" }\n"), "services.*.logging")!;
        Assert.Equal(["max-size", "max-file"], same["options"]!.Map.Keys);
        var other = ComposeMerger.Merge(Tree("driver: json-file\noptions: { max-size: 1m }\n"), Tree("driver: syslog\n"), "services.*.logging")!;
        Assert.Equal("syslog", other["driver"]!.Value);
        Assert.Null(other["options"]);
    }
}
