using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// A compose service turned into the engine's create options (docker compose's create.go mapping) and the pure parts of
/// <see cref="ProjectOrchestrator"/>: the reverse dependency order from labels and the ls summary.
/// </summary>
public sealed class ServiceContainerOptionsTests : IDisposable
{
    private readonly ComposeDirectory _d = new("shop");
    public void Dispose() => _d.Dispose();

    private const string Yaml = """
        services:
          web:
            image: nginx:1
            command: ["sh", "-c", "echo $$HOME"]
            entrypoint: ["/bin/tini", "--"]
            environment: { MODE: prod }
            ports: ["127.0.0.1:8080:80", "53/udp"]
            volumes: ["./html:/usr/share/nginx/html:ro", "data:/data", "/cache"]
            tmpfs: ["/run:size=1m"]
            networks:
              back: { aliases: [www], ipv4_address: 10.9.0.5, priority: 10 }
              default: { aliases: [site] }
            depends_on:
              db: { condition: service_healthy, restart: true }
            healthcheck: { test: ["CMD", "true"], interval: 5s, retries: 4 }
            restart: on-failure:3
            user: "1000:1000"
            working_dir: /srv
            hostname: webhost
            init: true
            cap_add: [NET_ADMIN]
            cap_drop: [MKNOD]
            extra_hosts: ["gw:10.0.0.1"]
            dns: [1.1.1.1]
            stop_signal: SIGINT
            stop_grace_period: 1500ms
            labels: { tier: front }
            ulimits: { nofile: { soft: 100, hard: 200 } }
            deploy: { resources: { limits: { cpus: "1.5", memory: 64m, pids: 50 } } }
          db:
            image: postgres:16
            container_name: the-db
            healthcheck: { disable: true }
          sidecar:
            image: busybox
            network_mode: service:db
          builder:
            build: ./src
        networks:
          back: {}
        volumes:
          data: {}
        """;

    private ContainerProject Load()
    {
        _d.Write("compose.yaml", Yaml);
        return _d.Load("compose.yaml");
    }

    private static ContainerCreateOptions For(ContainerProject p, string service, int n = 1) =>
        ServiceContainerOptions.For(p, p.GetService(service)!, n, s => ServiceContainerOptions.ContainerName(p, p.GetService(s)!, 1));

    [Fact]
    public void Maps_every_modelled_option_of_a_service()
    {
        var p = Load();
        var o = For(p, "web", 2);
        Assert.Equal("shop-web-2", o.Name);
        Assert.Equal("nginx:1", o.Image);
        Assert.Equal(["sh", "-c", "echo $HOME"], o.Command!);
        Assert.Equal(["/bin/tini", "--"], o.Entrypoint!);
        Assert.Contains("MODE=prod", o.Environment);
        Assert.Equal("on-failure:3", o.Restart.ToString());
        Assert.Equal("1000:1000", o.User);
        Assert.Equal("/srv", o.WorkingDirectory);
        Assert.Equal("webhost", o.Hostname);
        Assert.True(o.Init);
        Assert.Equal(["NET_ADMIN"], o.CapAdd);
        Assert.Equal(["MKNOD"], o.CapDrop);
        Assert.Equal([new ExtraHost("gw", "10.0.0.1")], o.AddHosts);
        Assert.Equal(["1.1.1.1"], o.Dns);
        Assert.Equal("SIGINT", o.StopSignal);
        Assert.Equal(2, o.StopTimeout); // 1.5 s rounds up: never less grace than asked
        Assert.Equal(64L * 1024 * 1024, o.Resources.Memory);
        Assert.Equal(1.5, o.Resources.Cpus);
        Assert.Equal(50L, o.Resources.PidsLimit);
        var nofile = Assert.Single(o.Ulimits);
        Assert.Equal((100UL, 200UL), (nofile.Soft, nofile.Hard));
        Assert.Equal(["CMD", "true"], o.Healthcheck!.Test);
        Assert.Equal(5_000_000_000L, o.Healthcheck.Interval);
        Assert.Equal(4, o.Healthcheck.Retries);
        Assert.Equal("front", o.Labels["tier"]);
    }

