using System.Globalization;
using System.Collections.Frozen;
using PsContainers.Contract;
using PsContainers.Core.Util;

namespace PsContainers.Core.Compose;

/// <summary>
/// Turns the merged compose tree into the typed model (compose-go <c>normalize</c> and the typed decode): values are
/// cast at their typed paths (integers, booleans, durations, byte sizes, with an error naming file:line and the
/// path when a cast fails), defaults are filled in (the implicit <c>default</c> network, engine names of networks,
/// volumes, secrets and configs), <c>env_file</c> is folded under <c>environment</c>, and every key the model does
/// not know is reported once by name as a warning (<c>x-</c> keys are extensions and ignored).
/// </summary>
/// <param name="interpolated">false for a <c>-NoInterpolate</c> load: values may still hold <c>${VAR}</c>, so image
/// references are not checked.</param>
internal sealed class ComposeModelBuilder(string project, string workingDirectory, Func<string, string?> lookup, ComposeWarnings warnings, bool interpolated = true)
{
    private static readonly FrozenSet<string> ServiceKeys = FrozenSet.ToFrozenSet<string>(
    [
        "image", "build", "pull_policy", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes",
        "networks", "network_mode", "depends_on", "healthcheck", "restart", "scale", "deploy", "profiles", "labels",
        "annotations", "user", "working_dir", "hostname", "domainname", "init", "privileged", "read_only", "tty",
        "stdin_open", "tmpfs", "cap_add", "cap_drop", "security_opt", "ulimits", "sysctls", "extra_hosts", "dns",
        "dns_search", "dns_opt", "devices", "stop_signal", "stop_grace_period", "secrets", "configs", "shm_size",
        "container_name", "platform", "cpus", "mem_limit", "mem_reservation", "pids_limit", "group_add",
        "memswap_limit", "cpu_shares", "cpuset",
    ], StringComparer.Ordinal);
    private static readonly FrozenSet<string> TopKeys = FrozenSet.ToFrozenSet<string>(["name", "services", "networks", "volumes", "secrets", "configs"], StringComparer.Ordinal);

    public List<ContainerProjectService> Services { get; } = [];
    public List<ContainerProjectNetwork> Networks { get; } = [];
    public List<ContainerProjectVolume> Volumes { get; } = [];
    public List<ContainerProjectSecret> Secrets { get; } = [];
    public List<ContainerProjectSecret> Configs { get; } = [];

    public void Build(ComposeNode root)
    {
        foreach (var (key, value) in root.Map)
        {
            if (key == "version")
                warnings.Add(value, "ObsoleteKey", null, $"{value.Where}: the attribute 'version' is obsolete and ignored");
            else if (!TopKeys.Contains(key)) Unknown(key, value, null);
        }
        if (root["services"] is { } services)
            foreach (var (name, s) in Section(services, "services"))
                Services.Add(Service(name, s));
        bool usesDefault = Services.Any(s => s.Networks.Any(n => n.Name == "default"));
        if (root["networks"] is { } networks)
            foreach (var (key, n) in Section(networks, "networks"))
                Networks.Add(Network(key, n));
        if (usesDefault && Networks.All(n => n.Key != "default"))
            Networks.Insert(0, new ContainerProjectNetwork { Key = "default", Name = $"{project}_default" });
        if (root["volumes"] is { } volumes)
            foreach (var (key, v) in Section(volumes, "volumes"))
                Volumes.Add(Volume(key, v));
        if (root["secrets"] is { } secrets)
            foreach (var (key, v) in Section(secrets, "secrets"))
                Secrets.Add(Secret("secret", key, v));
        if (root["configs"] is { } configs)
            foreach (var (key, v) in Section(configs, "configs"))
                Configs.Add(Secret("config", key, v));
    }

    private static IEnumerable<(string, ComposeNode)> Section(ComposeNode node, string name)
    {
        if (node.IsNull) yield break;
        if (!node.IsMapping) throw Invalid(node, name, "must be a mapping");
        foreach (var (k, v) in node.Map)
            if (!k.StartsWith("x-", StringComparison.Ordinal)) yield return (k, v);
    }

    private void Unknown(string key, ComposeNode value, string? service)
    {
        if (key.StartsWith("x-", StringComparison.Ordinal)) return;
        warnings.Add(value, "UnknownKey", service, $"{value.Where}: '{key}' is not supported and is ignored" + (service is null ? "" : $" (service {service})"), once: key);
    }

    // ---- services ----

