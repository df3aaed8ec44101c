using k8s.Models;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Kube;
using PsContainers.Core.Networking;
using PsContainers.Core.Tests.Compose;

namespace PsContainers.Core.Tests.Kube;

/// <summary>
/// <see cref="KubeWorkloadReader"/> + <see cref="KubeManifestBuilder"/>: every manifest is parsed by KubernetesClient in
/// strict mode and passes the name rules (<see cref="KubeManifestAssert"/>), then its fields are checked one by one.
/// </summary>
public sealed class KubeManifestBuilderTests : IDisposable
{
    private readonly ComposeDirectory _d = new();
    public void Dispose() => _d.Dispose();

    private static readonly ImageConfig Busybox = new()
    {
        Cmd = ["sh"],
        Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        Labels = new() { ["org.opencontainers.image.vendor"] = "busybox" },
    };

    private static ImageConfig? Lookup(string idOrRef) => idOrRef is "sha256:bb" or "busybox" ? Busybox : null;

    private static Container Plain(string name = "plain") => new()
    {
        Id = new string('a', 64),
        Name = name,
        Image = "busybox",
        ImageId = "sha256:bb",
        Config = new ContainerConfig
        {
            Cmd = ["sh"],
            Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            Labels = new() { ["org.opencontainers.image.vendor"] = "busybox" },
        },
    };

    private static KubeManifest Build(IEnumerable<KubeWorkload> w, KubeWorkloadKind kind = KubeWorkloadKind.Pod, bool service = false) =>
        KubeManifestBuilder.Build(w, new KubeGenerateOptions { Kind = kind, Service = service });

