using System.Text;
using PsContainers.Core.Containers;
using PsContainers.Core.Kube;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;

namespace PsContainers.Core.Tests.Kube;

/// <summary>
/// <see cref="KubePlanner"/>: the manifest → plan mapping of Import-ContainerKube (podman kube play), field by field,
/// and a pod's generate → plan → generate fixed point through <see cref="KubeWorkloadReader.FromPod"/>.
/// </summary>
public sealed class KubePlannerTests
{
    private const string Root = "/var/lib/pscontainers/kube";

    private static KubePlayPlan Plan(string yaml) => KubePlanner.Plan(yaml, Root, "app.yaml");

    [Fact]
    public void PodBecomesOnePodWithPrefixedContainers()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {tier: front}
            spec:
              containers:
              - name: httpd
                image: busybox
                command: [httpd, -f]
                args: [-p, "80"]
                workingDir: /www
                ports:
                - containerPort: 80
                  hostPort: 8080
                - containerPort: 81
              - name: side
                image: alpine
            """);
        var pod = Assert.Single(plan.Pods);
        Assert.Equal("web", pod.Name);
        Assert.Equal("Pod/web", pod.Source);
        Assert.Equal("front", pod.Options.Labels["tier"]);
        Assert.Equal(["web-httpd", "web-side"], pod.Containers.Select(c => c.Name));
        Assert.All(pod.Containers, c => Assert.Equal("web", c.Pod));
        var httpd = pod.Containers[0];
        Assert.Equal(["httpd", "-f"], httpd.Entrypoint);
        Assert.Equal(["-p", "80"], httpd.Command);
        Assert.Equal("/www", httpd.WorkingDirectory);
        Assert.Equal("always", httpd.Restart.ToString());
        // only the hostPort is published, on the pod; the bare containerPort 81 is not (Kubernetes semantics)
        var port = Assert.Single(pod.Options.Publish);
        Assert.Equal((8080, 80, "tcp", ""), (port.HostPort, port.ContainerPort, port.Protocol, port.HostIP));
        Assert.Null(pod.Containers[1].Entrypoint);
        Assert.Null(pod.Containers[1].Command);
        Assert.Equal(["busybox", "alpine"], plan.Images);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void CommandWithoutArgsDropsTheImageCmd()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
              - {name: c, image: busybox, command: [sleep, "5"]}
            """);
        var c = plan.Pods[0].Containers[0];
        Assert.Equal(["sleep", "5"], c.Entrypoint);
        Assert.NotNull(c.Command);
        Assert.Empty(c.Command!);
    }

    [Fact]
    public void DeploymentReplicasArePodsNamedAsPodmanNamesThem()
    {
        var plan = Plan("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: shop}
            spec:
              replicas: 3
              selector: {matchLabels: {app: shop}}
              template:
                metadata: {labels: {app: shop}}
                spec:
                  restartPolicy: Always
                  containers:
                  - {name: front, image: busybox, readinessProbe: {exec: {command: ["true"]}}}
            """);
        Assert.Equal(["shop-pod-0", "shop-pod-1", "shop-pod-2"], plan.Pods.Select(p => p.Name));
        Assert.Equal(["shop-pod-0-front", "shop-pod-1-front", "shop-pod-2-front"], plan.Pods.Select(p => p.Containers[0].Name));
        Assert.All(plan.Pods, p => Assert.Equal("shop", p.Options.Labels["app"]));
        // the template's unsupported field is warned about once, not once per replica
        var w = Assert.Single(plan.Warnings);
        Assert.Contains("'readinessProbe'", w);
        Assert.Contains("Deployment/shop", w);
    }

    [Fact]
    public void JobRunsOnceAndRefusesAlways()
    {
        var job = Plan("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  containers: [{name: run, image: busybox, command: ["true"]}]
            """);
        var pod = Assert.Single(job.Pods);
        Assert.Equal("once-pod", pod.Name);
        Assert.Equal("no", pod.Containers[0].Restart.ToString());

        var onFailure = Plan("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: retry}
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: run, image: busybox}]
            """);
        Assert.Equal("on-failure", onFailure.Pods[0].Containers[0].Restart.ToString());

        var always = Plan("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: bad}
            spec:
              template:
                spec:
                  restartPolicy: Always
                  containers: [{name: run, image: busybox}]
            """);
        Assert.Equal("no", always.Pods[0].Containers[0].Restart.ToString());
        Assert.Contains(always.Warnings, w => w.Contains("Job/bad") && w.Contains("Always"));
    }

    [Fact]
    public void ConfigMapAndSecretAsEnvAndEnvFrom()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {MODE: fast, LEVEL: "3"}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            data: {password: c2VjcmV0}
            stringData: {user: admin}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: c
                image: busybox
                envFrom:
                - configMapRef: {name: settings}
                - secretRef: {name: creds}
                  prefix: DB_
                env:
                - {name: PASS, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                - {name: M, valueFrom: {configMapKeyRef: {name: settings, key: MODE}}}
                - {name: GREETING, value: "mode $(MODE) costs $$5"}
                - {name: MISSING, valueFrom: {configMapKeyRef: {name: nope, key: x, optional: true}}}
            """);
        var env = plan.Pods[0].Containers[0].Environment;
        Assert.Equal(["LEVEL=3", "MODE=fast", "DB_password=secret", "DB_user=admin", "PASS=secret", "M=fast", "GREETING=mode fast costs $5"], env);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void MissingReferenceIsAnErrorUnlessOptional()
    {
        var e = Assert.ThrowsAny<PscException>(() => Plan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: c
                image: busybox
                env: [{name: X, valueFrom: {configMapKeyRef: {name: absent, key: k}}}]
            """));
        Assert.Equal(ErrorIds.KubeReferenceNotFound, e.ErrorId);
        Assert.Contains("absent", e.Message);
    }

    [Fact]
    public void ConfigMapAndSecretVolumesAreReadOnlyFiles()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: site}
            data: {index.html: hello, other.txt: x}
            binaryData: {blob: AAEC}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls}
            stringData: {key.pem: KEY}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: www}
            spec:
              volumes:
              - {name: html, configMap: {name: site, items: [{key: index.html, path: sub/index.html, mode: 0600}]}}
              - {name: certs, secret: {secretName: tls, defaultMode: 0400}}
              - {name: all, configMap: {name: site}}
              containers:
              - name: c
                image: busybox
                volumeMounts:
                - {name: html, mountPath: /www}
                - {name: certs, mountPath: /certs}
                - {name: all, mountPath: /all, readOnly: false}
            """);
        var pod = plan.Pods[0];
        Assert.Equal(Path.Combine(Root, "www"), pod.FilesDirectory);
        Assert.Equal(["html", "certs", "all"], pod.FileVolumes);
        var files = pod.Files.ToDictionary(f => f.RelativePath);
        Assert.Equal(["html/sub/index.html", "certs/key.pem", "all/blob", "all/index.html", "all/other.txt"], pod.Files.Select(f => f.RelativePath));
        Assert.Equal("hello", Encoding.UTF8.GetString(files["html/sub/index.html"].Content));
        Assert.Equal(0x180, files["html/sub/index.html"].Mode); // 0600
        Assert.Equal(0x100, files["certs/key.pem"].Mode); // 0400
        Assert.Equal(0x1a4, files["all/other.txt"].Mode); // 0644
        Assert.Equal([0, 1, 2], files["all/blob"].Content);
        var mounts = pod.Containers[0].Mounts;
        Assert.All(mounts, m => { Assert.Equal(MountKind.Bind, m.Type); Assert.True(m.ReadOnly); });
        Assert.Equal([Path.Combine(Root, "www", "html"), Path.Combine(Root, "www", "certs"), Path.Combine(Root, "www", "all")], mounts.Select(m => m.Source));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    public void ItemPathsCannotLeaveTheVolume(string path)
    {
        var e = Assert.ThrowsAny<PscException>(() => Plan($$$"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cm}
            data: {k: v}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes: [{name: v, configMap: {name: cm, items: [{key: k, path: "{{{path}}}"}]}}]
              containers: [{name: c, image: busybox, volumeMounts: [{name: v, mountPath: /v}]}]
            """));
        Assert.Equal(ErrorIds.KubeInvalidManifest, e.ErrorId);
    }

    [Fact]
    public void VolumeSources()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, labels: {keep: "yes"}}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              volumes:
              - {name: data, persistentVolumeClaim: {claimName: data}}
              - {name: host, hostPath: {path: /srv/x, type: DirectoryOrCreate}}
              - {name: scratch, emptyDir: {}}
              - {name: mem, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
              - {name: nfs, nfs: {server: a, path: /b}}
              containers:
              - name: a
                image: busybox
                volumeMounts:
                - {name: data, mountPath: /data}
                - {name: host, mountPath: /host, readOnly: true}
                - {name: scratch, mountPath: /scratch}
                - {name: mem, mountPath: /mem}
                - {name: nfs, mountPath: /nfs}
              - name: b
                image: busybox
                volumeMounts: [{name: scratch, mountPath: /shared}]
            """);
        var v = Assert.Single(plan.Volumes);
        Assert.Equal("data", v.Name);
        Assert.Equal("yes", v.Labels["keep"]);
        var pod = plan.Pods[0];
        var h = Assert.Single(pod.HostPaths);
        Assert.Equal(("/srv/x", "DirectoryOrCreate", "host"), (h.Path, h.Type, h.Volume));
        var a = pod.Containers[0].Mounts;
        Assert.Equal(4, a.Count); // the nfs mount is left out, with a warning
        Assert.Equal((MountKind.Volume, "data", "/data", false), (a[0].Type, a[0].Source, a[0].Destination, a[0].ReadOnly));
        Assert.Equal((MountKind.Bind, "/srv/x", "/host", true), (a[1].Type, a[1].Source, a[1].Destination, a[1].ReadOnly));
        Assert.Equal(MountKind.Volume, a[2].Type);
        Assert.Contains("anonymous", a[2].Options);
        Assert.Equal(64, a[2].Source!.Length);
        Assert.Equal(MountKind.Tmpfs, a[3].Type);
        Assert.Equal(64L << 20, a[3].Tmpfs!.SizeBytes);
        // the emptyDir is one volume both containers mount
        Assert.Equal(a[2].Source, Assert.Single(pod.Containers[1].Mounts).Source);
        Assert.Contains(plan.Warnings, w => w.Contains("'nfs'"));
        Assert.Null(pod.FilesDirectory);
    }

    [Fact]
    public void ResourcesSecurityAndProbes()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              securityContext: {runAsUser: 1000, runAsGroup: 100}
              terminationGracePeriodSeconds: 7
              restartPolicy: OnFailure
              containers:
              - name: c
                image: busybox
                imagePullPolicy: Always
                resources:
                  limits: {memory: 64Mi, cpu: 500m}
                  requests: {memory: 32Mi}
                securityContext:
                  runAsUser: 1001
                  capabilities: {add: [NET_ADMIN], drop: [ALL, CAP_MKNOD]}
                  privileged: false
                  readOnlyRootFilesystem: true
                livenessProbe:
                  exec: {command: [/bin/sh, -c, "test -f /ok"]}
                  periodSeconds: 5
                  timeoutSeconds: 2
                  failureThreshold: 4
                startupProbe:
                  exec: {command: [/bin/sh, -c, "test -f /ok"]}
                  periodSeconds: 2
                  failureThreshold: 15
              - name: d
                image: busybox
                livenessProbe: {exec: {command: [cat, /ok]}}
              - name: e
                image: busybox
                livenessProbe: {httpGet: {path: /healthz, port: 8080}}
              - name: f
                image: busybox
                ports: [{containerPort: 6379, name: redis}]
                livenessProbe: {tcpSocket: {port: redis}}
              - name: g
                image: busybox
                livenessProbe: {httpGet: {port: 443, scheme: HTTPS}}
              - name: h
                image: busybox
                livenessProbe: {tcpSocket: {port: nosuch}}
            """);
        var c = plan.Pods[0].Containers[0];
        Assert.Equal(64L << 20, c.Resources.Memory);
        Assert.Equal(0.5, c.Resources.Cpus);
        Assert.Equal("1001:100", c.User);
        Assert.Equal(["CAP_NET_ADMIN"], c.CapAdd);
        Assert.Equal(["ALL", "CAP_MKNOD"], c.CapDrop);
        Assert.True(c.ReadOnly);
        Assert.False(c.Privileged);
        Assert.Equal(7, c.StopTimeout);
        Assert.Equal("on-failure", c.Restart.ToString());
        Assert.Contains("busybox", plan.AlwaysPull);
        var h = c.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "test -f /ok"], h.Test);
        Assert.Equal(TimeSpan.FromSeconds(5), h.EffectiveInterval());
        Assert.Equal(TimeSpan.FromSeconds(2), h.EffectiveTimeout());
        Assert.Equal(4, h.Retries);
        Assert.Equal(TimeSpan.FromSeconds(30), h.EffectiveStartPeriod());
        Assert.Equal(TimeSpan.FromSeconds(2), h.EffectiveStartInterval());
        var d = plan.Pods[0].Containers[1];
        Assert.Equal("1000:100", d.User);
        Assert.Equal(["CMD", "cat", "/ok"], d.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(10), d.Healthcheck.EffectiveInterval());
        Assert.Equal(TimeSpan.FromSeconds(1), d.Healthcheck.EffectiveTimeout());
        Assert.Equal(3, d.Healthcheck.EffectiveRetries());
        // httpGet and tcpSocket probes are the monitor's own network probes (a port name resolved against the container's ports)
        Assert.Equal(["HTTP-GET", "8080", "/healthz"], plan.Pods[0].Containers[2].Healthcheck!.Test);
        Assert.Equal(["TCP-SOCKET", "6379"], plan.Pods[0].Containers[3].Healthcheck!.Test);
        Assert.Null(plan.Pods[0].Containers[2].Healthcheck!.Validate());
        Assert.Null(plan.Pods[0].Containers[4].Healthcheck);
        Assert.Null(plan.Pods[0].Containers[5].Healthcheck);
        Assert.Contains(plan.Warnings, w => w.Contains("container 'g'") && w.Contains("HTTPS"));
        Assert.Contains(plan.Warnings, w => w.Contains("container 'h'") && w.Contains("'nosuch'"));
        Assert.Contains(plan.Warnings, w => w.Contains("resources.requests"));
    }

    [Fact]
    public void UnsupportedKindsAndFieldsAreWarnedByName()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p, annotations: {a: b}}
            spec:
              nodeSelector: {disk: ssd}
              initContainers: [{name: i, image: busybox}]
              containers:
              - {name: c, image: busybox, lifecycle: {}, volumeMounts: [], ports: [{containerPort: 80, protocol: SCTP}]}
            """);
        Assert.Single(plan.Pods);
        Assert.Contains(plan.Warnings, w => w.Contains("kind 'Service'") && w.Contains("Service/web"));
        foreach (var field in new[] { "'annotations'", "'nodeSelector'", "'initContainers'", "'lifecycle'", "SCTP" })
            Assert.Contains(plan.Warnings, w => w.Contains(field));
        Assert.Equal(plan.Warnings.Count, plan.Warnings.Distinct().Count());
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n", "no containers")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n", "no image")]
    [InlineData("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: x}]}\n", "no metadata")]
    [InlineData("apiVersion: apps/v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n", "apiVersion")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: eighty}]}]}\n", "not an integer")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}, {name: c, image: y}]}\n", "two containers")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x, volumeMounts: [{name: v, mountPath: /v}]}]}\n", "does not declare")]
    [InlineData("kind: [\n", "not valid YAML")]
    public void MalformedManifestsAreRefused(string yaml, string expected)
    {
        var e = Assert.ThrowsAny<PscException>(() => Plan(yaml));
        Assert.Equal(ErrorIds.KubeInvalidManifest, e.ErrorId);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("$(A)-$(B)", "1-$(B)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("cost $$5", "cost $5")]
    [InlineData("$(A", "$(A")]
    [InlineData("plain", "plain")]
    public void ExpansionFollowsKubernetes(string input, string expected) =>
        Assert.Equal(expected, KubePlanner.Expand(input, new Dictionary<string, string> { ["A"] = "1" }));

    [Theory]
    [InlineData("64Mi", 67108864)]
    [InlineData("1Gi", 1073741824)]
    [InlineData("500m", 0.5)]
    [InlineData("2", 2)]
    [InlineData("1e3", 1000)]
    [InlineData("1.5k", 1500)]
    [InlineData("128974848", 128974848)]
    public void Quantities(string text, double expected)
    {
        Assert.True(KubeQuantity.TryParse(text, out var v));
        Assert.Equal((decimal)expected, v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Mi")]
    [InlineData("12Qi")]
    [InlineData("1.2.3")]
    public void NotQuantities(string text) => Assert.False(KubeQuantity.TryParse(text, out _));

    /// <summary>
    /// A pod's manifest from ConvertTo-ContainerKubeYaml, planned, then read back from containers as the plan makes
    /// them: the same YAML (generate → play → generate).
    /// </summary>
    [Fact]
    public void GeneratedPodPlansBackToTheSameManifest()
    {
        var pod = new ContainerPod
        {
            Id = new string('f', 64), Name = "fp", InfraContainerId = new string('0', 64), Labels = new() { ["tier"] = "front" },
            PortMappings = [new PortMapping { HostPort = 18080, ContainerPort = 80, Protocol = "tcp" }],
        };
        Container Member(string name, string[] cmd, string[] env, HealthConfig? health, List<MountSpec> mounts) => new()
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name))), Name = name, Image = "busybox", Pod = pod.Id,
            Config = new ContainerConfig { Cmd = cmd, Env = env, Healthcheck = health },
            HostConfig = new HostConfig { RestartPolicy = new(PsContainers.Contract.RestartPolicyName.Always) },
            Mounts = mounts,
        };
        var first = new[]
        {
            Member("web", ["httpd", "-f", "-p", "80"], ["GREETING=hi $HOME"],
                new HealthConfig { Test = ["CMD-SHELL", "wget -q -O- localhost"], Interval = 5_000_000_000, Timeout = 2_000_000_000, Retries = 3 },
                [new MountSpec { Type = MountKind.Volume, Source = "fpdata", Destination = "/www" }]),
            Member("side", ["sleep", "1000"], ["A=1", "B=2"], null, []),
        };
        string yaml1 = KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod, first, null)], new KubeGenerateOptions()).Yaml;

        var plan = Plan(yaml1);
        var planned = Assert.Single(plan.Pods);
        Assert.Equal("fpdata", Assert.Single(plan.Volumes).Name);
        var (pod2, second) = AsCreated(planned, 'e');
        Assert.Equal(["fp-side", "fp-web"], second.Select(c => c.Name).Order());
        string yaml2 = KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod2, second, null)], new KubeGenerateOptions()).Yaml;
        Assert.Equal(yaml1, yaml2);
        KubeManifestAssert.Valid(yaml1);
    }

    /// <summary>
    /// The red team's Deployment: a compose service (part-of label, a claim, env, a port, a probe, limits) generated as a
    /// Deployment with 2 replicas and a Service, planned, read back from the two pods the plan makes: the same YAML (the
    /// Deployment's name, not &lt;name&gt;-pod-0-pod-0; the part-of selector label kept; the replicas counted), and
    /// the same as a Pod from one replica's pod with -Kind Pod.
    /// </summary>
    [Fact]
    public void GeneratedDeploymentPlansBackToTheSameManifest()
    {
        var web = new KubeWorkload
        {
            Source = "shop/web", Name = "web", Project = "shop", Image = "busybox", Args = ["httpd", "-f", "-p", "80"],
            Environment = [new("MODE", "fast $HOME")], Labels = new Dictionary<string, string> { ["tier"] = "front" },
            Ports = [new KubeWorkloadPort { ContainerPort = 80, Protocol = "tcp", HostPort = 18088, Published = true }],
            Mounts = [new KubeWorkloadMount { Kind = KubeMountKind.Volume, Source = "shop-data", Target = "/data" }],
            MemoryLimit = 64L << 20, CpuLimit = 0.5, Restart = PsContainers.Contract.RestartPolicyName.Always, Replicas = 2,
            Healthcheck = new HealthConfig { Test = ["CMD-SHELL", "true"], Interval = 5_000_000_000, Retries = 2, StartPeriod = 10_000_000_000 },
        };
        var options = new KubeGenerateOptions { Kind = KubeWorkloadKind.Deployment, Service = true };
        string yaml1 = KubeManifestBuilder.Build([web], options).Yaml;
        Assert.Contains("kind: Service", yaml1);
        Assert.Contains("replicas: 2", yaml1);

        var plan = Plan(yaml1);
        Assert.Equal(["web-pod-0", "web-pod-1"], plan.Pods.Select(p => p.Name));
        var created = plan.Pods.Select((p, i) => AsCreated(p, (char)('a' + i))).ToList();
        var read = KubeWorkloadReader.FromPods(created.Select(c => (c.Pod, (IReadOnlyList<Container>)c.Containers)), _ => new PsContainers.Core.Images.ImageConfig());
        var w = Assert.Single(read);
        Assert.Equal(("web", "shop", 2), (w.Name, w.Project, w.Replicas));
        Assert.Empty(w.Labels.Keys.Where(KubePlayRecord.IsRecord));
        Assert.Equal(yaml1, KubeManifestBuilder.Build(read, options).Yaml);

        // one replica's pod alone is the Deployment of one replica; as a Pod the name is the Deployment's too
        string pod1 = KubeManifestBuilder.Build([web], new KubeGenerateOptions { Service = true }).Yaml;
        var one = KubeWorkloadReader.FromPods([(created[1].Pod, (IReadOnlyList<Container>)created[1].Containers)], _ => new PsContainers.Core.Images.ImageConfig());
        Assert.Equal(1, Assert.Single(one).Replicas);
        Assert.Equal(pod1, KubeManifestBuilder.Build(one, new KubeGenerateOptions { Service = true }).Yaml);
        KubeManifestAssert.Valid(yaml1);
    }

    /// <summary>
    /// Issue 17's leftovers: a compose service with two env files (a ConfigMap per file, read with envFrom, as kompose
    /// writes it; a variable both files give belongs to the later one, one that environment overrides to neither), an
    /// exposed port and a port published on a free host port (both a containerPort without hostPort). Strictly valid;
    /// played, the variables come from the ConfigMaps and the bare ports are recorded; read back from the pods the
    /// play makes, the same YAML, as a Deployment and as a Pod.
    /// </summary>
    [Theory]
    [InlineData(KubeWorkloadKind.Deployment)]
    [InlineData(KubeWorkloadKind.Pod)]
    public void ComposeEnvFilesAndBarePortsPlanBackToTheSameManifest(KubeWorkloadKind kind)
    {
        using var d = new PsContainers.Core.Tests.Compose.ComposeDirectory();
        d.Write("common.env", "LOG=info\nREGION=eu\nSHARED=from-common\nPICKED=from-common\n");
        d.Write("web.env", "SHARED=from-web\nGREETING='hello $HOME'\nPICKED=from-web\n");
        var f = d.Write("compose.yaml", """
            name: shop
            services:
              web:
                image: busybox
                env_file: [common.env, web.env]
                environment:
                  PICKED: from-environment
                  PLAIN: visible
                expose: ["9000", "53/udp"]
                ports: ["80", "18089:8080"]
            """);
        var workloads = KubeWorkloadReader.FromProject(d.Load(f), null);
        var options = new KubeGenerateOptions { Kind = kind };
        var manifest = KubeManifestBuilder.Build(workloads, options);
        string yaml1 = manifest.Yaml;
        var objects = KubeManifestAssert.Valid(yaml1);
        Assert.Equal(["ConfigMap/web-common-env", "ConfigMap/web-web-env", $"{kind}/web"], manifest.Objects);
        Assert.Equal(new Dictionary<string, string> { ["LOG"] = "info", ["REGION"] = "eu" }, ((k8s.Models.V1ConfigMap)objects[0]).Data);
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hello $HOME", ["SHARED"] = "from-web" }, ((k8s.Models.V1ConfigMap)objects[1]).Data);
        Assert.Equal("web", ((k8s.Models.V1ConfigMap)objects[1]).Metadata.Labels[KubeManifestBuilder.NameLabel]);
        var spec = objects[2] is k8s.Models.V1Deployment dep ? dep.Spec.Template.Spec : ((k8s.Models.V1Pod)objects[2]).Spec;
        var c = Assert.Single(spec.Containers);
        Assert.Equal(["web-common-env", "web-web-env"], c.EnvFrom.Select(e => e.ConfigMapRef.Name));
        Assert.All(c.EnvFrom, e => Assert.Null(e.SecretRef));
        Assert.Equal(["PICKED=from-environment", "PLAIN=visible"], c.Env.Select(e => e.Name + "=" + e.Value));
        Assert.Equal(["53/UDP/", "80/TCP/", "8080/TCP/18089", "9000/TCP/"], c.Ports.Select(p => $"{p.ContainerPort}/{p.Protocol}/{p.HostPort}"));

        var plan = Plan(yaml1);
        var planned = Assert.Single(plan.Pods);
        var env = planned.Containers[0].Environment;
        Assert.Equal(["GREETING=hello $HOME", "LOG=info", "PICKED=from-environment", "PLAIN=visible", "REGION=eu", "SHARED=from-web"], env.Order(StringComparer.Ordinal));
        Assert.Equal("80/tcp,9000/tcp,53/udp".Split(',').Order(StringComparer.Ordinal),
            planned.Containers[0].Labels[KubePlayRecord.ExposedLabel].Split(',').Order(StringComparer.Ordinal));
        Assert.Equal(["18089->8080/tcp"], planned.Options.Publish.Select(p => $"{p.HostPort}->{p.ContainerPort}/{p.Protocol}"));
        var refs = KubePlayRecord.EnvReferences(planned.Containers[0].Labels);
        Assert.Equal(("ConfigMap", "web-web-env", ""), (refs["SHARED"].Kind, refs["SHARED"].Object, refs["SHARED"].Prefix));
        Assert.False(refs.ContainsKey("PICKED"));

        var (pod, containers) = AsCreated(planned, 'f');
        var read = KubeWorkloadReader.FromPods([(pod, (IReadOnlyList<Container>)containers)], null);
        var again = KubeManifestBuilder.Build(read, options);
        Assert.Empty(again.Warnings);
        Assert.Equal(yaml1, again.Yaml);
    }

    /// <summary>
    /// With a Service: the Service lists the published port and the one published on a free host port (a bare
    /// containerPort in the pod), not the exposed ones. Play skips the Service but records which bare ports it
    /// targeted, so generating with a Service again lists the same ports: a fixed point.
    /// </summary>
    [Theory]
    [InlineData(KubeWorkloadKind.Deployment)]
    [InlineData(KubeWorkloadKind.Pod)]
    public void AServiceOfABarePortSurvivesThePlay(KubeWorkloadKind kind)
    {
        using var d = new PsContainers.Core.Tests.Compose.ComposeDirectory();
        var f = d.Write("compose.yaml", """
            name: shop
            services:
              web:
                image: busybox
                expose: ["9000"]
                ports: ["80", "18089:8080", "5353/udp"]
            """);
        var options = new KubeGenerateOptions { Kind = kind, Service = true };
        string yaml1 = KubeManifestBuilder.Build(KubeWorkloadReader.FromProject(d.Load(f), null), options).Yaml;
        var objects = KubeManifestAssert.Valid(yaml1);
        var service = Assert.IsType<k8s.Models.V1Service>(objects[^1]);
        Assert.Equal(["80/TCP->80", "5353/UDP->5353", "18089/TCP->8080"], service.Spec.Ports.Select(p => $"{p.Port}/{p.Protocol}->{p.TargetPort.Value}"));

        var plan = Plan(yaml1);
        Assert.Contains(plan.Warnings, w => w.Contains("'Service' is not supported", StringComparison.Ordinal));
        var planned = Assert.Single(plan.Pods);
        Assert.Equal(["5353/udp", "80/tcp"], planned.Containers[0].Labels[KubePlayRecord.ServicedLabel].Split(',').Order(StringComparer.Ordinal));
        var (pod, containers) = AsCreated(planned, 'f');
        var read = KubeWorkloadReader.FromPods([(pod, (IReadOnlyList<Container>)containers)], null);
        Assert.Equal(yaml1, KubeManifestBuilder.Build(read, options).Yaml);
        // without the Service in the file nothing is recorded: the bare ports come back, the Service does not
        string noService = KubeManifestBuilder.Build(KubeWorkloadReader.FromProject(d.Load(f), null), new KubeGenerateOptions { Kind = kind }).Yaml;
        Assert.False(Assert.Single(Plan(noService).Pods).Containers[0].Labels.ContainsKey(KubePlayRecord.ServicedLabel));
    }

    /// <summary>
    /// A played envFrom (a ConfigMap and a Secret with a prefix) is written back as envFrom to the same objects, the
    /// Secret's data base64, the order of the entries by kind and name: a fixed point; a variable the manifest overrode
    /// with a literal stays a literal (and its key is not in the object written back).
    /// </summary>
    [Fact]
    public void PlayedEnvFromIsGeneratedBackAsEnvFrom()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {MODE: fast, SPEED: "3"}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {user: admin}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: c
                image: busybox
                envFrom:
                - secretRef: {name: creds}
                  prefix: DB_
                - configMapRef: {name: settings}
                env:
                - {name: SPEED, value: "9"}
            """;
        var (pod, containers) = AsCreated(Assert.Single(Plan(yaml).Pods), 'g');
        string yaml1 = KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod, containers, null)], new KubeGenerateOptions()).Yaml;
        var objects = KubeManifestAssert.Valid(yaml1);
        Assert.Equal(new Dictionary<string, string> { ["MODE"] = "fast" }, Assert.IsType<k8s.Models.V1ConfigMap>(objects[0]).Data);
        Assert.Equal("admin", Encoding.UTF8.GetString(Assert.IsType<k8s.Models.V1Secret>(objects[1]).Data["user"]));
        var c = Assert.Single(Assert.IsType<k8s.Models.V1Pod>(objects[2]).Spec.Containers);
        Assert.Equal(["configMap settings ", "secret creds DB_"],
            c.EnvFrom.Select(e => e.ConfigMapRef is { } cm ? $"configMap {cm.Name} {e.Prefix}" : $"secret {e.SecretRef.Name} {e.Prefix}"));
        Assert.Equal(["SPEED=9"], c.Env.Select(e => e.Name + "=" + e.Value));
        Assert.DoesNotContain("admin", yaml1);

        var (pod2, containers2) = AsCreated(Assert.Single(Plan(yaml1).Pods), 'h');
        Assert.Equal(containers.Select(x => string.Join('\n', x.Config.Env.Order(StringComparer.Ordinal))),
            containers2.Select(x => string.Join('\n', x.Config.Env.Order(StringComparer.Ordinal))));
        Assert.Equal(yaml1, KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod2, containers2, null)], new KubeGenerateOptions()).Yaml);
    }

    /// <summary>The containers a plan makes, as the engine records them (labels, env, mounts), created in the plan's order.</summary>
    private static (ContainerPod Pod, List<Container> Containers) AsCreated(KubePlayPod planned, char id)
    {
        var pod = new ContainerPod
        {
            Id = new string(id, 64), Name = planned.Name, InfraContainerId = new string('1', 64), Labels = new(planned.Options.Labels),
            PortMappings = planned.Options.Publish, ExitPolicy = planned.Options.ExitPolicy,
        };
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var list = planned.Containers.Select((o, i) => new Container
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(o.Name!))), Name = o.Name!, Image = o.Image, Pod = pod.Id,
            Created = t0.AddMilliseconds(i),
            Config = new ContainerConfig { Entrypoint = o.Entrypoint ?? [], Cmd = o.Command ?? [], Env = [.. o.Environment], Labels = new(o.Labels), Healthcheck = o.Healthcheck },
            HostConfig = new HostConfig { RestartPolicy = o.Restart, Resources = o.Resources },
            Mounts = o.Mounts,
        }).ToList();
        return (pod, list);
    }

    /// <summary>
    /// The red team's pod: the hostPort is declared by a container that is neither the first in the manifest nor the
    /// first by name. Generate keeps the manifest's container order and writes the port on the container that declared
    /// it; play → generate → play → generate is a fixed point. A pod played is stopped when its last member exits.
    /// </summary>
    [Fact]
    public void PlayedPodKeepsItsContainerOrderAndEachPortOnItsContainer()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: Pod
            metadata: {name: ord}
            spec:
              containers:
              - name: web
                image: busybox
              - name: db
                image: busybox
                ports:
                - {containerPort: 8080, hostPort: 18181}
                - {containerPort: 53, hostPort: 1053, protocol: UDP}
              - name: cli
                image: busybox
            """);
        var planned = Assert.Single(plan.Pods);
        Assert.Equal(PodExitPolicy.Stop, planned.Options.ExitPolicy);
        Assert.False(planned.Containers[0].Labels.ContainsKey(KubePlayRecord.PortsLabel));
        Assert.Equal("8080/tcp,53/udp", planned.Containers[1].Labels[KubePlayRecord.PortsLabel]);
        var (pod, containers) = AsCreated(planned, 'e');
        // the store hands them over in any order: generate orders them by creation
        containers.Reverse();
        var w = KubeWorkloadReader.FromPod(pod, containers, null);
        Assert.Equal(["web", "db", "cli"], w.Members.Select(m => m.Name));
        Assert.Empty(w.Members[0].Ports);
        Assert.Equal([(8080, 18181), (53, 1053)], w.Members[1].Ports.Select(p => (p.ContainerPort, p.HostPort ?? 0)));
        Assert.Empty(w.Members[2].Ports);
        Assert.Empty(w.Warnings); // the bookkeeping labels are not container labels
        string yaml1 = KubeManifestBuilder.Build([w], new KubeGenerateOptions()).Yaml;
        KubeManifestAssert.Valid(yaml1);
        Assert.DoesNotContain("io.pscontainers", yaml1);
        int web = yaml1.IndexOf("name: web", StringComparison.Ordinal), db = yaml1.IndexOf("name: db", StringComparison.Ordinal), cli = yaml1.IndexOf("name: cli", StringComparison.Ordinal);
        Assert.True(web < db && db < cli, yaml1);
        int port = yaml1.IndexOf("hostPort: 18181", StringComparison.Ordinal);
        Assert.True(db < port && port < cli, yaml1);

        var (pod2, containers2) = AsCreated(Assert.Single(Plan(yaml1).Pods), 'd');
        Assert.Equal(yaml1, KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod2, containers2, null)], new KubeGenerateOptions()).Yaml);
    }

    /// <summary>A pod made with New-ContainerPod -Publish (no member declared the port): the port goes on the first container, as before.</summary>
    [Fact]
    public void PodPortNoMemberDeclared_GoesOnTheFirstCreatedContainer()
    {
        var pod = new ContainerPod
        {
            Id = new string('a', 64), Name = "np", InfraContainerId = new string('0', 64),
            PortMappings = [new PortMapping { HostPort = 18080, ContainerPort = 80, Protocol = "tcp" }],
        };
        Container C(string name, int ms) => new()
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name))), Name = name, Image = "busybox", Pod = pod.Id,
            Created = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(ms),
        };
        var w = KubeWorkloadReader.FromPod(pod, [C("alpha", 5), C("zulu", 1)], null);
        Assert.Equal(["zulu", "alpha"], w.Members.Select(m => m.Name));
        Assert.Equal(80, Assert.Single(w.Members[0].Ports).ContainerPort);
        Assert.Empty(w.Members[1].Ports);
    }

    /// <summary>
    /// Env read from a Secret or a ConfigMap (by key or whole, with a prefix) is recorded at play time by reference,
    /// never by value; generate writes a Secret (data base64) and a ConfigMap with valueFrom references and no literal
    /// value; the generated manifest plans back to the same environment and generates the same YAML again.
    /// </summary>
    [Fact]
    public void EnvFromSecretsAndConfigMapsIsGeneratedAsReferences()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {MODE: fast}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: "s3cr$t pa55", user: admin}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: c
                image: busybox
                envFrom:
                - configMapRef: {name: settings}
                - secretRef: {name: creds}
                  prefix: DB_
                env:
                - {name: PASS, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                - {name: PLAIN, value: visible}
                - {name: MODE, value: overridden}
              - name: d
                image: busybox
                env:
                - {name: P2, valueFrom: {secretKeyRef: {name: creds, key: password}}}
            """);
        var planned = Assert.Single(plan.Pods);
        string record = planned.Containers[0].Labels[KubePlayRecord.EnvLabel];
        Assert.DoesNotContain("s3cr", record);
        Assert.DoesNotContain("admin", record);
        var refs = KubePlayRecord.EnvReferences(planned.Containers[0].Labels);
        Assert.Equal(["DB_password", "DB_user", "PASS"], refs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Secret", "creds", "password"), (refs["PASS"].Kind, refs["PASS"].Object, refs["PASS"].Key));
        Assert.Equal(("Secret", "creds", "user"), (refs["DB_user"].Kind, refs["DB_user"].Object, refs["DB_user"].Key));

        var (pod, containers) = AsCreated(planned, 'e');
        var w = KubeWorkloadReader.FromPod(pod, containers, null);
        Assert.Empty(w.Warnings);
        var manifest = KubeManifestBuilder.Build([w], new KubeGenerateOptions());
        Assert.Empty(manifest.Warnings);
        string yaml1 = manifest.Yaml;
        KubeManifestAssert.Valid(yaml1);
        Assert.DoesNotContain("s3cr", yaml1);
        Assert.DoesNotContain("admin", yaml1);
        Assert.Contains("kind: Secret", yaml1);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("s3cr$t pa55")), yaml1);
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("admin")), yaml1);
        Assert.Contains("secretKeyRef:", yaml1);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Matches(yaml1, "(?m)^kind: Secret$").Count); // one Secret for both containers
        Assert.Contains("value: visible", yaml1);
        Assert.Contains("value: overridden", yaml1); // the later literal wins over the ConfigMap's MODE: no reference
        Assert.DoesNotContain("configMapKeyRef", yaml1);

        var again = Assert.Single(Plan(yaml1).Pods);
        Assert.Equal(planned.Containers.Select(c => string.Join('\n', c.Environment.Order(StringComparer.Ordinal))),
            again.Containers.Select(c => string.Join('\n', c.Environment.Order(StringComparer.Ordinal))));
        var (pod2, containers2) = AsCreated(again, 'd');
        Assert.Equal(yaml1, KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod2, containers2, null)], new KubeGenerateOptions()).Yaml);
    }

    /// <summary>A ConfigMap key read as env comes back as a ConfigMap with configMapKeyRef, not a literal.</summary>
    [Fact]
    public void EnvFromAConfigMapKeyIsGeneratedAsAConfigMapReference()
    {
        var plan = Plan("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {MODE: fast-mode}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
              - name: c
                image: busybox
                env:
                - {name: M, valueFrom: {configMapKeyRef: {name: settings, key: MODE}}}
            """);
        var (pod, containers) = AsCreated(Assert.Single(plan.Pods), 'e');
        string yaml = KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod, containers, null)], new KubeGenerateOptions()).Yaml;
        KubeManifestAssert.Valid(yaml);
        Assert.Matches("(?m)^kind: ConfigMap\nmetadata:\n  name: settings$", yaml);
        Assert.Matches("(?m)^data:\n  MODE: fast-mode$", yaml);
        Assert.Matches(@"configMapKeyRef:\n\s+key: MODE\n\s+name: settings", yaml);
        Assert.DoesNotContain("value: fast-mode", yaml);
    }

    /// <summary>Import runs Test-ContainerKube's structural check: an unquoted YAML boolean in exec.command is refused with the same finding at its file:line.</summary>
    [Fact]
    public void WhatTestContainerKubeCallsAnErrorIsNotPlayed()
    {
        const string yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    livenessProbe:\n      exec: {command: [true]}\n";
        var finding = Assert.Single(KubeValidator.Check(yaml, "app.yaml"), f => f.Severity == "Error");
        Assert.Equal(9, finding.Line);
        var e = Assert.ThrowsAny<PscException>(() => Plan(yaml));
        Assert.Equal(ErrorIds.KubeInvalidManifest, e.ErrorId);
        Assert.Contains("app.yaml:9: ", e.Message);
        Assert.Contains(finding.Message, e.Message);
        // the engine's message names no cmdlet; the remedy is worded by the cmdlet layer
        Assert.DoesNotContain("-Container", e.Message);
        Assert.Equal(Remedy.CheckKubeManifest, e.Remedy);
    }

    [Theory]
    [InlineData("HTTP-GET", "8080", "/healthz")]
    [InlineData("TCP-SOCKET", "6379", null)]
    public void NetworkProbesGenerateAndPlanBack(string kind, string port, string? path)
    {
        string[] test = path is null ? [kind, port] : [kind, port, path];
        var pod = new ContainerPod { Id = new string('f', 64), Name = "np", InfraContainerId = new string('0', 64) };
        var c = new Container
        {
            Id = new string('c', 64), Name = "np-main", Image = "busybox", Pod = pod.Id,
            Config = new ContainerConfig { Cmd = ["sleep", "9"], Healthcheck = new HealthConfig { Test = test, Interval = 3_000_000_000, Retries = 2 } },
        };
        string yaml = KubeManifestBuilder.Build([KubeWorkloadReader.FromPod(pod, [c], null)], new KubeGenerateOptions()).Yaml;
        KubeManifestAssert.Valid(yaml);
        Assert.Contains(kind == "HTTP-GET" ? "httpGet:" : "tcpSocket:", yaml);
        var planned = Plan(yaml).Pods[0].Containers[0];
        Assert.Equal("np-main", planned.Name);
        Assert.Equal(test, planned.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(3), planned.Healthcheck.EffectiveInterval());
        Assert.Equal(2, planned.Healthcheck.Retries);
    }

    [Theory]
    [InlineData(new[] { "HTTP-GET", "80", "/" }, null)]
    [InlineData(new[] { "TCP-SOCKET", "65535" }, null)]
    [InlineData(new[] { "HTTP-GET", "80" }, "HTTP-GET healthcheck is")]
    [InlineData(new[] { "HTTP-GET", "0", "/" }, "HTTP-GET healthcheck is")]
    [InlineData(new[] { "HTTP-GET", "80", "nopath" }, "must start with '/'")]
    [InlineData(new[] { "HTTP-GET", "80", "/a b" }, "must start with '/'")]
    [InlineData(new[] { "TCP-SOCKET", "http" }, "TCP-SOCKET healthcheck is")]
    [InlineData(new[] { "TCP-SOCKET", "80", "x" }, "TCP-SOCKET healthcheck is")]
    public void NetworkProbeTestsAreChecked(string[] test, string? problem)
    {
        var h = new HealthConfig { Test = test };
        Assert.True(h.IsActive());
        Assert.True(h.IsNetworkProbe());
        Assert.Null(h.ProbeCommand()); // not a command: pscmon makes the probe itself
        if (problem is null) Assert.Null(h.Validate());
        else Assert.Contains(problem, h.Validate());
    }
}