    private ContainerProjectService Service(string name, ComposeNode s)
    {
        if (s.IsNull) s = s.NewMapping();
        if (!s.IsMapping) throw Invalid(s, $"services.{name}", "must be a mapping");
        string P(string key) => $"services.{name}.{key}";
        foreach (var (key, value) in s.Map)
            if (!ServiceKeys.Contains(key)) Unknown(key, value, name);

        var deploy = s["deploy"];
        if (deploy is { IsMapping: true })
            foreach (var (key, value) in deploy.Map)
                if (key is not ("replicas" or "resources" or "labels")) Unknown("deploy." + key, value, name);

        int? scale = s["scale"] is { IsNull: false } sc ? Count(sc, P("scale")) : null;
        int? replicas = deploy?["replicas"] is { IsNull: false } rp ? Count(rp, P("deploy.replicas")) : null;
        if (scale is int a && replicas is int b && a != b)
            throw Invalid(s["scale"]!, P("scale"), $"scale ({a}) and deploy.replicas ({b}) disagree");
        var networkMode = Str(s["network_mode"], P("network_mode"));
        var networks = ServiceNetworks(s["networks"], name);
        if (networkMode is not null && networks.Count > 0)
            throw Invalid(s["network_mode"]!, P("network_mode"), "network_mode and networks cannot both be set");
        if (networkMode is null && networks.Count == 0 && s["networks"] is null)
            networks.Add(new ContainerProjectServiceNetwork { Name = "default" });

        return new ContainerProjectService
        {
            Project = project,
            Name = name,
            Image = ImageOf(s["image"], P("image")),
            Build = BuildOf(s["build"], name),
            PullPolicy = PullPolicyOf(s["pull_policy"], P("pull_policy")),
            Command = Words(s["command"], P("command")),
            Entrypoint = Words(s["entrypoint"], P("entrypoint")),
            Environment = EnvironmentOf(s, name),
            EnvironmentFiles = EnvFiles(s["env_file"]).Where(File.Exists).ToList(),
            Ports = Seq(s["ports"], P("ports")).Select(p => Port(p, P("ports"))).ToList(),
            Expose = StrList(s["expose"], P("expose")),
            Volumes = Seq(s["volumes"], P("volumes")).Select(v => Mount(v, P("volumes"))).ToList(),
            Networks = networks,
            NetworkMode = networkMode,
            DependsOn = Dependencies(s["depends_on"], name),
            Healthcheck = Health(s["healthcheck"], name),
            Restart = RestartOf(s["restart"], P("restart")),
            Scale = scale ?? replicas ?? 1,
            Resources = ResourcesOf(s, name),
            Profiles = StrList(s["profiles"], P("profiles")),
            Labels = StrMap(s["labels"], P("labels")),
            Annotations = StrMap(s["annotations"], P("annotations")),
            User = Str(s["user"], P("user")),
            WorkingDir = Str(s["working_dir"], P("working_dir")),
            Hostname = Str(s["hostname"], P("hostname")),
            DomainName = Str(s["domainname"], P("domainname")),
            Init = s["init"] is { IsNull: false } init ? Bool(init, P("init")) : null,
            Privileged = s["privileged"] is { IsNull: false } pv && Bool(pv, P("privileged")),
            ReadOnly = s["read_only"] is { IsNull: false } ro && Bool(ro, P("read_only")),
            Tty = s["tty"] is { IsNull: false } tty && Bool(tty, P("tty")),
            StdinOpen = s["stdin_open"] is { IsNull: false } si && Bool(si, P("stdin_open")),
            Tmpfs = StrList(s["tmpfs"], P("tmpfs")),
            CapAdd = StrList(s["cap_add"], P("cap_add")),
            CapDrop = StrList(s["cap_drop"], P("cap_drop")),
            SecurityOpt = StrList(s["security_opt"], P("security_opt")),
            Ulimits = UlimitsOf(s["ulimits"], name),
            Sysctls = StrMap(s["sysctls"], P("sysctls")),
            ExtraHosts = StrMap(s["extra_hosts"], P("extra_hosts")).Select(kv => $"{kv.Key}:{kv.Value}").ToList(),
            Dns = StrList(s["dns"], P("dns")),
            DnsSearch = StrList(s["dns_search"], P("dns_search")),
            DnsOpt = StrList(s["dns_opt"], P("dns_opt")),
            Devices = StrList(s["devices"], P("devices")),
            GroupAdd = StrList(s["group_add"], P("group_add")),
            StopSignal = StopSignalOf(s["stop_signal"], P("stop_signal")),
            StopGracePeriod = s["stop_grace_period"] is { IsNull: false } sg ? Duration(sg, P("stop_grace_period")) : null,
            Secrets = References(s["secrets"], name, "secrets"),
            Configs = References(s["configs"], name, "configs"),
            ShmSize = s["shm_size"] is { IsNull: false } shm ? Bytes(shm, P("shm_size")) : null,
            ContainerName = ContainerNameOf(s["container_name"], P("container_name")),
            Platform = Str(s["platform"], P("platform")),
            SourceFile = s.File,
            SourceLine = s.Line,
        };
    }