    [Fact]
    public void Memswap_limit_cpu_shares_and_cpuset_become_the_same_limits_as_runs_flags_and_round_trip()
    {
        _d.Write("limits.yaml", """
            services:
              lim:
                image: busybox
                mem_limit: 64m
                memswap_limit: 96m
                cpu_shares: 512
                cpuset: "0-1"
                pids_limit: 42
              unlimited:
                image: busybox
                mem_limit: 32m
                memswap_limit: -1
                cpu_shares: 0
            """);
        var p = _d.Load("limits.yaml");
        Assert.Empty(p.Warnings.Where(w => w.Message.Contains("memswap_limit") || w.Message.Contains("cpu_shares") || w.Message.Contains("cpuset")));
        var o = For(p, "lim");
        Assert.Equal(new ResourceLimits { Memory = 64L << 20, MemorySwap = 96L << 20, CpuShares = 512, CpusetCpus = "0-1", PidsLimit = 42 }, o.Resources);
        // -1 is unlimited swap; a cpu_shares of 0 is docker's default weight, i.e. not set
        Assert.Equal(new ResourceLimits { Memory = 32L << 20, MemorySwap = -1 }, For(p, "unlimited").Resources);
        Assert.DoesNotContain(ServiceContainerOptions.Unapplied(p, p.GetService("lim")!), k => k.Contains("cpu") || k.Contains("swap"));

        // written back as the same keys, and read again to the same limits
        _d.Write("again.yaml", ComposeYamlWriter.Write(p));
        var again = _d.Load("again.yaml");
        Assert.Equal(o.Resources, For(again, "lim").Resources);
        Assert.Equal(For(p, "unlimited").Resources, For(again, "unlimited").Resources);
    }

    [Fact]
    public void A_negative_cpu_shares_is_refused_where_it_is_written()
    {
        _d.Write("neg.yaml", "services:\n  x:\n    image: busybox\n    cpu_shares: -5\n");
        var e = Assert.ThrowsAny<PscException>(() => _d.Load("neg.yaml"));
        Assert.Contains("cpu_shares", e.Message);
    }

    [Fact]
    public void Labels_the_container_as_docker_compose_does()
    {
        var p = Load();
        var o = For(p, "web", 2);
        Assert.Equal("shop", o.Labels[ComposeLabels.Project]);
        Assert.Equal("web", o.Labels[ComposeLabels.Service]);
        Assert.Equal("2", o.Labels[ComposeLabels.ContainerNumber]);
        Assert.Equal("False", o.Labels[ComposeLabels.OneOff]);
        Assert.Equal(p.GetService("web")!.ConfigHash, o.Labels[ComposeLabels.ConfigHash]);
        Assert.Matches("^[0-9a-f]{64}$", o.Labels[ComposeLabels.ConfigHash]);
        Assert.Equal(_d.Root, o.Labels[ComposeLabels.WorkingDir]);
        Assert.Equal(_d.P("compose.yaml"), o.Labels[ComposeLabels.ConfigFiles]);
        Assert.Equal("db:service_healthy:true", o.Labels[ComposeLabels.DependsOn]);
    }

    [Fact]
    public void Joins_the_project_networks_by_engine_name_with_the_service_name_and_each_networks_own_aliases()
    {
        var o = For(Load(), "web");
        Assert.Equal(["shop_back", "shop_default"], o.Networks); // priority 10 first
        // an alias belongs to the network it is declared on (spec "aliases"); the service name is on every network
        Assert.Empty(o.Aliases);
        Assert.Null(o.IPAddress);
        Assert.Equal(["shop_back", "shop_default"], o.Endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["web", "www"], o.Endpoints["shop_back"].Aliases);
        Assert.Equal("10.9.0.5", o.Endpoints["shop_back"].IPAddress);
        Assert.Equal(["web", "site"], o.Endpoints["shop_default"].Aliases);
        Assert.Null(o.Endpoints["shop_default"].IPAddress);
        Assert.Equal(2, o.Publish.Count);
        Assert.Contains(o.Publish, m => m.ContainerPort == 80 && m.HostPort == 8080 && m.HostIP == "127.0.0.1" && m.Protocol == "tcp");
        Assert.Contains(o.Publish, m => m.ContainerPort == 53 && m.HostPort == 0 && m.Protocol == "udp");
    }

