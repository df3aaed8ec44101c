using PsContainers.Contract;
using PsContainers.Core.Compose;
using PsContainers.Core.Images;

namespace PsContainers.Core.Tests.Compose;

/// <summary>Normalization, naming, discovery, typed casts and the errors of <see cref="ComposeLoader"/>.</summary>
public sealed class ComposeLoaderTests : IDisposable
{
    private readonly ComposeDirectory _d = new("My_App.v2");
    public void Dispose() => _d.Dispose();

    [Fact]
    public void NormalizesServicesToTheLongSyntax()
    {
        _d.Write("app.env", "FROM_FILE=file\nOVERRIDDEN=file\nQUOTED='a $b'\n");
        var f = _d.Write("compose.yaml", """
            services:
              web:
                build: ./web
                ports:
                  - "8080:80"
                  - 127.0.0.1:9000-9001:9000-9001/udp
                  - "[::1]::443"
                  - 22:22
                  - target: 53
                    published: "5353"
                    protocol: udp
                volumes:
                  - ./data:/data:ro
                  - cache:/cache
                  - /anon
                  - ~/conf:/conf:z
                env_file: app.env
                environment:
                  OVERRIDDEN: inline
                  FROM_HOST:
                  NOT_ANYWHERE:
                command: echo "hello world" 'and $$more'
                healthcheck:
                  test: curl -f http://localhost
                  interval: 1m30s
                  retries: 5
                depends_on: [db]
              db:
                image: postgres:16
            volumes:
              cache:
            """);
        var p = _d.Load(new ComposeLoadOptions { Files = [f], ProcessEnvironment = new Dictionary<string, string> { ["HOME"] = "/home/t", ["FROM_HOST"] = "host" } });

        Assert.Equal("my_appv2", p.Name);
        Assert.Equal(_d.Root, p.WorkingDirectory);
        var web = p.GetService("web")!;
        Assert.Equal(_d.P("web"), web.Build!.Context);
        Assert.Equal("Dockerfile", web.Build.Dockerfile);
        Assert.Null(web.Image);

        Assert.Equal(["8080:80/tcp", "127.0.0.1:9000:9000/udp", "127.0.0.1:9001:9001/udp", "[::1]:443/tcp", "22:22/tcp", "5353:53/udp"],
            web.Ports.Select(x => x.ToString()));
        Assert.Equal("22", web.Ports[4].Published);

        Assert.Equal(4, web.Volumes.Count);
        Assert.Equal(("bind", _d.P("data"), "/data", true, (bool?)true), (web.Volumes[0].Type, web.Volumes[0].Source, web.Volumes[0].Target, web.Volumes[0].ReadOnly, web.Volumes[0].CreateHostPath));
        Assert.Equal(("volume", "cache", "/cache"), (web.Volumes[1].Type, web.Volumes[1].Source, web.Volumes[1].Target));
        Assert.Equal(("volume", (string?)null, "/anon"), (web.Volumes[2].Type, web.Volumes[2].Source, web.Volumes[2].Target));
        Assert.Equal(("/home/t/conf", "z"), (web.Volumes[3].Source, web.Volumes[3].SeLinux));

        Assert.Equal("file", web.Environment["FROM_FILE"]);
        Assert.Equal("inline", web.Environment["OVERRIDDEN"]);
        Assert.Equal("a $b", web.Environment["QUOTED"]);
        Assert.Equal("host", web.Environment["FROM_HOST"]);
        Assert.False(web.Environment.ContainsKey("NOT_ANYWHERE"));
        Assert.Equal([_d.P("app.env")], web.EnvironmentFiles);

        Assert.Equal(["echo", "hello world", "and $more"], web.Command);
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost"], web.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(90), web.Healthcheck.Interval);
        Assert.Equal(5, web.Healthcheck.Retries);
        Assert.Null(web.Healthcheck.Timeout);

        var dep = Assert.Single(web.DependsOn);
        Assert.Equal(("db", "service_started", true, false), (dep.Service, dep.Condition, dep.Required, dep.Restart));
        Assert.Equal("default", Assert.Single(web.Networks).Name);

        var net = Assert.Single(p.Networks);
        Assert.Equal(("default", "my_appv2_default"), (net.Key, net.Name));
        Assert.Equal(("cache", "my_appv2_cache"), (p.Volumes[0].Key, p.Volumes[0].Name));
        Assert.Equal(["db", "web"], p.ServicesInDependencyOrder().Select(s => s.Name));
    }