    private ContainerProjectBuild? BuildOf(ComposeNode? b, string service)
    {
        if (b is null || b.IsNull) return null;
        string P(string k) => $"services.{service}.build.{k}";
        if (!b.IsMapping) throw Invalid(b, $"services.{service}.build", "must be a string or a mapping");
        foreach (var (key, value) in b.Map)
            if (key is not ("context" or "dockerfile" or "dockerfile_inline" or "args" or "target" or "labels" or "additional_contexts"
                or "platforms" or "tags" or "network" or "no_cache" or "pull"))
                Unknown("build." + key, value, service);
        var args = new Dictionary<string, string?>();
        if (b["args"] is { IsMapping: true } am)
            foreach (var (k, v) in am.Map) args[k] = v.IsNull ? null : Str(v, P("args"));
        if (b["dockerfile"] is not null && b["dockerfile_inline"] is not null)
            throw Invalid(b, $"services.{service}.build", "dockerfile and dockerfile_inline cannot both be set");
        return new ContainerProjectBuild
        {
            Context = Str(b["context"], P("context")) ?? workingDirectory,
            Dockerfile = Str(b["dockerfile"], P("dockerfile")) ?? (b["dockerfile_inline"] is null ? "Dockerfile" : null),
            DockerfileInline = Str(b["dockerfile_inline"], P("dockerfile_inline")),
            Args = args,
            Target = Str(b["target"], P("target")),
            Labels = StrMap(b["labels"], P("labels")),
            AdditionalContexts = StrMap(b["additional_contexts"], P("additional_contexts")),
            Platforms = StrList(b["platforms"], P("platforms")),
            Tags = StrList(b["tags"], P("tags")),
            Network = Str(b["network"], P("network")),
            NoCache = b["no_cache"] is { IsNull: false } nc && Bool(nc, P("no_cache")),
            Pull = b["pull"] is { IsNull: false } pl && Bool(pl, P("pull")),
        };
    }

    private IEnumerable<string> EnvFiles(ComposeNode? node) =>
        node is { IsSequence: true } ? node.Items.Select(i => i["path"]?.Value).OfType<string>() : [];