    [Fact]
    public void Mounts_binds_named_and_anonymous_volumes_and_tmpfs()
    {
        var o = For(Load(), "web");
        var bind = Assert.Single(o.Mounts, m => m.Type == MountKind.Bind);
        Assert.Equal((_d.P("html"), "/usr/share/nginx/html", true), (bind.Source, bind.Destination, bind.ReadOnly));
        Assert.True(Directory.Exists(_d.P("html"))); // the short syntax creates a missing host directory, as docker compose does
        var named = Assert.Single(o.Mounts, m => m.Type == MountKind.Volume && m.Destination == "/data");
        Assert.Equal("shop_data", named.Source);
        Assert.DoesNotContain("anonymous", named.Options);
        var anon = Assert.Single(o.Mounts, m => m.Type == MountKind.Volume && m.Destination == "/cache");
        Assert.Matches("^[0-9a-f]{64}$", anon.Source);
        Assert.Contains("anonymous", anon.Options);
        var tmpfs = Assert.Single(o.Mounts, m => m.Type == MountKind.Tmpfs);
        Assert.Equal("/run", tmpfs.Destination);
        Assert.Equal(1024L * 1024, tmpfs.Tmpfs!.SizeBytes);
    }

    [Fact]
    public void Container_name_network_mode_service_and_disabled_healthcheck()
    {
        var p = Load();
        var db = For(p, "db");
        Assert.Equal("the-db", db.Name);
        Assert.Equal(["NONE"], db.Healthcheck!.Test);
        Assert.Equal(["shop_default"], db.Networks);
        var side = For(p, "sidecar");
        Assert.Equal(["container:the-db"], side.Networks);
        Assert.Empty(side.Aliases);
        Assert.Empty(side.Endpoints);
        Assert.Empty(side.Publish);
        Assert.Equal("shop-sidecar-1", side.Name);
    }

    [Fact]
    public void A_build_only_service_runs_the_image_its_build_makes_named_project_dash_service()
    {
        var p = Load();
        Assert.Equal($"{p.Name}-builder", For(p, "builder").Image);
        Assert.Equal($"{p.Name}-builder", ServiceContainerOptions.ImageName(p, p.GetService("builder")!));
        Assert.Equal("busybox", ServiceContainerOptions.ImageName(p, p.GetService("sidecar")!)); // image: wins
        var inline = Path.Combine(Path.GetTempPath(), $"psc-test-{Guid.NewGuid():N}");
        // the context ./src does not exist: a typed error naming the service, before anything is built
        var e = Assert.Throws<ResourceNotFoundException>(() => ProjectOrchestrator.BuildOptionsFor(p, p.GetService("builder")!, inline));
        Assert.Equal(ErrorIds.BuildContextNotFound, e.ErrorId);
        Assert.Equal("builder", e.Target);
        Assert.Contains("Service 'builder'", e.Message);
        Assert.False(File.Exists(inline));
    }

    [Fact]
    public void A_build_section_becomes_the_options_of_Build_ContainerImage()
    {
        _d.Write("app/Dockerfile.dev", "FROM scratch\n");
        _d.Write("build.yaml", """
            name: shop
            services:
              app:
                build:
                  context: ./app
                  dockerfile: Dockerfile.dev
                  args: { A: "1", FROM_ENV: null }
                  target: final
                  labels: { l: v }
                  tags: ["shop/app:extra"]
                  network: host
              inline:
                image: shop/inline:1
                build:
                  context: ./app
                  dockerfile_inline: "FROM scratch\nLABEL x=y\n"
            """);
        var p = _d.Load("build.yaml");
        Environment.SetEnvironmentVariable("FROM_ENV", "from-process");
        try
        {
            string inline = _d.P("inline.Dockerfile");
            var o = ProjectOrchestrator.BuildOptionsFor(p, p.GetService("app")!, inline);
            Assert.Equal(_d.P("app"), o.ContextDirectory);
            Assert.Equal(Path.Combine(_d.P("app"), "Dockerfile.dev"), o.DockerfilePath);
            Assert.Equal(["docker.io/library/shop-app:latest", "docker.io/shop/app:extra"], o.Tags.Select(t => t.ToString()).ToArray());
            Assert.Equal("1", o.BuildArguments["A"]);
            Assert.Equal("from-process", o.BuildArguments["FROM_ENV"]);
            Assert.Equal("final", o.Target);
            Assert.Equal("v", o.Labels["l"]);
            Assert.True(o.DefaultNetwork);
            Assert.False(File.Exists(inline));
            var i = ProjectOrchestrator.BuildOptionsFor(p, p.GetService("inline")!, inline);
            Assert.Equal(inline, i.DockerfilePath);
            Assert.Equal("FROM scratch\nLABEL x=y\n", File.ReadAllText(inline));
            Assert.Equal(["docker.io/shop/inline:1"], i.Tags.Select(t => t.ToString()).ToArray());
            Assert.False(i.DefaultNetwork);
        }
        finally { Environment.SetEnvironmentVariable("FROM_ENV", null); }
    }