    [Fact]
    public void NetworkModeServiceIsAnImplicitDependencyUnlessTheFileNamesIt()
    {
        var f = _d.Write("compose.yaml", """
            services:
              side: { image: busybox, network_mode: "service:app" }
              own: { image: busybox, network_mode: "service:app", depends_on: { app: { condition: service_healthy } } }
              app: { image: busybox, healthcheck: { test: ["CMD", "true"] } }
            """);
        var p = _d.Load(f);
        var implicitDep = Assert.Single(p.GetService("side")!.DependsOn);
        Assert.Equal(("app", "service_started", true, true), (implicitDep.Service, implicitDep.Condition, implicitDep.Required, implicitDep.Restart));
        var own = Assert.Single(p.GetService("own")!.DependsOn);
        Assert.Equal(("app", "service_healthy", false), (own.Service, own.Condition, own.Restart));
        Assert.Equal(["app", "own", "side"], p.ServicesInDependencyOrder().Select(s => s.Name));
    }

    [Fact]
    public void KeepsScalarsAsStringsAndExpandsAnchorsAndMergeKeys()
    {
        var f = _d.Write("compose.yaml", """
            x-common: &common
              image: busybox
              environment:
                SHARED: "1"
            services:
              a:
                <<: *common
                command: ["sleep", "0755"]
                labels:
                  time: 22:22
                  octal: 0755
                  flag: yes
              b:
                <<: *common
                image: alpine
            """);
        var p = _d.Load(f);
        var a = p.GetService("a")!;
        Assert.Equal("busybox", a.Image);
        Assert.Equal("1", a.Environment["SHARED"]);
        Assert.Equal(["sleep", "0755"], a.Command);
        Assert.Equal("22:22", a.Labels["time"]);
        Assert.Equal("0755", a.Labels["octal"]);
        Assert.Equal("yes", a.Labels["flag"]);
        Assert.Equal("alpine", p.GetService("b")!.Image);
    }

    [Fact]
    public void TypedValuesAreCastAndFailuresNameFileLineAndPath()
    {
        var f = _d.Write("compose.yaml", """
            services:
              web:
                image: nginx
                scale: 2
                stop_grace_period: 1m
                shm_size: 128m
                deploy:
                  resources:
                    limits: { cpus: "0.5", memory: 256m, pids: 100 }
                ulimits:
                  nofile: { soft: 1024, hard: 2048 }
                  nproc: 512
                init: true
                read_only: on
            """);
        var p = _d.Load(f);
        var web = p.GetService("web")!;
        Assert.Equal(2, web.Scale);
        Assert.Equal(TimeSpan.FromMinutes(1), web.StopGracePeriod);
        Assert.Equal(128L << 20, web.ShmSize);
        Assert.Equal((0.5, 256L << 20, 100L), (web.Resources.CpuLimit!.Value, web.Resources.MemoryLimit!.Value, web.Resources.PidsLimit!.Value));
        Assert.Equal(["nofile=1024:2048", "nproc=512:512"], web.Ulimits.Select(u => u.ToString()));
        Assert.True(web.Init);
        Assert.True(web.ReadOnly);
        Assert.Contains(p.Warnings, w => w.Rule == "DeprecatedBoolean" && w.Line == 14);

        var bad = _d.Write("bad.yaml", "services:\n  web:\n    image: nginx\n    scale: many\n");
        var e = Assert.Throws<PscException>(() => _d.Load(bad));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith($"{bad}:4: services.web.scale must be an integer", e.Message);
    }