    private Dictionary<string, string> EnvironmentOf(ComposeNode s, string service)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s["env_file"] is { IsSequence: true } files)
            foreach (var f in files.Items)
            {
                string path = f["path"]?.Value ?? throw Invalid(f, $"services.{service}.env_file", "needs a path");
                bool required = f["required"] is not { IsNull: false } r || Bool(r, $"services.{service}.env_file.required");
                if (f["format"] is { IsScalar: true } fmt && fmt.Value != "raw" && fmt.Value != "")
                    throw Invalid(fmt, $"services.{service}.env_file.format", $"unknown format '{fmt.Value}'");
                if (!File.Exists(path))
                {
                    if (!required) continue;
                    throw PscException.NotFound(ErrorIds.EnvFileNotFound, $"{f.Where}: service {service}: the env_file '{path}' does not exist", path);
                }
                if (f["format"]?.Value == "raw")
                {
                    foreach (var line in File.ReadAllLines(path))
                        if (line.IndexOf('=') is int eq and > 0) env[line[..eq]] = line[(eq + 1)..];
                }
                else
                    foreach (var (k, v) in DotEnvFile.Read(path, lookup)) env[k] = v;
            }
        if (s["environment"] is { } e && !e.IsNull)
        {
            if (!e.IsMapping) throw Invalid(e, $"services.{service}.environment", "must be a list or a mapping");
            foreach (var (k, v) in e.Map)
            {
                if (v.IsNull)
                {
                    if (lookup(k) is string fromProject) env[k] = fromProject;
                    else env.Remove(k);
                }
                else env[k] = Str(v, $"services.{service}.environment")!;
            }
        }
        return env;
    }

    /// <summary>
    /// A port in the long syntax (the short one was made long by <see cref="ComposeCanonicalizer.ShortPort"/>), with
    /// the engine's <see cref="Networking.PortMapping"/> for it made by the engine's parser from the same pieces
    /// (<see cref="Networking.PortParser.Parse(string?, string?, string, string?)"/>): a bad published port, range or
    /// host_ip fails the load here, naming file:line and the key, instead of the container's create.
    /// </summary>
    private ContainerProjectPort Port(ComposeNode p, string path)
    {
        if (!p.IsMapping) throw Invalid(p, path, "each port must be a string or a mapping");
        foreach (var (key, value) in p.Map)
            if (key is not ("target" or "published" or "host_ip" or "protocol" or "mode" or "name" or "app_protocol")) Unknown("ports." + key, value, null);
        int target = p["target"] is { IsNull: false } t ? Int(t, path + ".target") : throw Invalid(p, path, "a port needs a target");
        if (target is < 1 or > 65535) throw Invalid(p, path + ".target", $"{target} is not a port");
        string? published = Str(p["published"], path + ".published") is { Length: > 0 } pub ? pub : null;
        string? hostIp = Str(p["host_ip"], path + ".host_ip") is { Length: > 0 } ip ? ip : null;
        string protocol = ProtocolOf(p["protocol"], path + ".protocol");
        Networking.PortMapping mapping;
        try { mapping = Networking.PortParser.Parse(hostIp, published, target.ToString(CultureInfo.InvariantCulture), protocol).Single(); }
        catch (PscException e) when (e.ErrorId == ErrorIds.InvalidPortSpec)
        {
            throw PscException.InvalidData(ErrorIds.ComposeInvalid, $"{p.Where}: {path}: {e.Message}", path, e);
        }
        return new ContainerProjectPort
        {
            Target = target,
            Published = published,
            HostIp = hostIp,
            Protocol = protocol,
            Mode = Str(p["mode"], path + ".mode") ?? "ingress",
            Name = Str(p["name"], path + ".name"),
            AppProtocol = Str(p["app_protocol"], path + ".app_protocol"),
            Mapping = mapping,
        };
    }

    private ContainerProjectMount Mount(ComposeNode v, string path)
    {
        if (!v.IsMapping) throw Invalid(v, path, "each volume must be a string or a mapping");
        foreach (var (key, value) in v.Map)
            if (key is not ("type" or "source" or "target" or "read_only" or "bind" or "volume" or "tmpfs" or "consistency"))
                Unknown("volumes." + key, value, null);
        string type = Str(v["type"], path + ".type") ?? throw Invalid(v, path, "a volume needs a type");
        if (type is not ("bind" or "volume" or "tmpfs" or "image" or "npipe" or "cluster"))
            throw Invalid(v["type"]!, path + ".type", $"unknown volume type '{type}'");
        string target = Str(v["target"], path + ".target") ?? throw Invalid(v, path, "a volume needs a target");
        var bind = v["bind"];
        var vol = v["volume"];
        var tmpfs = v["tmpfs"];
        return new ContainerProjectMount
        {
            Type = type,
            Source = Str(v["source"], path + ".source") is { Length: > 0 } src ? src : null,
            Target = target,
            ReadOnly = v["read_only"] is { IsNull: false } ro && Bool(ro, path + ".read_only"),
            CreateHostPath = bind?["create_host_path"] is { IsNull: false } ch ? Bool(ch, path + ".bind.create_host_path") : null,
            Propagation = Str(bind?["propagation"], path + ".bind.propagation"),
            SeLinux = Str(bind?["selinux"], path + ".bind.selinux"),
            NoCopy = vol?["nocopy"] is { IsNull: false } nc && Bool(nc, path + ".volume.nocopy"),
            Subpath = Str(vol?["subpath"], path + ".volume.subpath"),
            TmpfsSize = tmpfs?["size"] is { IsNull: false } size ? Bytes(size, path + ".tmpfs.size") : null,
            TmpfsMode = tmpfs?["mode"] is { IsNull: false } mode ? Octal(mode, path + ".tmpfs.mode") : null,
            Consistency = Str(v["consistency"], path + ".consistency"),
        };
    }

    private List<ContainerProjectServiceNetwork> ServiceNetworks(ComposeNode? node, string service)
    {
        var list = new List<ContainerProjectServiceNetwork>();
        if (node is null || node.IsNull) return list;
        if (!node.IsMapping) throw Invalid(node, $"services.{service}.networks", "must be a list or a mapping");
        foreach (var (key, n) in node.Map)
        {
            string p = $"services.{service}.networks.{key}";
            if (n.IsMapping)
                foreach (var (k, v) in n.Map)
                    if (k is not ("aliases" or "ipv4_address" or "ipv6_address" or "mac_address" or "priority")) Unknown("networks." + k, v, service);
            list.Add(new ContainerProjectServiceNetwork
            {
                Name = key,
                Aliases = StrList(n["aliases"], p + ".aliases"),
                Ipv4Address = Str(n["ipv4_address"], p + ".ipv4_address"),
                Ipv6Address = Str(n["ipv6_address"], p + ".ipv6_address"),
                MacAddress = Str(n["mac_address"], p + ".mac_address"),
                Priority = n["priority"] is { IsNull: false } pr ? Int(pr, p + ".priority") : 0,
            });
        }
        return list;
    }

    private List<ContainerProjectDependency> Dependencies(ComposeNode? node, string service)
    {
        var list = new List<ContainerProjectDependency>();
        if (node is null || node.IsNull) return list;
        if (!node.IsMapping) throw Invalid(node, $"services.{service}.depends_on", "must be a list or a mapping");
        foreach (var (key, d) in node.Map)
        {
            string p = $"services.{service}.depends_on.{key}";
            string condition = Str(d["condition"], p + ".condition") ?? "service_started";
            if (condition is not ("service_started" or "service_healthy" or "service_completed_successfully"))
                throw Invalid(d["condition"]!, p + ".condition", $"unknown condition '{condition}' (service_started, service_healthy, service_completed_successfully)");
            list.Add(new ContainerProjectDependency
            {
                Service = key,
                Condition = condition,
                Required = d["required"] is not { IsNull: false } r || Bool(r, p + ".required"),
                Restart = d["restart"] is { IsNull: false } rs && Bool(rs, p + ".restart"),
                Where = d.Where,
            });
        }
        return list;
    }

    private ContainerProjectHealthcheck? Health(ComposeNode? h, string service)
    {
        if (h is null || h.IsNull) return null;
        string p = $"services.{service}.healthcheck";
        if (!h.IsMapping) throw Invalid(h, p, "must be a mapping");
        foreach (var (k, v) in h.Map)
            if (k is not ("test" or "interval" or "timeout" or "retries" or "start_period" or "start_interval" or "disable")) Unknown("healthcheck." + k, v, service);
        IReadOnlyList<string>? test = h["test"] switch
        {
            null or { IsNull: true } => null,
            { IsScalar: true } t => ["CMD-SHELL", t.Value!],
            { IsSequence: true } t => t.Items.Select(i => Str(i, p + ".test")!).ToList(),
            var t => throw Invalid(t, p + ".test", "must be a string or a list"),
        };
        if (test is { Count: > 0 } && test[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
            throw Invalid(h["test"]!, p + ".test", "a test list starts with CMD, CMD-SHELL or NONE");
        return new ContainerProjectHealthcheck
        {
            Test = test,
            Interval = h["interval"] is { IsNull: false } i ? Duration(i, p + ".interval") : null,
            Timeout = h["timeout"] is { IsNull: false } to ? Duration(to, p + ".timeout") : null,
            Retries = h["retries"] is { IsNull: false } r ? Int(r, p + ".retries") : null,
            StartPeriod = h["start_period"] is { IsNull: false } sp ? Duration(sp, p + ".start_period") : null,
            StartInterval = h["start_interval"] is { IsNull: false } si ? Duration(si, p + ".start_interval") : null,
            Disable = h["disable"] is { IsNull: false } d && Bool(d, p + ".disable"),
        };
    }

    private ContainerProjectResources ResourcesOf(ComposeNode s, string service)
    {
        string p = $"services.{service}.deploy.resources";
        var res = s["deploy"]?["resources"];
        if (res is { IsMapping: true })
            foreach (var (k, v) in res.Map)
                if (k is not ("limits" or "reservations")) Unknown("deploy.resources." + k, v, service);
        var limits = res?["limits"];
        var reservations = res?["reservations"];
        foreach (var (block, name) in new[] { (limits, "limits"), (reservations, "reservations") })
            if (block is { IsMapping: true })
                foreach (var (k, v) in block.Map)
                    if (k is not ("cpus" or "memory" or "pids")) Unknown($"deploy.resources.{name}.{k}", v, service);
        double? Agree(double? a, double? b, string what) =>
            a is double x && b is double y && x != y ? throw Invalid(s, $"services.{service}.{what}", $"{what} ({x}) and {p} ({y}) disagree") : a ?? b;
        long? AgreeL(long? a, long? b, string what) =>
            a is long x && b is long y && x != y ? throw Invalid(s, $"services.{service}.{what}", $"{what} ({x}) and {p} ({y}) disagree") : a ?? b;
        return new ContainerProjectResources
        {
            CpuLimit = Agree(s["cpus"] is { IsNull: false } c ? Float(c, $"services.{service}.cpus") : null,
                limits?["cpus"] is { IsNull: false } lc ? Float(lc, p + ".limits.cpus") : null, "cpus"),
            MemoryLimit = AgreeL(s["mem_limit"] is { IsNull: false } m ? Bytes(m, $"services.{service}.mem_limit") : null,
                limits?["memory"] is { IsNull: false } lm ? Bytes(lm, p + ".limits.memory") : null, "mem_limit"),
            PidsLimit = AgreeL(s["pids_limit"] is { IsNull: false } pl ? Int(pl, $"services.{service}.pids_limit") : null,
                limits?["pids"] is { IsNull: false } lp ? Int(lp, p + ".limits.pids") : null, "pids_limit"),
            CpuReservation = reservations?["cpus"] is { IsNull: false } rc ? Float(rc, p + ".reservations.cpus") : null,
            MemoryReservation = AgreeL(s["mem_reservation"] is { IsNull: false } mr ? Bytes(mr, $"services.{service}.mem_reservation") : null,
                reservations?["memory"] is { IsNull: false } rm ? Bytes(rm, p + ".reservations.memory") : null, "mem_reservation"),
            // docker compose: memswap_limit -1 is unlimited swap; cpu_shares 0 is the default weight (not set)
            MemorySwapLimit = s["memswap_limit"] is { IsNull: false } ms
                ? ms.IsScalar && ms.Value == "-1" ? -1 : Bytes(ms, $"services.{service}.memswap_limit") : null,
            CpuShares = s["cpu_shares"] is { IsNull: false } cs && Int(cs, $"services.{service}.cpu_shares") is int shares and not 0
                ? shares > 0 ? shares : throw Invalid(cs, $"services.{service}.cpu_shares", "must be a positive weight") : null,
            Cpuset = s["cpuset"] is { IsNull: false } set ? Str(set, $"services.{service}.cpuset") : null,
        };
    }

    private List<ContainerProjectUlimit> UlimitsOf(ComposeNode? node, string service)
    {
        var list = new List<ContainerProjectUlimit>();
        if (node is null || node.IsNull) return list;
        if (!node.IsMapping) throw Invalid(node, $"services.{service}.ulimits", "must be a mapping");
        foreach (var (name, u) in node.Map)
        {
            string p = $"services.{service}.ulimits.{name}";
            if (u.IsScalar)
            {
                long v = Int(u, p);
                list.Add(new ContainerProjectUlimit { Name = name, Soft = v, Hard = v });
            }
            else if (u.IsMapping && u["soft"] is { } soft && u["hard"] is { } hard)
                list.Add(new ContainerProjectUlimit { Name = name, Soft = Int(soft, p + ".soft"), Hard = Int(hard, p + ".hard") });
            else throw Invalid(u, p, "must be a number or {soft, hard}");
        }
        return list;
    }

    private List<ContainerProjectFileReference> References(ComposeNode? node, string service, string kind)
    {
        var list = new List<ContainerProjectFileReference>();
        if (node is null || node.IsNull) return list;
        if (!node.IsSequence) throw Invalid(node, $"services.{service}.{kind}", "must be a list");
        foreach (var r in node.Items)
        {
            string p = $"services.{service}.{kind}";
            string source = Str(r["source"], p + ".source") ?? throw Invalid(r, p, "needs a source");
            string target = Str(r["target"], p + ".target") ?? (kind == "secrets" ? $"/run/secrets/{source}" : $"/{source}");
            if (kind == "secrets" && !target.StartsWith('/')) target = $"/run/secrets/{target}";
            else if (!target.StartsWith('/')) target = "/" + target; // a config's target is a path from the root
            list.Add(new ContainerProjectFileReference
            {
                Source = source,
                Target = target,
                Uid = Str(r["uid"], p + ".uid"),
                Gid = Str(r["gid"], p + ".gid"),
                Mode = r["mode"] is { IsNull: false } m ? Octal(m, p + ".mode") : null,
            });
        }
        return list;
    }

    // ---- top-level resources ----

    private ContainerProjectNetwork Network(string key, ComposeNode n)
    {
        string p = $"networks.{key}";
        if (n.IsNull) n = n.NewMapping();
        if (!n.IsMapping) throw Invalid(n, p, "must be a mapping");
        foreach (var (k, v) in n.Map)
            if (k is not ("name" or "driver" or "driver_opts" or "external" or "internal" or "attachable" or "enable_ipv6" or "enable_ipv4" or "ipam" or "labels"))
                Unknown("networks." + k, v, null);
        var (external, externalName) = External(n, p);
        var subnets = new List<ContainerProjectSubnet>();
        if (n["ipam"]?["config"] is { IsSequence: true } cfg)
            foreach (var c in cfg.Items)
                subnets.Add(new ContainerProjectSubnet
                {
                    Subnet = Str(c["subnet"], p + ".ipam.config.subnet") ?? throw Invalid(c, p + ".ipam.config", "needs a subnet"),
                    IpRange = Str(c["ip_range"], p + ".ipam.config.ip_range"),
                    Gateway = Str(c["gateway"], p + ".ipam.config.gateway"),
                });
        string? name = Str(n["name"], p + ".name") ?? externalName;
        return new ContainerProjectNetwork
        {
            Where = n.Where,
            Key = key,
            Name = name ?? (external ? key : $"{project}_{key}"),
            Driver = Str(n["driver"], p + ".driver"),
            DriverOptions = StrMap(n["driver_opts"], p + ".driver_opts"),
            External = external,
            Internal = n["internal"] is { IsNull: false } i && Bool(i, p + ".internal"),
            Attachable = n["attachable"] is { IsNull: false } a && Bool(a, p + ".attachable"),
            EnableIpv6 = n["enable_ipv6"] is { IsNull: false } v6 ? Bool(v6, p + ".enable_ipv6") : null,
            Subnets = subnets,
            IpamDriver = Str(n["ipam"]?["driver"], p + ".ipam.driver"),
            Labels = StrMap(n["labels"], p + ".labels"),
        };
    }

    private ContainerProjectVolume Volume(string key, ComposeNode v)
    {
        string p = $"volumes.{key}";
        if (v.IsNull) v = v.NewMapping();
        if (!v.IsMapping) throw Invalid(v, p, "must be a mapping");
        foreach (var (k, x) in v.Map)
            if (k is not ("name" or "driver" or "driver_opts" or "external" or "labels")) Unknown("volumes." + k, x, null);
        var (external, externalName) = External(v, p);
        string? name = Str(v["name"], p + ".name") ?? externalName;
        return new ContainerProjectVolume
        {
            Where = v.Where,
            Key = key,
            Name = name ?? (external ? key : $"{project}_{key}"),
            Driver = Str(v["driver"], p + ".driver"),
            DriverOptions = StrMap(v["driver_opts"], p + ".driver_opts"),
            External = external,
            Labels = StrMap(v["labels"], p + ".labels"),
        };
    }

    private ContainerProjectSecret Secret(string kind, string key, ComposeNode v)
    {
        string p = $"{kind}s.{key}";
        if (!v.IsMapping) throw Invalid(v, p, "must be a mapping");
        foreach (var (k, x) in v.Map)
            if (k is not ("name" or "file" or "environment" or "content" or "external" or "labels"))
                Unknown($"{kind}s." + k, x, null);
        var (external, externalName) = External(v, p);
        if (kind == "secret" && v["content"] is { } content) throw Invalid(content, p + ".content", "secrets cannot be inline content");
        string? name = Str(v["name"], p + ".name") ?? externalName;
        var result = new ContainerProjectSecret
        {
            Kind = kind,
            Key = key,
            Name = name ?? (external ? key : $"{project}_{key}"),
            File = Str(v["file"], p + ".file"),
            Environment = Str(v["environment"], p + ".environment"),
            EnvironmentValue = Str(v["environment"], p + ".environment") is string variable ? lookup(variable) : null,
            Content = Str(v["content"], p + ".content"),
            External = external,
            Labels = StrMap(v["labels"], p + ".labels"),
        };
        int sources = (result.File is null ? 0 : 1) + (result.Environment is null ? 0 : 1) + (result.Content is null ? 0 : 1) + (external ? 1 : 0);
        if (sources != 1) throw Invalid(v, p, "needs exactly one of file, environment" + (kind == "config" ? ", content" : "") + " or external");
        return result;
    }

    private (bool External, string? Name) External(ComposeNode n, string p) => n["external"] switch
    {
        null or { IsNull: true } => (false, null),
        { IsMapping: true } m => (true, Str(m["name"], p + ".external.name")),
        var b => (Bool(b, p + ".external"), null),
    };

    // ---- typed casts (compose-go's typed paths) ----

    private static PscException Invalid(ComposeNode at, string path, string what) =>
        PscException.InvalidData(ErrorIds.ComposeInvalid, $"{at.Where}: {path} {what}", path);

    internal static string? Str(ComposeNode? n, string path) => n switch
    {
        null or { IsNull: true } => null,
        { IsScalar: true } => n.Value,
        _ => throw Invalid(n, path, "must be a string"),
    };

    /// <summary>
    /// A key the compose-spec schema types as an array (ports, volumes): its items, none when absent or null; a scalar or
    /// a mapping (<c>ports: 8080</c>) fails at its line, as docker compose's "must be a array", instead of being dropped.
    /// </summary>
    private static List<ComposeNode> Seq(ComposeNode? n, string path) => n switch
    {
        null or { IsNull: true } => [],
        { IsSequence: true } => n.Items,
        _ => throw Invalid(n, path, $"must be a list, not '{n.Value ?? n.ToString()}'"),
    };

    private static List<string> StrList(ComposeNode? n, string path) => n switch
    {
        null or { IsNull: true } => [],
        { IsScalar: true } => [n.Value!],
        { IsSequence: true } => n.Items.Select(i => Str(i, path) ?? "").ToList(),
        _ => throw Invalid(n, path, "must be a string or a list"),
    };

    private static Dictionary<string, string> StrMap(ComposeNode? n, string path)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (n is null || n.IsNull) return d;
        if (n.IsSequence)
        {
            foreach (var i in n.Items)
            {
                string t = Str(i, path) ?? "";
                int eq = t.IndexOf('=');
                d[eq < 0 ? t : t[..eq]] = eq < 0 ? "" : t[(eq + 1)..];
            }
            return d;
        }
        if (!n.IsMapping) throw Invalid(n, path, "must be a mapping");
        foreach (var (k, v) in n.Map) d[k] = Str(v, path) ?? "";
        return d;
    }

    private static IReadOnlyList<string>? Words(ComposeNode? n, string path) => n switch
    {
        null or { IsNull: true } => null,
        { IsScalar: true } => ShellWords.Split(n.Value!),
        { IsSequence: true } => n.Items.Select(i => Str(i, path) ?? "").ToList(),
        _ => throw Invalid(n, path, "must be a string or a list"),
    };

    private bool Bool(ComposeNode n, string path)
    {
        switch (n.Value?.ToLowerInvariant())
        {
            case "true": return true;
            case "false": return false;
            case "yes" or "on" or "y":
                warnings.Add(n, "DeprecatedBoolean", null, $"{n.Where}: {path}: '{n.Value}' read as true; write true", once: "bool:" + path);
                return true;
            case "no" or "off" or "n":
                warnings.Add(n, "DeprecatedBoolean", null, $"{n.Where}: {path}: '{n.Value}' read as false; write false", once: "bool:" + path);
                return false;
            default: throw Invalid(n, path, $"must be a boolean, not '{n.Value}'");
        }
    }

    private static int Int(ComposeNode n, string path) =>
        n.IsScalar && int.TryParse(n.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v
        : throw Invalid(n, path, $"must be an integer, not '{n.Value ?? n.ToString()}'");

    private static double Float(ComposeNode n, string path) =>
        n.IsScalar && double.TryParse(n.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? v
        : throw Invalid(n, path, $"must be a number, not '{n.Value ?? n.ToString()}'");

    private static int Octal(ComposeNode n, string path)
    {
        string t = n.Value ?? "";
        if (t.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        try { return t.Length > 0 ? System.Convert.ToInt32(t, 8) : throw new FormatException(); }
        catch (Exception e) when (e is FormatException or OverflowException) { throw Invalid(n, path, $"must be an octal file mode, not '{n.Value}'"); }
    }

    private static TimeSpan Duration(ComposeNode n, string path) =>
        n.IsScalar && GoDuration.TryParse(n.Value, out var d) ? d : throw Invalid(n, path, $"must be a duration such as 30s or 1m30s, not '{n.Value}'");

    /// <summary>
    /// A service's restart policy (compose-spec "restart": no, always, on-failure[:max-retries], unless-stopped), parsed
    /// by the engine's parser (<see cref="RestartPolicy.TryParse"/>, what -Restart uses), so <c>restart: sometimes</c>
    /// fails the load at its line, naming the service and the key, instead of the container's create. Null when unset
    /// or empty (the engine's default, no).
    /// </summary>
    private static RestartPolicy? RestartOf(ComposeNode? n, string path)
    {
        string? text = Str(n, path);
        if (string.IsNullOrEmpty(text)) return null;
        if (RestartPolicy.TryParse(text, out var policy)) return policy;
        throw Invalid(n!, path, $"'{text}' is not a restart policy (no, always, on-failure[:max-retries], unless-stopped)");
    }

    /// <summary>
    /// A service's stop_signal (compose-spec "stop_signal"), checked by the engine's signal parser
    /// (<see cref="Signals.TryParse"/>, what -StopSignal and Stop-Container use: a name with or without SIG in any case,
    /// RTMIN+n/RTMAX-n, or a number 1-64), so a bad one fails the load at its line, naming the service and the key,
    /// instead of the container's stop. Kept as written, as the engine and docker record a stop signal; null when unset.
    /// </summary>
    private static string? StopSignalOf(ComposeNode? n, string path)
    {
        string? text = Str(n, path);
        if (text is null || Signals.TryParse(text, out _)) return text;
        throw Invalid(n!, path, $"'{text}' is not a signal name or number (SIGTERM, TERM, RTMIN+3, 1-64)");
    }

    /// <summary>
    /// A service's image reference after interpolation, checked as the engine will parse it
    /// (<see cref="Images.ImageReference.Parse"/>), so <c>image: "${REG}/app:${TAG}"</c> with TAG unset ("/app:") fails
    /// the load with file:line and the service (InvalidReferenceFormat) instead of the pull or the create. Not checked
    /// when the load is not interpolated.
    /// </summary>
    private string? ImageOf(ComposeNode? n, string path)
    {
        string? text = Str(n, path);
        if (text is null || !interpolated) return text;
        try { Images.ImageReference.Parse(text); }
        catch (PscException e) when (e.ErrorId == ErrorIds.InvalidReferenceFormat)
        {
            throw PscException.InvalidData(ErrorIds.InvalidReferenceFormat, $"{n!.Where}: {path}: {e.Message}", path, e);
        }
        return text;
    }

    /// <summary>
    /// A service's pull_policy, one of the compose-spec "pull_policy" values (always, never, missing, if_not_present,
    /// build, daily, weekly or every_&lt;duration&gt;, a Go duration, e.g. every_12h), read into the engine's -Pull value
    /// by <see cref="ContainerProjectPullPolicy.TryParse"/>; anything else fails at its line, naming the service and the
    /// key, as docker compose refuses it. Null when unset.
    /// </summary>
    private static ContainerProjectPullPolicy? PullPolicyOf(ComposeNode? n, string path)
    {
        string? text = Str(n, path);
        if (text is null) return null;
        if (ContainerProjectPullPolicy.TryParse(text, out var policy)) return policy;
        throw Invalid(n!, path, $"'{text}' is not a pull policy (always, never, missing, if_not_present, build, daily, weekly, every_<duration>)");
    }

    /// <summary>A replica count (scale, deploy.replicas): an integer of 0 or more, as the compose-spec schema's minimum 0.</summary>
    private static int Count(ComposeNode n, string path)
    {
        int v = Int(n, path);
        return v >= 0 ? v : throw Invalid(n, path, $"must be 0 or more, not {v}");
    }

    /// <summary>A port's protocol, lower case: tcp (the default), udp or sctp, what the engine can publish
    /// (<see cref="Networking.PortMapping"/>); anything else fails at its line.</summary>
    private static string ProtocolOf(ComposeNode? n, string path)
    {
        string text = Str(n, path) ?? "tcp";
        string t = text.ToLowerInvariant();
        return t is "tcp" or "udp" or "sctp" ? t : throw Invalid(n!, path, $"'{text}' is not tcp, udp or sctp");
    }

    /// <summary>container_name, checked as the engine checks a container name (<see cref="Containers.ContainerStore.IsValidName"/>:
    /// letters, digits, '_', '.', '-', starting with a letter or digit), so a bad one fails at its line, not at the create.</summary>
    private static string? ContainerNameOf(ComposeNode? n, string path)
    {
        string? text = Str(n, path);
        if (text is null || Containers.ContainerStore.IsValidName(text)) return text;
        throw Invalid(n!, path, $"'{text}' is not a valid container name (letters, digits, '_', '.' and '-', starting with a letter or digit)");
    }

    private static long Bytes(ComposeNode n, string path) =>
        n.IsScalar && ByteSize.TryParse(n.Value, out long b) ? b : throw Invalid(n, path, $"must be a size such as 512m or 1g, not '{n.Value}'");
}