    [Fact]
    public void Names_the_keys_it_does_not_apply_so_they_are_warned_about()
    {
        var p = Load();
        Assert.Empty(ServiceContainerOptions.Unapplied(p, p.GetService("web")!));
        _d.Write("other.yaml", """
            services:
              odd:
                image: busybox
                sysctls: { net.core.somaxconn: "1024" }
                shm_size: 128m
                devices: ["/dev/zero"]
                group_add: [audio]
                domainname: example.org
                expose: ["80"]
                pull_policy: always
            """);
        var other = _d.Load("other.yaml");
        // pull_policy is applied by Start-ContainerProject's pull step (ProjectOrchestrator.ImagesToPull), not warned about;
        // sysctls, shm_size, devices, group_add and domainname are applied (Maps_sysctls_shm_size_devices_group_add_and_domainname)
        Assert.Equal(["expose"], ServiceContainerOptions.Unapplied(other, other.GetService("odd")!));
    }

    [Fact]
    public void Maps_sysctls_shm_size_devices_group_add_and_domainname_as_docker_run_takes_them()
    {
        _d.Write("kernel.yaml", """
            services:
              map:
                image: busybox
                sysctls: { net.core.somaxconn: "1024", kernel.shmmax: 4096 }
                shm_size: 128m
                devices: ["/dev/zero", "/dev/full:/dev/f", "/dev/null:/dev/n:r"]
                group_add: [audio, 4242]
                domainname: example.org
              list:
                image: busybox
                sysctls: ["net.ipv4.ip_forward=1", "fs.mqueue.msg_max=20"]
                shm_size: 1048576
            """);
        var p = _d.Load("kernel.yaml");
        var o = ServiceContainerOptions.For(p, p.GetService("map")!, 1, s => s);
        Assert.Equal(new Dictionary<string, string> { ["net.core.somaxconn"] = "1024", ["kernel.shmmax"] = "4096" }, o.Sysctls);
        Assert.Equal(128L * 1024 * 1024, o.ShmSize);
        Assert.Equal([new DeviceMapping("/dev/zero", "/dev/zero", "rwm"), new DeviceMapping("/dev/full", "/dev/f", "rwm"), new DeviceMapping("/dev/null", "/dev/n", "r")], o.Devices);
        Assert.Equal(["audio", "4242"], o.GroupAdd);
        Assert.Equal("example.org", o.Domainname);
        Assert.Empty(ServiceContainerOptions.Unapplied(p, p.GetService("map")!));
        var l = ServiceContainerOptions.For(p, p.GetService("list")!, 1, s => s);
        Assert.Equal(new Dictionary<string, string> { ["net.ipv4.ip_forward"] = "1", ["fs.mqueue.msg_max"] = "20" }, l.Sysctls);
        Assert.Equal(1048576L, l.ShmSize);
        Assert.Empty(l.Devices);
        Assert.Empty(l.GroupAdd);
        Assert.Null(l.Domainname);
    }