    [Fact]
    public void UnknownKeysAreWarnedOnceAndExtensionsIgnored()
    {
        var f = _d.Write("compose.yaml", """
            version: "3.9"
            x-anything: { whatever: 1 }
            services:
              a:
                image: busybox
                frobnicate: 1
                x-note: ignored
              b:
                image: busybox
                frobnicate: 2
            """);
        var p = _d.Load(f);
        var unknown = Assert.Single(p.Warnings, w => w.Rule == "UnknownKey");
        Assert.Equal((f, 6, "a"), (unknown.File, unknown.Line, unknown.Service));
        Assert.Contains("'frobnicate'", unknown.Message);
        Assert.Single(p.Warnings, w => w.Rule == "ObsoleteKey");
        Assert.DoesNotContain(p.Warnings, w => w.Message.Contains("x-"));
    }

    [Theory]
    [InlineData("Bad Name", null)]
    [InlineData("-leading", null)]
    [InlineData("UPPER", null)]
    [InlineData(null, "Not.Valid")]
    public void AnExplicitProjectNameMustBeValid(string? explicitName, string? fromEnvironment)
    {
        var f = _d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n");
        var env = new Dictionary<string, string>();
        if (fromEnvironment is not null) env["COMPOSE_PROJECT_NAME"] = fromEnvironment;
        var e = Assert.Throws<InvalidArgumentException>(() => _d.Load(new ComposeLoadOptions { Files = [f], ProjectName = explicitName, ProcessEnvironment = env }));
        Assert.Equal(ErrorIds.InvalidProjectName, e.ErrorId);
        Assert.Equal(explicitName ?? fromEnvironment, e.Target);
    }

    [Fact]
    public void TheProjectNameFollowsItsPrecedence()
    {
        var f = _d.Write("compose.yaml", "name: ${NAME:-From_File.1}\nservices:\n  a:\n    image: busybox\n");
        Assert.Equal("from_file1", _d.Load(f).Name);
        Assert.Equal("envname", _d.Load(new ComposeLoadOptions { Files = [f], Environment = new Dictionary<string, string> { ["COMPOSE_PROJECT_NAME"] = "envname" } }).Name);
        Assert.Equal("given", _d.Load(new ComposeLoadOptions { Files = [f], ProjectName = "given", Environment = new Dictionary<string, string> { ["COMPOSE_PROJECT_NAME"] = "envname" } }).Name);
        _d.Write(".env", "COMPOSE_PROJECT_NAME=dotenv\n");
        Assert.Equal("dotenv", _d.Load(f).Name);
        File.Delete(_d.P(".env"));
        var noName = _d.Write("other.yaml", "services:\n  a:\n    image: busybox\n");
        Assert.Equal("my_appv2", _d.Load(noName).Name);
        Assert.Equal("my_appv2", ComposeProjectName.Normalize("My_App.v2"));
        Assert.Equal("app", ComposeProjectName.Normalize("__-App"));
    }

    [Fact]
    public void DiscoversTheDefaultFileAndItsOverrideUpwardAndHonoursComposeFile()
    {
        _d.Write("docker-compose.yml", "services:\n  a:\n    image: old\n");
        _d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n");
        _d.Write("compose.override.yaml", "services:\n  a:\n    environment: [OVR=1]\n");
        Directory.CreateDirectory(_d.P("sub/deeper"));
        var p = _d.Load(new ComposeLoadOptions { CurrentDirectory = _d.P("sub/deeper") });
        Assert.Equal([_d.P("compose.yaml"), _d.P("compose.override.yaml")], p.ConfigFiles);
        Assert.Equal("busybox", p.GetService("a")!.Image);
        Assert.Equal("1", p.GetService("a")!.Environment["OVR"]);

        _d.Write("one.yaml", "services:\n  a:\n    image: one\n");
        _d.Write("two.yaml", "services:\n  a:\n    image: two\n");
        _d.Write(".env", "COMPOSE_FILE=one.yaml:two.yaml\n");
        var fromEnv = _d.Load(new ComposeLoadOptions());
        Assert.Equal([_d.P("one.yaml"), _d.P("two.yaml")], fromEnv.ConfigFiles);
        Assert.Equal("two", fromEnv.GetService("a")!.Image);
    }

