using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Containers.Files;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Compose;

/// <summary>
/// Turns one replica of a compose service into the engine's <see cref="ContainerCreateOptions"/>, the way docker
/// compose turns a service into a container create request (docker/compose pkg/compose/create.go): every modelled key
/// of <see cref="ContainerProjectService"/> becomes the option <c>docker run</c> has for it, and the container carries
/// docker compose's labels (project, service, container-number, oneoff False, config-hash, project.working_dir,
/// project.config_files, project.environment_file, depends_on) over the service's own labels.
/// </summary>
public static class ServiceContainerOptions
{
    /// <summary>
    /// The container name of replica <paramref name="number"/>: <c>container_name</c> when set, else
    /// <c>&lt;project&gt;-&lt;service&gt;-&lt;number&gt;</c> (compose v2's '-' separator, spec "container_name").
    /// </summary>
    public static string ContainerName(ContainerProject project, ContainerProjectService service, int number) =>
        service.ContainerName ?? $"{project.Name}-{service.Name}-{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// docker compose's depends_on label: "service:condition:restart" per dependency, in the model's order, joined
    /// with ','; "" without dependencies.
    /// </summary>
    public static string DependsOnLabel(ContainerProjectService service) =>
        string.Join(',', service.DependsOn.Select(d => $"{d.Service}:{d.Condition}:{(d.Restart ? "true" : "false")}"));

    /// <summary>
    /// The image a service runs: its <c>image</c>, else the one its <c>build</c> makes, named <c>&lt;project&gt;-&lt;service&gt;</c>
    /// as docker compose v2 names it (compose-spec build.md: "the image name is generated from the project and service").
    /// </summary>
    /// <exception cref="PscException">ComposeBuildNotSupported (InvalidOperation): the service has neither.</exception>
    public static string ImageName(ContainerProject project, ContainerProjectService service) =>
        service.Image ?? (service.Build is not null ? $"{project.Name}-{service.Name}"
            : throw PscException.InvalidOperation(ErrorIds.ComposeBuildNotSupported, $"Service '{service.Name}' has neither an image nor a build section.", service.Name));