    [Fact]
    public void Refuses_a_device_that_is_not_docker_s_form_when_the_options_are_made()
    {
        _d.Write("baddev.yaml", """
            services:
              bad:
                image: busybox
                devices: ["dev/zero:/dev/z:rx"]
            """);
        var p = _d.Load("baddev.yaml");
        var e = Assert.ThrowsAny<PscException>(() => ServiceContainerOptions.For(p, p.GetService("bad")!, 1, s => s));
        Assert.Equal(ErrorIds.InvalidDevice, e.ErrorId);
    }

    [Fact]
    public void Mounts_file_secrets_and_configs_read_only_writes_the_others_into_the_container_and_warns_about_external()
    {
        _d.Write("token.txt", "s3cret");
        _d.Write("app.conf", "x=1");
        _d.Write(".env", "PSC_SECRET_FROM_DOTENV=from-dotenv\n");
        _d.Write("sec.yaml", """
            services:
              app:
                image: busybox
                secrets: [token, { source: fromenv, target: /etc/env-token }, outside]
                configs: [appconf, { source: appconf, target: /etc/app.conf }, { source: inline, target: inline.conf, uid: "33", gid: "34", mode: 0640 }]
            secrets:
              token: { file: ./token.txt }
              fromenv: { environment: PSC_SECRET_FROM_DOTENV }
              outside: { external: true }
            configs:
              appconf: { file: ./app.conf }
              inline: { content: "server { listen 80; }" }
            """);
        var p = _d.Load("sec.yaml");
        var o = For(p, "app");
        var binds = o.Mounts.Where(m => m.Type == MountKind.Bind).OrderBy(m => m.Destination, StringComparer.Ordinal).ToList();
        Assert.Equal(["/appconf", "/etc/app.conf", "/run/secrets/token"], binds.Select(m => m.Destination));
        Assert.All(binds, m => Assert.True(m.ReadOnly));
        Assert.Equal([_d.P("app.conf"), _d.P("app.conf"), _d.P("token.txt")], binds.Select(m => m.Source));
        Assert.DoesNotContain(o.Mounts, m => m.Destination == "/etc/env-token");
        // environment- and content-backed ones are written into the container at create (docker compose's secrets.go)
        var files = o.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(["/etc/env-token", "/inline.conf"], files.Select(f => f.Path));
        Assert.Equal("from-dotenv", System.Text.Encoding.UTF8.GetString(files[0].Content));
        Assert.Equal((0x124u, 0u, 0u), (files[0].Mode, files[0].Uid, files[0].Gid));
        Assert.Equal("server { listen 80; }", System.Text.Encoding.UTF8.GetString(files[1].Content));
        Assert.Equal((0x1a0u, 33u, 34u), (files[1].Mode, files[1].Uid, files[1].Gid));
        Assert.DoesNotContain("server", files[1].ToString());
        Assert.Equal(["secrets (external)"], ServiceContainerOptions.Unapplied(p, p.GetService("app")!));
    }