    [Fact]
    public void MissingFilesAreNotFound()
    {
        var e = Assert.Throws<ResourceNotFoundException>(() => _d.Load(_d.P("nope.yaml")));
        Assert.Equal(ErrorIds.ComposeFileNotFound, e.ErrorId);
        using var empty = new ComposeDirectory();
        var none = Assert.Throws<ResourceNotFoundException>(() => empty.Load(new ComposeLoadOptions()));
        Assert.Equal(ErrorIds.ComposeFileNotFound, none.ErrorId);
        var f = _d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n    env_file: [missing.env]\n");
        Assert.Equal(ErrorIds.EnvFileNotFound, Assert.Throws<ResourceNotFoundException>(() => _d.Load(f)).ErrorId);
        _d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n    env_file:\n      - path: missing.env\n        required: false\n");
        Assert.Empty(_d.Load(f).GetService("a")!.Environment);
    }

    [Fact]
    public void InterpolationUsesCallerThenProcessThenDotEnvAndErrorsCarryFileLine()
    {
        _d.Write(".env", "TAG=dotenv\nONLY_DOTENV=d\nDOLLAR='x$y'\n");
        var f = _d.Write("compose.yaml", """
            services:
              a:
                image: "busybox:${TAG}"
                environment:
                  - ONLY=${ONLY_DOTENV}
                  - LITERAL=$$HOME
                  - D=${DOLLAR}
                labels:
                  $KEY_NOT_INTERPOLATED: v
            """);
        Assert.Equal("busybox:dotenv", _d.Load(f).GetService("a")!.Image);
        var proc = new Dictionary<string, string> { ["TAG"] = "process" };
        Assert.Equal("busybox:process", _d.Load(new ComposeLoadOptions { Files = [f], ProcessEnvironment = proc }).GetService("a")!.Image);
        var a = _d.Load(new ComposeLoadOptions { Files = [f], ProcessEnvironment = proc, Environment = new Dictionary<string, string> { ["TAG"] = "caller" } }).GetService("a")!;
        Assert.Equal("busybox:caller", a.Image);
        Assert.Equal("d", a.Environment["ONLY"]);
        Assert.Equal("$HOME", a.Environment["LITERAL"]);
        Assert.Equal("x$y", a.Environment["D"]);
        Assert.True(a.Labels.ContainsKey("$KEY_NOT_INTERPOLATED"));

        _d.Write("alt.env", "TAG=alt\n");
        Assert.Equal("busybox:alt", _d.Load(new ComposeLoadOptions { Files = [f], EnvironmentFiles = ["alt.env"] }).GetService("a")!.Image);
        var raw = _d.Load(new ComposeLoadOptions { Files = [f], NoInterpolate = true }).GetService("a")!;
        Assert.Equal("busybox:${TAG}", raw.Image);

        var req = _d.Write("req.yaml", "services:\n  a:\n    image: busybox\n    environment:\n      P: ${PASSWORD:?set the password}\n");
        var e = Assert.Throws<InvalidArgumentException>(() => _d.Load(req));
        Assert.Equal(ErrorIds.InterpolationRequiredVariable, e.ErrorId);
        Assert.StartsWith($"{req}:5 services.a.environment.P: required variable PASSWORD is missing a value: set the password", e.Message);
    }