    /// <summary>The create options of replica <paramref name="number"/> (from 1) of <paramref name="service"/>.</summary>
    /// <param name="containerOfService">The name of the container whose network namespace a
    /// <c>network_mode: service:&lt;name&gt;</c> joins, given the service name (replica 1 of that service).</param>
    /// <exception cref="PscException">ComposeBuildNotSupported (InvalidOperation) for a service with neither image nor
    /// build; the engine's parse errors (InvalidPort, InvalidVolume, InvalidTmpfs, InvalidExtraHost, InvalidUlimit,
    /// InvalidSysctl, InvalidDevice, InvalidRestartPolicy...) for values the loader kept as text.</exception>
    public static ContainerCreateOptions For(ContainerProject project, ContainerProjectService service, int number, Func<string, string> containerOfService)
    {
        var o = new ContainerCreateOptions
        {
            Image = ImageName(project, service),
            Name = ContainerName(project, service, number),
            Command = service.Command?.ToArray(),
            Entrypoint = service.Entrypoint?.ToArray(),
            WorkingDirectory = service.WorkingDir,
            User = service.User,
            Hostname = service.Hostname,
            Domainname = service.DomainName,
            ShmSize = service.ShmSize,
            Resources = Limits(service.Resources),
            ReadOnly = service.ReadOnly,
            Restart = service.Restart ?? RestartPolicy.No,
            Privileged = service.Privileged,
            StopSignal = service.StopSignal,
            StopTimeout = service.StopGracePeriod is TimeSpan g ? (int)Math.Ceiling(g.TotalSeconds) : null,
            Init = service.Init ?? false,
            Tty = service.Tty,
            Interactive = service.StdinOpen,
            Healthcheck = Health(service.Healthcheck),
        };
        foreach (var (k, v) in service.Environment) o.Environment.Add(k + "=" + v);
        foreach (var (k, v) in service.Labels) o.Labels[k] = v;
        o.Labels[ComposeLabels.Project] = project.Name;
        o.Labels[ComposeLabels.Service] = service.Name;
        o.Labels[ComposeLabels.ContainerNumber] = number.ToString(CultureInfo.InvariantCulture);
        o.Labels[ComposeLabels.OneOff] = "False";
        o.Labels[ComposeLabels.ConfigHash] = service.ConfigHash;
        o.Labels[ComposeLabels.WorkingDir] = project.WorkingDirectory;
        o.Labels[ComposeLabels.ConfigFiles] = string.Join(',', project.ConfigFiles);
        o.Labels[ComposeLabels.EnvironmentFile] = string.Join(',', project.EnvironmentFiles);
        o.Labels[ComposeLabels.DependsOn] = DependsOnLabel(service);
        Network(o, project, service, containerOfService);
        Mounts(o, project, service);
        foreach (var h in service.ExtraHosts) o.AddHosts.Add(ExtraHost.Parse(h));
        o.Dns.AddRange(service.Dns);
        o.DnsSearch.AddRange(service.DnsSearch);
        o.DnsOptions.AddRange(service.DnsOpt);
        o.CapAdd.AddRange(service.CapAdd);
        o.CapDrop.AddRange(service.CapDrop);
        o.Security = SecurityOptions.Parse(service.SecurityOpt);
        foreach (var u in service.Ulimits)
            o.Ulimits.Add(Ulimit.Parse(string.Create(CultureInfo.InvariantCulture, $"{u.Name}={u.Soft}:{u.Hard}")));
        foreach (var (k, v) in service.Sysctls) ContainerSysctls.Add(o.Sysctls, k, v);
        foreach (var d in service.Devices) o.Devices.Add(DeviceMapping.Parse(d));
        o.GroupAdd.AddRange(service.GroupAdd.Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()));
        return o;
    }

    /// <summary>
    /// A service's limits as the containers' <see cref="ResourceLimits"/>, the same record (and checks, at create) as
    /// docker run's flags: mem_limit → Memory, memswap_limit → MemorySwap, cpus → Cpus, cpu_shares → CpuShares, cpuset →
    /// CpusetCpus, pids_limit → PidsLimit (each also from deploy.resources.limits where compose has it). Reservations
    /// have no container limit (<see cref="Unapplied"/> names them).
    /// </summary>
    public static ResourceLimits Limits(ContainerProjectResources r) => new()
    {
        Memory = r.MemoryLimit,
        MemorySwap = r.MemorySwapLimit,
        Cpus = r.CpuLimit,
        // positive (the loader refuses a negative one); out of 2..262144 it is refused at create (InvalidCpuShares)
        CpuShares = r.CpuShares is long shares ? (ulong)shares : null,
        CpusetCpus = r.Cpuset,
        PidsLimit = r.PidsLimit,
    };

    /// <summary>
    /// The keys of <paramref name="service"/> that are set but that <see cref="For"/> does not apply yet (the engine has
    /// no option for them, or compose's part is not built): external secrets and configs (a swarm feature),
    /// expose, platform, resource reservations, ipv6_address and mac_address; the uid, gid and mode of a file-backed
    /// secret or config, by name (docker compose warns those are ignored: the file is bind-mounted as it is). The
    /// caller warns about each, so nothing the files ask for is dropped silently.
    /// </summary>
    public static IReadOnlyList<string> Unapplied(ContainerProject project, ContainerProjectService service)
    {
        var keys = new List<string>();
        var applied = FileBacked(project, service).Concat(ContentBacked(project, service)).Select(f => f.Reference).ToHashSet();
        if (service.Secrets.Any(r => !applied.Contains(r))) keys.Add("secrets (external)");
        if (service.Configs.Any(r => !applied.Contains(r))) keys.Add("configs (external)");
        // a file-backed secret or config is bind-mounted with the host file's owner and mode: docker compose warns that
        // "secrets `uid`, `gid` and `mode` are not supported, they will be ignored" (pkg/compose/create.go); name them
        foreach (var (kind, (r, _)) in FileBacked(project, service).Select(f => (service.Secrets.Contains(f.Reference) ? "secret" : "config", f)))
            if (r.Uid is { Length: > 0 } || r.Gid is { Length: > 0 } || r.Mode is not null)
                keys.Add($"uid, gid and mode of the file-backed {kind} '{r.Source}' (bind-mounted with the file's own owner and mode)");
        if (service.Expose.Count > 0) keys.Add("expose");
        if (service.Platform is not null) keys.Add("platform");
        if (service.Resources.CpuReservation is not null || service.Resources.MemoryReservation is not null) keys.Add("deploy.resources.reservations");
        if (service.Networks.Any(n => n.Ipv6Address is not null)) keys.Add("networks.ipv6_address");
        if (service.Networks.Any(n => n.MacAddress is not null)) keys.Add("networks.mac_address");
        return keys;
    }

    /// <summary>The compose healthcheck in the engine's docker shape (durations in ns, 0 = default); null: the image's.</summary>
    private static HealthConfig? Health(ContainerProjectHealthcheck? h)
    {
        if (h is null) return null;
        if (h.Disable) return new HealthConfig { Test = ["NONE"] };
        static long Ns(TimeSpan? t) => t is TimeSpan v ? HealthConfig.ToNanoseconds(v) : 0;
        return new HealthConfig
        {
            Test = h.Test?.ToArray() ?? [],
            Interval = Ns(h.Interval),
            Timeout = Ns(h.Timeout),
            StartPeriod = Ns(h.StartPeriod),
            StartInterval = Ns(h.StartInterval),
            Retries = h.Retries ?? 0,
        };
    }

    /// <summary>
    /// network_mode (host, none, bridge, container:x, service:x → container:&lt;x's replica 1&gt;) or the project's
    /// networks by engine name, highest priority first; per network (<see cref="ContainerCreateOptions.Endpoints"/>) the
    /// service name and that network's own aliases (spec "aliases": an alias is scoped to the network it is declared
    /// on; the service is reachable by its name on each network) and that network's ipv4_address.
    /// Published ports only without network_mode (the shared namespace decides them).
    /// </summary>
    private static void Network(ContainerCreateOptions o, ContainerProject project, ContainerProjectService service, Func<string, string> containerOfService)
    {
        if (service.NetworkMode is { } mode)
        {
            o.Networks.Add(mode.StartsWith("service:", StringComparison.Ordinal)
                ? NetworkChoice.ContainerPrefix + containerOfService(mode["service:".Length..])
                : mode);
        }
        else
        {
            var joined = service.Networks.OrderByDescending(n => n.Priority).ToList();
            foreach (var n in joined)
            {
                var net = project.Networks.FirstOrDefault(p => p.Key == n.Name)
                    ?? throw PscException.InvalidData(ErrorIds.ComposeUndefinedReference, $"Service '{service.Name}' uses network '{n.Name}', which the project does not define.", n.Name);
                o.Networks.Add(net.Name);
                // spec "aliases": the service name and the aliases of THIS network, on this network only
                o.Endpoints[net.Name] = new EndpointSettings
                {
                    Aliases = new[] { service.Name }.Concat(n.Aliases).Distinct(StringComparer.Ordinal).ToArray(),
                    IPAddress = n.Ipv4Address,
                };
            }
        }
        if (service.NetworkMode is null or "bridge")
            foreach (var p in service.Ports)
                o.Publish.Add(p.Mapping.Copy());
    }

    /// <summary>volumes (bind, named volume by engine name, anonymous, tmpfs) and tmpfs, as New-Container's -Mount/-Tmpfs give them.</summary>
    private static void Mounts(ContainerCreateOptions o, ContainerProject project, ContainerProjectService service)
    {
        foreach (var m in service.Volumes)
        {
            switch (m.Type)
            {
                case "bind":
                    if (m.CreateHostPath == true && m.Source is { } dir && !Path.Exists(dir)) Directory.CreateDirectory(dir);
                    o.Mounts.Add(MountParser.ToMountSpec(new MountRequest
                    {
                        Type = MountKind.Bind, Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly,
                        Options = m.Propagation is null ? [] : [m.Propagation],
                    }));
                    break;
                case "volume":
                    string? name = m.Source is null ? null
                        : project.Volumes.FirstOrDefault(v => v.Key == m.Source)?.Name
                          ?? throw PscException.InvalidData(ErrorIds.ComposeUndefinedReference, $"Service '{service.Name}' mounts volume '{m.Source}', which the project does not define.", m.Source);
                    // an anonymous volume (no name) gets its fresh name and the anonymous option there, as -Volume /path does
                    o.Mounts.Add(MountParser.ToMountSpec(new MountRequest { Type = MountKind.Volume, Source = name, Target = m.Target, ReadOnly = m.ReadOnly, NoCopy = m.NoCopy }));
                    break;
                case "tmpfs":
                    var opts = new List<string>();
                    if (m.TmpfsSize is long size) opts.Add("size=" + size.ToString(CultureInfo.InvariantCulture));
                    if (m.TmpfsMode is int mode) opts.Add("mode=" + Convert.ToString(mode, 8));
                    o.Mounts.Add(MountParser.ToMountSpec(new MountRequest { Type = MountKind.Tmpfs, Target = m.Target, ReadOnly = m.ReadOnly, Options = opts }));
                    break;
                default:
                    throw PscException.InvalidOperation(ErrorIds.ComposeMountNotSupported,
                        $"Service '{service.Name}' mounts a '{m.Type}' volume at {m.Target}; only bind, volume and tmpfs are supported.", service.Name);
            }
        }
        foreach (var t in service.Tmpfs)
        {
            var m = MountParser.ParseTmpfs(t);
            o.Mounts.Add(new MountSpec { Type = MountKind.Tmpfs, Destination = m.Target, ReadOnly = m.ReadOnly, Tmpfs = TmpfsMount.FromOptions(m.Options) });
        }
        foreach (var (r, declared) in FileBacked(project, service))
            o.Mounts.Add(new MountSpec { Type = MountKind.Bind, Source = declared.File!, Destination = r.Target, ReadOnly = true });
        foreach (var (r, declared) in ContentBacked(project, service))
            o.Files.Add(new ContainerFileContent
            {
                Path = r.Target,
                Content = System.Text.Encoding.UTF8.GetBytes(declared.Content ?? declared.EnvironmentValue
                    ?? throw PscException.InvalidArgument(ErrorIds.ComposeSecretNotSet,
                        $"Service '{service.Name}' uses the {declared.Kind} '{declared.Key}', whose environment variable '{declared.Environment}' is not set.", declared.Environment)),
                Mode = r.Mode is int m ? (uint)m : 0x124,
                Uid = Id(r.Uid, "uid"),
                Gid = Id(r.Gid, "gid"),
            });

        uint Id(string? value, string what) =>
            value is null or "" ? 0
            : uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw PscException.InvalidArgument(ErrorIds.ComposeInvalid, $"Service '{service.Name}': the {what} of a secret or config must be a number, not '{value}'.", value);
    }

    /// <summary>
    /// Keep a recreated container's data: each of the old container's anonymous volumes (<paramref name="inherited"/>)
    /// is mounted again at its destination, instead of a new anonymous volume there, and added when only the image's
    /// VOLUME asked for it; a destination the new options give to something else (a named volume, a bind, a tmpfs)
    /// keeps that. As docker compose does on recreate without --renew-anon-volumes (pkg/compose/create.go).
    /// </summary>
    public static void InheritAnonymousVolumes(ContainerCreateOptions o, IReadOnlyList<MountSpec> inherited)
    {
        foreach (var old in inherited)
        {
            string dest = VolumeMounter.NormalizeTarget(old.Destination);
            var slot = o.Mounts.FirstOrDefault(m => VolumeMounter.NormalizeTarget(m.Destination) == dest);
            if (slot is null)
                o.Mounts.Add(new MountSpec { Type = MountKind.Volume, Source = old.Name, Destination = old.Destination, ReadOnly = old.ReadOnly, Options = old.Options.ToArray() });
            else if (slot is { Type: MountKind.Volume } && slot.Options.Contains(MountSpec.AnonymousOption))
                slot.Source = old.Name;
        }
    }

    /// <summary>
    /// The service's secrets and configs given by <c>environment:</c> (a project environment variable) or, for configs,
    /// <c>content:</c>: docker compose copies each into the created container as a file at the target, owned by
    /// uid:gid (0:0 by default) with the reference's mode (0444 by default), before the container starts
    /// (pkg/compose/secrets.go). The engine does the same through <see cref="ContainerCreateOptions.Files"/>.
    /// </summary>
    public static IEnumerable<(ContainerProjectFileReference Reference, ContainerProjectSecret Declared)> ContentBacked(ContainerProject project, ContainerProjectService service) =>
        References(project, service).Where(x => x.Declared is { File: null, External: false } d && (d.Environment is not null || d.Content is not null));

    /// <summary>
    /// The service's secrets and configs whose content is a file (spec "secrets"/"configs" with <c>file:</c>), with
    /// their declaration: docker compose bind-mounts such a file read-only at the target (<c>/run/secrets/&lt;name&gt;</c>
    /// or <c>/&lt;name&gt;</c> by default). Those given by <c>environment:</c> or <c>content:</c> are
    /// <see cref="ContentBacked"/>; <c>external</c> ones are not applied (<see cref="Unapplied"/> names them).
    /// </summary>
    public static IEnumerable<(ContainerProjectFileReference Reference, ContainerProjectSecret Declared)> FileBacked(ContainerProject project, ContainerProjectService service) =>
        References(project, service).Where(x => x.Declared is { File: not null, External: false });

    /// <summary>The service's secret and config references, each with the project's declaration it names (secrets first).</summary>
    private static IEnumerable<(ContainerProjectFileReference Reference, ContainerProjectSecret Declared)> References(ContainerProject project, ContainerProjectService service)
    {
        foreach (var (refs, declared) in new[] { (service.Secrets, project.Secrets), (service.Configs, project.Configs) })
            foreach (var r in refs)
                if (declared.FirstOrDefault(d => d.Key == r.Source) is { } d)
                    yield return (r, d);
    }
}