    [Fact]
    public void PlainContainer_IsOnePodWithTheImageDefaults()
    {
        var m = Build(KubeWorkloadReader.FromContainers([Plain()], Lookup));
        Assert.Equal(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              labels:
                app.kubernetes.io/name: plain
              name: plain
            spec:
              containers:
              - image: busybox
                name: plain
              restartPolicy: Never

            """.ReplaceLineEndings("\n"), m.Yaml);
        var pod = Assert.IsType<V1Pod>(Assert.Single(KubeManifestAssert.Valid(m.Yaml)));
        Assert.Null(pod.Spec.Containers[0].Command);
        Assert.Null(pod.Spec.Containers[0].Env);
        Assert.Empty(m.Warnings);
        Assert.Equal(["Pod/plain"], m.Objects);
    }

    private static Container Full()
    {
        var c = Plain("web");
        c.Config.Entrypoint = ["httpd"];
        c.Config.Cmd = ["-f", "-p", "80"];
        c.Config.Env = [.. c.Config.Env, "GREETING=hello $(USER) $$", "EMPTY="];
        c.Config.User = "1000:1001";
        c.Config.WorkingDir = "/www";
        c.Config.Labels["tier"] = "front";
        c.Config.Labels["com.docker.compose.project"] = "ignored";
        c.Config.Healthcheck = new HealthConfig
        {
            Test = ["CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"],
            Interval = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(5)),
            Timeout = HealthConfig.ToNanoseconds(TimeSpan.FromMilliseconds(1500)),
            Retries = 4,
            StartPeriod = HealthConfig.ToNanoseconds(TimeSpan.FromSeconds(30)),
        };
        c.HostConfig = new HostConfig
        {
            Resources = new ResourceLimits { Memory = 64L << 20, Cpus = 0.5, PidsLimit = 100 },
            CapAdd = ["NET_ADMIN", "cap_sys_time"],
            CapDrop = ["MKNOD"],
            ReadonlyRootfs = true,
            RestartPolicy = new RestartPolicy(RestartPolicyName.OnFailure, 3),
            PortMappings =
            [
                new PortMapping { ContainerPort = 80, HostPort = 8080 },
                new PortMapping { ContainerPort = 443, HostPort = 0 },
                new PortMapping { ContainerPort = 53, HostPort = 5353, Protocol = "udp", HostIP = "127.0.0.1" },
            ],
        };
        c.Mounts =
        [
            new MountSpec { Type = MountKind.Volume, Source = "webdata", Destination = "/www/data" },
            new MountSpec { Type = MountKind.Bind, Source = "/srv/site", Destination = "/www/site", ReadOnly = true },
            new MountSpec { Type = MountKind.Volume, Source = new string('c', 64), Destination = "/cache", Options = ["anonymous"] },
            new MountSpec { Type = MountKind.Tmpfs, Destination = "/run/tmp", Tmpfs = new TmpfsMount { SizeBytes = 16L << 20 } },
        ];
        return c;
    }

    [Fact]
    public void ContainerWithEverything_MapsEachSetting()
    {
        var m = Build(KubeWorkloadReader.FromContainers([Full()], Lookup));
        var objects = KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["PersistentVolumeClaim/webdata", "Pod/web"], m.Objects);
        var claim = Assert.IsType<V1PersistentVolumeClaim>(objects[0]);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("1Gi", claim.Spec.Resources.Requests["storage"].ToString());

        var pod = Assert.IsType<V1Pod>(objects[1]);
        Assert.Equal("OnFailure", pod.Spec.RestartPolicy);
        Assert.Equal("front", pod.Metadata.Labels["tier"]);
        Assert.False(pod.Metadata.Labels.ContainsKey("com.docker.compose.project"));
        Assert.False(pod.Metadata.Labels.ContainsKey("org.opencontainers.image.vendor"));
        var c = Assert.Single(pod.Spec.Containers);
        Assert.Equal(["httpd"], c.Command);
        Assert.Equal(["-f", "-p", "80"], c.Args);
        Assert.Equal("/www", c.WorkingDir);
        // the image's PATH is not repeated; '$' doubled so Kubernetes does not expand $(USER)
        Assert.Equal(["GREETING=hello $$(USER) $$$$", "EMPTY="], c.Env.Select(e => e.Name + "=" + e.Value));

        Assert.Equal(3, c.Ports.Count);
        var p53 = c.Ports.Single(p => p.ContainerPort == 53);
        Assert.Equal(("udp-53", "UDP", 5353, "127.0.0.1"), (p53.Name, p53.Protocol, p53.HostPort, p53.HostIP));
        var p80 = c.Ports.Single(p => p.ContainerPort == 80);
        Assert.Equal(("tcp-80", 8080), (p80.Name, p80.HostPort));
        // a port published on a free host port has no fixed hostPort to write
        Assert.Null(c.Ports.Single(p => p.ContainerPort == 443).HostPort);

        Assert.Equal("64Mi", c.Resources.Limits["memory"].ToString());
        Assert.Equal("500m", c.Resources.Limits["cpu"].ToString());
        Assert.Equal(["NET_ADMIN", "SYS_TIME"], c.SecurityContext.Capabilities.Add);
        Assert.Equal(["MKNOD"], c.SecurityContext.Capabilities.Drop);
        Assert.True(c.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Null(c.SecurityContext.Privileged);
        Assert.Equal((1000L, 1001L), (c.SecurityContext.RunAsUser, c.SecurityContext.RunAsGroup));

        Assert.Equal(["/bin/sh", "-c", "wget -q -O- http://localhost/ || exit 1"], c.LivenessProbe.Exec.Command);
        Assert.Equal((5, 2, 4), (c.LivenessProbe.PeriodSeconds, c.LivenessProbe.TimeoutSeconds, c.LivenessProbe.FailureThreshold));
        // 30 s start period / 5 s start interval + the 4 retries docker allows after it (issue 17: ceil(S/I) + R)
        Assert.Equal((5, 10), (c.StartupProbe.PeriodSeconds, c.StartupProbe.FailureThreshold));

        var vols = pod.Spec.Volumes.ToDictionary(v => v.Name);
        var mounts = c.VolumeMounts.ToDictionary(v => v.MountPath);
        Assert.Equal("webdata", vols[mounts["/www/data"].Name].PersistentVolumeClaim.ClaimName);
        Assert.Equal("/srv/site", vols[mounts["/www/site"].Name].HostPath.Path);
        Assert.True(mounts["/www/site"].ReadOnlyProperty);
        Assert.NotNull(vols[mounts["/cache"].Name].EmptyDir);
        Assert.Equal("Memory", vols[mounts["/run/tmp"].Name].EmptyDir.Medium);
        Assert.Equal("16Mi", vols[mounts["/run/tmp"].Name].EmptyDir.SizeLimit.ToString());

        Assert.Contains(m.Warnings, w => w.Contains("hostPath") && w.Contains("/srv/site"));
        Assert.Contains(m.Warnings, w => w.Contains("pids limit 100"));
    }

    [Fact]
    public void Service_ForPublishedPorts_AndDeploymentRestartAlways()
    {
        var m = Build(KubeWorkloadReader.FromContainers([Full()], Lookup), KubeWorkloadKind.Deployment, service: true);
        var objects = KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["PersistentVolumeClaim/webdata", "Deployment/web", "Service/web"], m.Objects);
        var svc = Assert.IsType<V1Service>(objects[2]);
        Assert.Equal("NodePort", svc.Spec.Type);
        Assert.Equal("web", svc.Spec.Selector[KubeManifestBuilder.NameLabel]);
        Assert.Equal(["tcp-443:443->443/TCP", "tcp-80:8080->80/TCP", "udp-53:5353->53/UDP"],
            svc.Spec.Ports.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}:{p.Port}->{p.TargetPort.Value}/{p.Protocol}").Order(StringComparer.Ordinal));
        var d = Assert.IsType<V1Deployment>(objects[1]);
        Assert.Equal(1, d.Spec.Replicas);
        Assert.Contains(m.Warnings, w => w.Contains("restart policy 'on-failure' is not kept"));
    }

    [Fact]
    public void ComposeProject_ThreeServices_NamedVolume_EnvFile()
    {
        _d.Write("db.env", "POSTGRES_USER=shop\nPOSTGRES_DB=shop\nOVERRIDDEN=from-file\n");
        var f = _d.Write("compose.yaml", """
            name: shop
            services:
              web:
                image: nginx:1.27
                ports: ["8080:80"]
                depends_on: [api]
                restart: always
                deploy:
                  replicas: 2
              api:
                image: example/api:2
                command: ["serve", "--port", "9000"]
                expose: ["9000"]
                environment:
                  DB_HOST: db
                mem_limit: 128m
                cpus: 1.5
                tmpfs: ["/scratch:size=10m,mode=1777"]
              db:
                image: postgres:16
                env_file: db.env
                environment:
                  OVERRIDDEN: from-environment
                volumes:
                  - pgdata:/var/lib/postgresql/data
                  - ./init:/docker-entrypoint-initdb.d:ro
                healthcheck:
                  test: ["CMD", "pg_isready", "-U", "shop"]
                  interval: 10s
                  retries: 5
            volumes:
              pgdata: {}
            """);
        var project = _d.Load(f);
        var m = Build(KubeWorkloadReader.FromProject(project, null), KubeWorkloadKind.Deployment, service: true);
        var objects = KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["PersistentVolumeClaim/shop-pgdata", "ConfigMap/db-env", "Deployment/api", "Deployment/db", "Deployment/web", "Service/web"], m.Objects);

        var cm = Assert.IsType<V1ConfigMap>(objects[1]);
        Assert.Equal(new Dictionary<string, string> { ["POSTGRES_DB"] = "shop", ["POSTGRES_USER"] = "shop" }, cm.Data);
        var db = Assert.IsType<V1Deployment>(objects[3]);
        var dbc = Assert.Single(db.Spec.Template.Spec.Containers);
        Assert.Equal("db-env", Assert.Single(dbc.EnvFrom).ConfigMapRef.Name);
        Assert.Equal(["OVERRIDDEN=from-environment"], dbc.Env.Select(e => e.Name + "=" + e.Value));
        Assert.Equal(["pg_isready", "-U", "shop"], dbc.LivenessProbe.Exec.Command);
        Assert.Equal((10, 5), (dbc.LivenessProbe.PeriodSeconds, dbc.LivenessProbe.FailureThreshold));
        Assert.Null(dbc.StartupProbe);
        var vols = db.Spec.Template.Spec.Volumes.ToDictionary(v => v.Name);
        Assert.Equal("shop-pgdata", vols[dbc.VolumeMounts.Single(v => v.MountPath == "/var/lib/postgresql/data").Name].PersistentVolumeClaim.ClaimName);
        Assert.Equal(_d.P("init"), vols[dbc.VolumeMounts.Single(v => v.MountPath == "/docker-entrypoint-initdb.d").Name].HostPath.Path);

        var api = Assert.IsType<V1Deployment>(objects[2]).Spec.Template.Spec.Containers[0];
        Assert.Null(api.Command);
        Assert.Equal(["serve", "--port", "9000"], api.Args);
        Assert.Equal(9000, Assert.Single(api.Ports).ContainerPort);
        Assert.Null(api.Ports[0].HostPort);
        Assert.Equal("128Mi", api.Resources.Limits["memory"].ToString());
        Assert.Equal("1500m", api.Resources.Limits["cpu"].ToString());
        // a compose tmpfs entry keeps its size as the emptyDir's sizeLimit, as a running service's -Tmpfs does
        var apiVols = Assert.IsType<V1Deployment>(objects[2]).Spec.Template.Spec.Volumes.ToDictionary(v => v.Name);
        var scratch = apiVols[api.VolumeMounts.Single(v => v.MountPath == "/scratch").Name].EmptyDir;
        Assert.Equal("Memory", scratch.Medium);
        Assert.Equal("10Mi", scratch.SizeLimit.ToString());

        var web = Assert.IsType<V1Deployment>(objects[4]);
        Assert.Equal(2, web.Spec.Replicas);
        Assert.Equal("shop", web.Spec.Template.Metadata.Labels[KubeManifestBuilder.PartOfLabel]);
        var svc = Assert.IsType<V1Service>(objects[5]);
        Assert.Equal(8080, Assert.Single(svc.Spec.Ports).Port);
        Assert.Contains(m.Warnings, w => w.Contains("hostPath"));
    }

    [Fact]
    public void NamesNeedingRepair_AreSanitizedDeterministically_WithAWarningEach()
    {
        var c = Plain("My_Web.App");
        c.Config.Labels["Tier Name"] = "front end!";
        c.Config.Labels["example.com/ok"] = new string('v', 70);
        c.HostConfig.PortMappings = [new PortMapping { ContainerPort = 80, HostPort = 8080 }];
        c.Mounts = [new MountSpec { Type = MountKind.Volume, Source = "Data_Vol.1", Destination = "/data" }];
        var d = Plain("9lives");
        d.Id = new string('d', 64);
        var m = Build(KubeWorkloadReader.FromContainers([c, d], Lookup), service: true);
        var objects = KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["PersistentVolumeClaim/data-vol.1", "Pod/9lives", "Pod/my-web-app", "Service/my-web-app"], m.Objects);
        Assert.Contains("The workload name 'My_Web.App' is not a valid RFC 1123 label; it is written as 'my-web-app'.", m.Warnings);
        Assert.Contains("The volume claim name 'Data_Vol.1' is not a valid RFC 1123 subdomain; it is written as 'data-vol.1'.", m.Warnings);
        var pod = objects.OfType<V1Pod>().Single(p => p.Metadata.Name == "my-web-app");
        Assert.Equal("front-end", pod.Metadata.Labels["Tier-Name"]);
        string longValue = pod.Metadata.Labels["example.com/ok"];
        Assert.Equal(63, longValue.Length);
        Assert.EndsWith("-" + KubeNames.ShortHash(new string('v', 70)), longValue);
        Assert.Contains(m.Warnings, w => w.Contains("label key 'Tier Name'") && w.Contains("'Tier-Name'"));

        // a Service name must start with a letter
        var m2 = Build(KubeWorkloadReader.FromContainers([WithPort(Plain("9lives"))], Lookup), service: true);
        Assert.Contains("Service/svc-9lives", m2.Objects);
        KubeManifestAssert.Valid(m2.Yaml);

        // the same input in another order gives the same text
        var again = Build(KubeWorkloadReader.FromContainers([d, c], Lookup), service: true);
        Assert.Equal(m.Yaml, again.Yaml);
        Assert.Equal(m.Warnings, again.Warnings);
    }

    private static Container WithPort(Container c)
    {
        c.HostConfig.PortMappings = [new PortMapping { ContainerPort = 8000, HostPort = 8000 }];
        return c;
    }

    [Fact]
    public void CollidingNames_GetAHashSuffix_IndependentOfOrder()
    {
        var a = Plain("web_a");
        var b = Plain("web-a");
        b.Id = new string('b', 64);
        var m1 = Build(KubeWorkloadReader.FromContainers([a, b], Lookup));
        var m2 = Build(KubeWorkloadReader.FromContainers([b, a], Lookup));
        Assert.Equal(m1.Yaml, m2.Yaml);
        Assert.Contains("Pod/web-a", m1.Objects);
        Assert.Contains($"Pod/web-a-{KubeNames.ShortHash("web_a")}", m1.Objects);
        KubeManifestAssert.Valid(m1.Yaml);
    }

    [Fact]
    public void SameServiceNameInTwoProjects_GivesTwoWorkloads()
    {
        var a = new KubeWorkload { Source = "a/web", Name = "web", Project = "a", Image = "nginx" };
        var b = new KubeWorkload { Source = "b/web", Name = "web", Project = "b", Image = "nginx" };
        var m = Build([b, a], KubeWorkloadKind.Deployment);
        KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["Deployment/web", $"Deployment/web-{KubeNames.ShortHash("b/web")}"], m.Objects);
        Assert.Equal([$"The workload name 'web' of 'b/web' is taken by another object; it is written as 'web-{KubeNames.ShortHash("b/web")}'."], m.Warnings);
    }

    [Fact]
    public void ProjectContainers_AreOneWorkloadPerService_WithTheReplicaCount()
    {
        Container Replica(int n)
        {
            var c = Plain($"shop-web-{n}");
            c.Id = new string((char)('0' + n), 64);
            c.Config.Labels["com.docker.compose.project"] = "shop";
            c.Config.Labels["com.docker.compose.service"] = "web";
            c.Config.Labels["com.docker.compose.container-number"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return c;
        }
        var m = Build(KubeWorkloadReader.FromContainers([Replica(2), Replica(1), Plain("solo")], Lookup), KubeWorkloadKind.Deployment);
        var objects = KubeManifestAssert.Valid(m.Yaml);
        Assert.Equal(["Deployment/solo", "Deployment/web"], m.Objects);
        var web = Assert.IsType<V1Deployment>(objects[1]);
        Assert.Equal(2, web.Spec.Replicas);
        Assert.Equal("shop", web.Metadata.Labels[KubeManifestBuilder.PartOfLabel]);
        Assert.All(web.Metadata.Labels.Keys, k => Assert.False(k.StartsWith("com.docker.compose", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(new[] { "e" }, new[] { "c" }, new[] { "e" }, new[] { "c" }, null, null)]
    [InlineData(new[] { "e" }, new[] { "x" }, new[] { "e" }, new[] { "c" }, null, "x")]
    [InlineData(new[] { "e" }, new string[0], new[] { "e" }, new[] { "c" }, "e", null)]
    [InlineData(new[] { "f" }, new[] { "x" }, new[] { "e" }, new[] { "c" }, "f", "x")]
    [InlineData(new string[0], new[] { "sh", "-c", "x" }, new[] { "e" }, new[] { "c" }, "sh -c x", null)]
    public void SplitCommand_FollowsKubernetesCommandArgsRules(string[] ep, string[] cmd, string[] iep, string[] icmd, string? command, string? args)
    {
        var (c, a) = KubeWorkloadReader.SplitCommand(ep, cmd, iep, icmd);
        Assert.Equal(command, c is null ? null : string.Join(' ', c));
        Assert.Equal(args, a is null ? null : string.Join(' ', a));
    }

    [Theory]
    [InlineData("portz: []", "unknown field: KubernetesClient strict")]
    [InlineData("containerPort: eighty", "wrong type: KubernetesClient strict")]
    [InlineData("name: web_pod", "invalid container name: the name rules")]
    public void TheProof_RejectsWhatAClusterWould(string line, string why)
    {
        string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - image: busybox
                name: web
                ports:
                - containerPort: 80
                  name: http
              restartPolicy: Never

            """;
        KubeManifestAssert.Valid(yaml);
        string bad = line.StartsWith("portz", StringComparison.Ordinal) ? yaml.Replace("    ports:", "    " + line + "\n    ports:")
            : line.StartsWith("containerPort", StringComparison.Ordinal) ? yaml.Replace("containerPort: 80", line)
            : yaml.Replace("    name: web", "    " + line);
        Assert.True(bad != yaml, "the case did not change the manifest: " + why);
        Assert.ThrowsAny<Exception>(() => KubeManifestAssert.Valid(bad));
    }

    [Fact]
    public void Nothing_IsAnError()
    {
        var e = Assert.ThrowsAny<PscException>(() => Build([]));
        Assert.Equal(ErrorIds.NoKubeWorkload, e.ErrorId);
    }

    [Fact]
    public void Quantities()
    {
        Assert.Equal("64Mi", KubeManifestBuilder.Bytes(64L << 20));
        Assert.Equal("1Gi", KubeManifestBuilder.Bytes(1L << 30));
        Assert.Equal("1536Ki", KubeManifestBuilder.Bytes(1536L << 10));
        Assert.Equal("1000", KubeManifestBuilder.Bytes(1000));
        Assert.Equal("2", KubeManifestBuilder.Cpu(2));
        Assert.Equal("250m", KubeManifestBuilder.Cpu(0.25));
        Assert.Equal("1m", KubeManifestBuilder.Cpu(0.0001));
    }
}