    [Fact]
    public void AnUnsetVariableIsWarnedOnce()
    {
        // (the image stays a valid reference once NOPE is blank: "busybox:" is refused since issue 14's defect b)
        var f = _d.Write("compose.yaml", "services:\n  a:\n    image: busybox$NOPE\n    labels: [x=$NOPE]\n");
        var p = _d.Load(f);
        Assert.Equal("busybox", p.GetService("a")!.Image);
        var w = Assert.Single(p.Warnings, x => x.Rule == "UnsetVariable");
        Assert.Equal(3, w.Line);
    }

    [Fact]
    public void ConsistencyErrorsNameTheServiceAndPlace()
    {
        void Expect(string id, string yaml, string contains)
        {
            var f = _d.Write("check.yaml", yaml);
            var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
            Assert.Equal(id, e.ErrorId);
            Assert.StartsWith(f + ":", e.Message);
            Assert.Contains(contains, e.Message);
        }
        Expect(ErrorIds.ComposeUndefinedReference, "services:\n  a:\n    image: x\n    depends_on: [ghost]\n", "service a depends on undefined service 'ghost'");
        Expect(ErrorIds.ComposeUndefinedReference, "services:\n  a:\n    image: x\n    networks: [front]\n", "network 'front'");
        Expect(ErrorIds.ComposeUndefinedReference, "services:\n  a:\n    image: x\n    volumes: [data:/d]\n", "volume 'data'");
        Expect(ErrorIds.ComposeUndefinedReference, "services:\n  a:\n    image: x\n    secrets: [pw]\n", "secret 'pw'");
        Expect(ErrorIds.DependencyCycle, "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [c]\n  c:\n    image: x\n    depends_on: [a]\n", "a -> b -> c -> a");
        Expect(ErrorIds.ScaleWithContainerName, "services:\n  a:\n    image: x\n    container_name: fixed\n    deploy: { replicas: 2 }\n", "service a");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    build: {}\n    image: x\n    scale: 2\n    deploy: { replicas: 3 }\n", "disagree");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    environment: [A=1]\n", "neither an image nor a build");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    image: x\n    ports: [\"99999:80\"]\n", "services.a.ports: Invalid port specification '99999:80': '99999' is not a valid host port (1-65535)");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    image: x\n  a:\n    image: y\n", "defined twice");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    image: [unclosed\n", "");
        Expect(ErrorIds.ComposeInvalid, "services:\n  a:\n    image: x\n    network_mode: host\n    networks: [default]\n", "network_mode and networks");
    }

    [Fact]
    public void ARestartPolicyTheEngineCannotParseFailsTheLoadAtItsLine()
    {
        var f = _d.Write("restart.yaml", "services:\n  a:\n    image: x\n    restart: sometimes\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith($"{f}:4: services.a.restart 'sometimes' is not a restart policy", e.Message);
        foreach (var (ok, name, max) in new[] { ("no", RestartPolicyName.No, 0), ("always", RestartPolicyName.Always, 0), ("unless-stopped", RestartPolicyName.UnlessStopped, 0),
            ("on-failure", RestartPolicyName.OnFailure, 0), ("on-failure:3", RestartPolicyName.OnFailure, 3), ("\"no\"", RestartPolicyName.No, 0) })
        {
            var g = _d.Write("restart-ok.yaml", $"services:\n  a:\n    image: x\n    restart: {ok}\n");
            var restart = _d.Load(g).GetService("a")!.Restart;
            Assert.Equal(new RestartPolicy(name, max), restart);
            Assert.Equal(ok.Trim('"'), restart.ToString());
        }
        Assert.Null(_d.Load(_d.Write("restart-unset.yaml", "services:\n  a:\n    image: x\n")).GetService("a")!.Restart);
    }

    [Fact]
    public void AnImageReferenceInvalidAfterInterpolationFailsTheLoadAtItsLineNamingTheService()
    {
        // TAG unset: "${REG}/app:${TAG}" is "/app:", which no pull or create could use (known defect b of issue 14)
        var f = _d.Write("image.yaml", "services:\n  a:\n    image: x\n  app:\n    image: \"${REG}/app:${TAG}\"\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.InvalidReferenceFormat, e.ErrorId);
        Assert.StartsWith($"{f}:5: services.app.image: Invalid image reference '/app:'", e.Message);
        foreach (var (bad, why) in new[] { ("\"app:\"", "tag ''"), ("\"foo bar\"", "must be lowercase"), ("\"UPPER/App:1\"", "must be lowercase"), ("\"${NOPE}\"", "cannot be empty") })
        {
            var g = _d.Write("image-bad.yaml", $"services:\n  a:\n    image: {bad}\n");
            var x = Assert.ThrowsAny<PscException>(() => _d.Load(g));
            Assert.Equal(ErrorIds.InvalidReferenceFormat, x.ErrorId);
            Assert.StartsWith($"{g}:3: services.a.image: Invalid image reference", x.Message);
            Assert.Contains(why, x.Message);
        }
        foreach (var ok in new[] { "busybox", "busybox:1.36", "localhost:5000/a/b:c", "docker.io/library/alpine@sha256:" + new string('a', 64) })
        {
            var g = _d.Write("image-ok.yaml", $"services:\n  a:\n    image: \"{ok}\"\n");
            Assert.Equal(ok, _d.Load(g).GetService("a")!.Image);
        }
        // not interpolated: the reference may still hold ${VAR}, so it is kept as written
        Assert.Equal("${REG}/app:${TAG}", _d.Load(new ComposeLoadOptions { Files = [f], NoInterpolate = true }).GetService("app")!.Image);
    }

    // a list key written as a scalar or mapping fails at its line instead of being dropped, and so do values the
    // engine would refuse at the create
    [Theory]
    [InlineData("ports: 8080", "services.a.ports must be a list, not '8080'")]
    [InlineData("ports: {a: 1}", "services.a.ports must be a list")]
    [InlineData("volumes: ./data:/data", "services.a.volumes must be a list, not './data:/data'")]
    [InlineData("scale: -1", "services.a.scale must be 0 or more, not -1")]
    [InlineData("deploy: { replicas: -2 }", "services.a.deploy.replicas must be 0 or more, not -2")]
    [InlineData("ports: [\"80:80/sctpx\"]", "services.a.ports: Invalid port specification '80:80/sctpx': 'sctpx' is not tcp, udp or sctp")]
    [InlineData("ports: [{ target: 80, protocol: icmp }]", "services.a.ports.protocol 'icmp' is not tcp, udp or sctp")]
    [InlineData("container_name: \"a b\"", "services.a.container_name 'a b' is not a valid container name")]
    [InlineData("container_name: \"-a\"", "services.a.container_name '-a' is not a valid container name")]
    public void AValueTheEngineWouldRefuseFailsTheLoadAtItsLine(string line, string message)
    {
        var f = _d.Write("refused.yaml", $"services:\n  a:\n    image: x\n    {line}\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith($"{f}:4: {message}", e.Message);
    }

    [Fact]
    public void ZeroReplicasProtocolsInAnyCaseAndDottedContainerNamesLoad()
    {
        var f = _d.Write("fine.yaml", "services:\n  a:\n    image: x\n    scale: 0\n    container_name: my.app_1-x\n    ports: [\"53:53/UDP\", \"9:9/sctp\", { target: 80, protocol: TCP }]\n");
        var a = _d.Load(f).GetService("a")!;
        Assert.Equal(0, a.Scale);
        Assert.Equal("my.app_1-x", a.ContainerName);
        Assert.Equal(new[] { "udp", "sctp", "tcp" }, a.Ports.Select(p => p.Protocol));
    }

    [Fact]
    public void APullPolicyOutsideTheSpecFailsTheLoadAtItsLine()
    {
        var f = _d.Write("pull.yaml", "services:\n  a:\n    image: x\n    pull_policy: sometimes\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith($"{f}:4: services.a.pull_policy 'sometimes' is not a pull policy", e.Message);
        Assert.ThrowsAny<PscException>(() => _d.Load(_d.Write("pull-bad.yaml", "services:\n  a:\n    image: x\n    pull_policy: every_soon\n")));
        foreach (var (ok, pull, build, refresh, text) in new (string, PullPolicy, bool, TimeSpan?, string)[]
        {
            ("always", PullPolicy.Always, false, null, "always"), ("never", PullPolicy.Never, false, null, "never"),
            ("missing", PullPolicy.Missing, false, null, "missing"), ("if_not_present", PullPolicy.Missing, false, null, "missing"),
            ("build", PullPolicy.Never, true, null, "build"), ("daily", PullPolicy.Missing, false, TimeSpan.FromDays(1), "daily"),
            ("weekly", PullPolicy.Missing, false, TimeSpan.FromDays(7), "weekly"), ("every_12h", PullPolicy.Missing, false, TimeSpan.FromHours(12), "every_12h0m0s"),
            ("Always", PullPolicy.Always, false, null, "always"),
        })
        {
            var g = _d.Write("pull-ok.yaml", $"services:\n  a:\n    image: x\n    pull_policy: {ok}\n");
            var policy = _d.Load(g).GetService("a")!.PullPolicy!;
            Assert.Equal((pull, build, refresh), (policy.Pull, policy.Build, policy.RefreshAfter));
            Assert.Equal(text, policy.ToString());
        }
        Assert.Null(_d.Load(_d.Write("pull-unset.yaml", "services:\n  a:\n    image: x\n")).GetService("a")!.PullPolicy);
    }

    [Fact]
    public void AnUndefinedDependencyIsReportedAtItsDependsOnLine()
    {
        var f = _d.Write("deps.yaml", "services:\n  a:\n    image: x\n    environment: [A=1]\n    depends_on:\n      - b\n      - ghost\n  b:\n    image: x\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeUndefinedReference, e.ErrorId);
        Assert.StartsWith($"{f}:7: service a depends on undefined service 'ghost'", e.Message);
        var g = _d.Write("deps-long.yaml", "services:\n  a:\n    image: x\n    depends_on:\n      ghost:\n        condition: service_started\n");
        e = Assert.ThrowsAny<PscException>(() => _d.Load(g));
        Assert.StartsWith($"{g}:5: service a depends on undefined service 'ghost'", e.Message);
    }

    [Fact]
    public void ADirectoryStandsForItsComposeFileAndAnEmptyFileIsAnError()
    {
        var f = _d.Write("proj/compose.yaml", "services:\n  a:\n    image: x\n");
        var o = _d.Write("proj/compose.override.yaml", "services:\n  a:\n    environment: [FROM=override]\n");
        var p = _d.Load(new ComposeLoadOptions { Files = ["proj"] });
        Assert.Equal([f, o], p.ConfigFiles);
        Assert.Equal(_d.P("proj"), p.WorkingDirectory);
        Assert.Equal("override", p.GetService("a")!.Environment["FROM"]);
        Directory.CreateDirectory(_d.P("nothing"));
        var none = Assert.ThrowsAny<PscException>(() => _d.Load(new ComposeLoadOptions { Files = ["nothing"] }));
        Assert.Equal(ErrorIds.ComposeFileNotFound, none.ErrorId);
        Assert.Contains($"No compose file found in '{_d.P("nothing")}' (looked for compose.yaml", none.Message);

        // compose-go: "empty compose file", not a project without services
        foreach (var text in new[] { "", "# only a comment\n", "~\n" })
        {
            var empty = _d.Write("empty.yaml", text);
            var e = Assert.ThrowsAny<PscException>(() => _d.Load(empty));
            Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
            Assert.StartsWith(empty + ":", e.Message);
            Assert.EndsWith("empty compose file", e.Message);
        }
    }
}