    [Fact]
    public void A_secret_from_an_unset_variable_is_refused_at_create_and_its_value_never_shows_in_the_model()
    {
        string variable = "PSC_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        _d.Write("unset.yaml", $$"""
            services:
              app:
                image: busybox
                secrets: [pw]
            secrets:
              pw: { environment: {{variable}} }
            """);
        var p = _d.Load("unset.yaml");
        Assert.Empty(ServiceContainerOptions.Unapplied(p, p.GetService("app")!));
        var e = Assert.Throws<InvalidArgumentException>(() => For(p, "app"));
        Assert.Equal(ErrorIds.ComposeSecretNotSet, e.ErrorId);
        Assert.Contains(variable, e.Message);
        Assert.DoesNotContain(typeof(ContainerProjectSecret).GetProperties(), x => x.Name == "EnvironmentValue");
    }

    [Fact]
    public void A_recreated_container_takes_over_the_old_anonymous_volumes_where_nothing_else_is_mounted()
    {
        _d.Write("anon.yaml", """
            services:
              app:
                image: busybox
                volumes: ["/data", "named:/named", "/cache"]
                tmpfs: ["/scratch"]
            volumes:
              named: {}
            """);
        var p = _d.Load("anon.yaml");
        var o = For(p, "app");
        string fresh = o.Mounts.Single(m => m.Destination == "/cache").Source!;
        MountSpec Anon(string name, string dest) => new() { Type = MountKind.Volume, Source = name, Destination = dest, Options = ["anonymous"] };
        ServiceContainerOptions.InheritAnonymousVolumes(o, [Anon("old-data", "/data/"), Anon("old-named", "/named"), Anon("old-image", "/var/lib/db"), Anon("old-scratch", "/scratch")]);
        Assert.Equal("old-data", o.Mounts.Single(m => m.Destination == "/data").Source);       // same slot, old volume
        Assert.Equal(fresh, o.Mounts.Single(m => m.Destination == "/cache").Source);          // nothing to inherit: a new one
        Assert.DoesNotContain(o.Mounts, m => m.Source == "old-named");                         // a named volume stays named
        Assert.DoesNotContain(o.Mounts, m => m.Source == "old-scratch");                       // a tmpfs stays a tmpfs
        var image = o.Mounts.Single(m => m.Destination == "/var/lib/db");                      // the image's VOLUME: added
        Assert.Equal(("old-image", MountKind.Volume), (image.Source, image.Type));
        Assert.Contains("anonymous", image.Options);
    }

    private static Container C(string service, int number, string dependsOn = "", ContainerStatus status = ContainerStatus.Running) => new()
    {
        Name = $"p-{service}-{number}",
        Config = new ContainerConfig
        {
            Labels = new()
            {
                [ComposeLabels.Project] = "p", [ComposeLabels.Service] = service, [ComposeLabels.ContainerNumber] = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [ComposeLabels.DependsOn] = dependsOn, [ComposeLabels.ConfigFiles] = "/a/compose.yaml,/a/over.yaml", [ComposeLabels.WorkingDir] = "/a",
            },
        },
        State = new ContainerState { Status = status },
    };

    [Fact]
    public void Stop_order_is_the_reverse_dependency_order_from_the_labels_highest_replicas_first()
    {
        var containers = new[]
        {
            C("db", 1), C("web", 1, "db:service_healthy:false,init:service_completed_successfully:false"), C("web", 2, "db:service_healthy:false,init:service_completed_successfully:false"),
            C("init", 1, "db:service_started:false"), C("proxy", 1, "web:service_started:false"),
        };
        var order = ProjectOrchestrator.StopOrder(containers).Select(c => c.Name).ToArray();
        Assert.Equal(["p-proxy-1", "p-web-2", "p-web-1", "p-init-1", "p-db-1"], order);
    }

    [Fact]
    public void Summary_counts_running_containers_like_docker_compose_ls()
    {
        var s = ProjectOrchestrator.Summarize("p", [C("db", 1), C("web", 1), C("init", 1, status: ContainerStatus.Exited)]);
        Assert.Equal("running(2/3)", s.Status);
        Assert.Equal((2, 3), (s.Running, s.Total));
        Assert.Equal(["/a/compose.yaml", "/a/over.yaml"], s.ConfigFiles);
        Assert.Equal("/a", s.WorkingDirectory);
        Assert.Equal("exited(2)", ProjectOrchestrator.Summarize("p", [C("db", 1, status: ContainerStatus.Exited), C("web", 1, status: ContainerStatus.Created)]).Status);
        Assert.Equal("created(1)", ProjectOrchestrator.Summarize("p", [C("web", 1, status: ContainerStatus.Created)]).Status);
    }

    [Fact]
    public void Names_uid_gid_and_mode_of_a_file_backed_secret_as_not_applied()
    {
        _d.Write("pw.txt", "s3cret");
        _d.Write("app.conf", "x=1");
        _d.Write("modes.yaml", """
            services:
              app:
                image: busybox
                secrets:
                  - source: pw
                    mode: 0400
                  - plain
                configs:
                  - source: conf
                    uid: "1000"
            secrets:
              pw: { file: ./pw.txt }
              plain: { file: ./pw.txt }
            configs:
              conf: { file: ./app.conf }
            """);
        var p = _d.Load("modes.yaml");
        Assert.Equal([
            "uid, gid and mode of the file-backed secret 'pw' (bind-mounted with the file's own owner and mode)",
            "uid, gid and mode of the file-backed config 'conf' (bind-mounted with the file's own owner and mode)",
        ], ServiceContainerOptions.Unapplied(p, p.GetService("app")!));
    }
}
