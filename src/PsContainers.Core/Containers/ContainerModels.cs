using System.Globalization;
using System.Text.Json.Serialization;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>What the process inside runs and how (docker's Config section).</summary>
public sealed class ContainerConfig
{
    public string? Hostname { get; set; }
    /// <summary>The NIS domain name of the container's UTS namespace (docker --domainname, Config.Domainname); null for none.</summary>
    public string? Domainname { get; set; }
    public string? User { get; set; }
    public string[] Entrypoint { get; set; } = [];
    public string[] Cmd { get; set; } = [];
    public string[] Env { get; set; } = [];
    public string? WorkingDir { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public string? StopSignal { get; set; }
    public int? StopTimeout { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new();
    /// <summary>
    /// docker inspect's Config.ExposedPorts as "&lt;port&gt;/&lt;protocol&gt;" ("80/tcp"): the image's EXPOSEd
    /// ports and the ports published at create, each once, recorded at create (empty in records written before).
    /// </summary>
    public string[] ExposedPorts { get; set; } = [];
    /// <summary>
    /// The healthcheck in effect: the -Health* parameters over the image's HEALTHCHECK (<see cref="HealthConfig.Merge"/>),
    /// docker inspect's Config.Healthcheck; null when neither has one; Test ["NONE"] with -NoHealthcheck.
    /// </summary>
    public HealthConfig? Healthcheck { get; set; }
}

/// <summary>
/// Resource limits and host-side settings (docker's HostConfig section). Every option is parsed once, when the
/// container is created, and stored typed.
/// </summary>
public sealed class HostConfig
{
    /// <summary>The memory limit in bytes, or null for none.</summary>
    public long? Memory { get; set; }
    /// <summary>CPU time as a number of CPUs (1.5 = one and a half), or null for no limit.</summary>
    public double? Cpus { get; set; }
    /// <summary>The most processes (tasks) at once; -1 or null for no limit.</summary>
    public long? PidsLimit { get; set; }
    /// <summary>Memory plus swap in bytes (docker --memory-swap; -1 = unlimited swap); null: twice <see cref="Memory"/>, docker's default.</summary>
    public long? MemorySwap { get; set; }
    /// <summary>The relative CPU weight (docker --cpu-shares, cgroup v1 cpu.shares; default 1024), or null.</summary>
    public ulong? CpuShares { get; set; }
    /// <summary>The CPUs the container may run on, in cpuset list form ("0-2,4"; docker --cpuset-cpus), or null for all.</summary>
    public string? CpusetCpus { get; set; }
    /// <summary>
    /// docker inspect's {"Name":"on-failure","MaximumRetryCount":3}. Records written before it was typed hold the
    /// --restart text here and the count in a sibling MaximumRetryCount; both still read.
    /// </summary>
    public RestartPolicy RestartPolicy
    {
        get => _restart;
        set => _restart = _legacyRetryCount is int n && value.Name == RestartPolicyName.OnFailure && value.MaximumRetryCount == 0 ? value with { MaximumRetryCount = n } : value;
    }
    private RestartPolicy _restart = RestartPolicy.No;

    /// <summary>Read only, from records of the older shape (HostConfig.MaximumRetryCount beside a string RestartPolicy); never written.</summary>
    [JsonPropertyName("MaximumRetryCount")]
    [JsonInclude]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private int? LegacyMaximumRetryCount { get => null; set { _legacyRetryCount = value; RestartPolicy = _restart; } }
    private int? _legacyRetryCount;
    /// <summary>None, Host, Bridge or Container (decided at create; the bridge networks are in <see cref="Container.NetworkSettings"/>).</summary>
    public NetworkMode NetworkMode { get; set; } = NetworkMode.None;
    /// <summary>
    /// With <see cref="NetworkMode.Container"/>: the full id (64 hex characters) of the container whose network
    /// namespace this one joins, resolved once at create from the name or id given (docker resolves it to the id too);
    /// null in the other modes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NetworkContainerId { get; set; }
    /// <summary>
    /// The network mode as docker inspect spells HostConfig.NetworkMode: "bridge", "host", "none", or
    /// "container:&lt;id&gt;" (the full id) for a shared network namespace. Computed, not stored.
    /// </summary>
    [JsonIgnore]
    public string NetworkModeName => NetworkMode == NetworkMode.Container
        ? Networking.NetworkChoice.ContainerPrefix + NetworkContainerId
        : Networking.NetworkChoice.Name(NetworkMode);
    /// <summary>
    /// Name servers written to the container's /etc/resolv.conf instead of the host's (docker --dns, compose
    /// <c>dns</c>): IP addresses, in order. Empty: the host's, or the user network's own name server.
    /// </summary>
    public string[] Dns { get; set; } = [];
    /// <summary>
    /// Extra /etc/hosts entries (docker --add-host, compose <c>extra_hosts</c>) as "name:address", in order; the
    /// address "host-gateway" stands for the gateway of the container's first network (docker's host-gateway).
    /// </summary>
    public string[] ExtraHosts { get; set; } = [];
    /// <summary>
    /// Published ports, parsed (-Publish, and the image's EXPOSEd ports with -PublishAll). A HostPort of 0 is chosen at
    /// start; Get-ContainerPort shows the ports in use. Stored in docker's shape: {"80/tcp":[{"HostIp":"","HostPort":"8080"}]}.
    /// </summary>
    [JsonConverter(typeof(PortBindingsJsonConverter))]
    public List<PortMapping> PortBindings { get; set; } = new();
    /// <summary>-PublishAll (docker -P): the image's EXPOSEd ports were published on free host ports.</summary>
    public bool PublishAllPorts { get; set; }
    /// <summary>docker inspect's HostConfig.DnsSearch.</summary>
    public string[] DnsSearch { get; set; } = [];
    /// <summary>docker inspect's HostConfig.DnsOptions.</summary>
    public string[] DnsOptions { get; set; } = [];
    public bool ReadonlyRootfs { get; set; }
    /// <summary>
    /// With <see cref="ReadonlyRootfs"/>: writable tmpfs on /tmp, /var/tmp and /run (podman's --read-only-tmpfs, default
    /// true, also for records written before it was stored; <see cref="TmpfsSpecContributor.ReadOnlyTmpfsPaths"/>).
    /// </summary>
    public bool ReadOnlyTmpfs { get; set; } = true;
    public bool Privileged { get; set; }
    public string[] CapAdd { get; set; } = [];
    public string[] CapDrop { get; set; } = [];
    /// <summary>Resource limits of the process (docker --ulimit): {Name, Soft, Hard}; ulong.MaxValue is unlimited.</summary>
    public List<Ulimit> Ulimits { get; set; } = new();
    public bool AutoRemove { get; set; }
    public bool Init { get; set; }
    /// <summary>-SecurityOption (docker --security-opt), parsed; defaults when none was given.</summary>
    public SecurityOptions SecurityOptions { get; set; } = new();
    /// <summary>
    /// The size of the container's /dev/shm tmpfs in bytes (docker --shm-size, HostConfig.ShmSize); docker's default
    /// 64 MiB (67108864) when none was given, also for records written before it was stored.
    /// </summary>
    public long ShmSize { get; set; } = DefaultShmSize;
    /// <summary>docker's default /dev/shm size: 64 MiB.</summary>
    public const long DefaultShmSize = 64L * 1024 * 1024;
    /// <summary>Namespaced kernel parameters, name → value (docker --sysctl, HostConfig.Sysctls; <see cref="ContainerSysctls"/>).</summary>
    public Dictionary<string, string> Sysctls { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Host devices given to the container (docker --device, HostConfig.Devices; <see cref="DeviceMapping"/>).</summary>
    public List<DeviceMapping> Devices { get; set; } = new();
    /// <summary>
    /// Extra supplementary groups of the process (docker --group-add, HostConfig.GroupAdd): group names, resolved in
    /// the container's /etc/group at start, or numeric gids, appended after the user's own groups.
    /// </summary>
    public string[] GroupAdd { get; set; } = [];

    /// <summary>
    /// docker inspect's HostConfig.Binds: the container's bind mounts and named volumes in -Volume form,
    /// "source:destination" with ":ro" when read-only (a volume's source is its name), in mount order. Computed from
    /// <see cref="Container.Mounts"/>, not stored.
    /// </summary>
    [JsonIgnore]
    public string[] Binds => _owner?.Mounts.Where(m => m.Type == MountKind.Bind || (m.Type == MountKind.Volume && !m.Options.Contains(MountSpec.AnonymousOption)))
        .Select(m => m.ToString()).ToArray() ?? [];
    internal Container? _owner;
}

/// <summary>The runtime state: what the monitor recorded, reconciled with what is alive.</summary>
public sealed class ContainerState
{
    public ContainerStatus Status { get; set; } = ContainerStatus.Created;
    public bool Running => Status is ContainerStatus.Running or ContainerStatus.Paused or ContainerStatus.Restarting;
    public bool Paused => Status == ContainerStatus.Paused;
    /// <summary>docker inspect's State.Dead: the container could not be stopped or removed cleanly (<see cref="ContainerStatus.Dead"/>).</summary>
    public bool Dead => Status == ContainerStatus.Dead;
    public int Pid { get; set; }
    public int MonitorPid { get; set; }
    public int? ExitCode { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int RestartCount { get; set; }
    public string? Error { get; set; }
    /// <summary>
    /// docker inspect's State.OOMKilled: the kernel's OOM killer killed a process of the container's memory cgroup
    /// during the run that ended (read by pscmon from memory.oom_control's oom_kill on cgroup v1, memory.events on
    /// v2, before the cgroup is deleted). False while running and after a start.
    /// </summary>
    public bool OOMKilled { get; set; }
    /// <summary>
    /// The healthcheck's results as the monitor recorded them (docker inspect's State.Health), or null when the
    /// container has no active healthcheck. Starting until the first probe result of a run.
    /// </summary>
    public ContainerHealth? Health { get; set; }

    /// <summary>
    /// Recorded as running, but its monitor is gone: reported exited from what is known until
    /// <see cref="ContainerManager.Reconcile"/> cleans up what it left and records the exit.
    /// </summary>
    internal bool MonitorLost { get; set; }
}

/// <summary>
/// A container: the full inspect data (docker inspect), shown compactly like docker ps.
/// Persisted as container.json (the definition) and state.json (the monitor's record).
/// </summary>
public sealed class Container
{
    /// <summary>64 lowercase hex characters.</summary>
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    public Container() => _hostConfig._owner = this;

    /// <summary>The image reference the container was created from.</summary>
    public string Image { get; set; } = "";
    public string ImageId { get; set; } = "";
    public DateTime Created { get; set; }
    public ContainerConfig Config { get; set; } = new();
    public HostConfig HostConfig
    {
        get => _hostConfig;
        set { _hostConfig = value; value._owner = this; }
    }
    private HostConfig _hostConfig = new();
    /// <summary>The networks it joins and its settings on each (Bridge mode).</summary>
    public ContainerNetworkSettings NetworkSettings { get; set; } = new();
    public List<MountSpec> Mounts { get; set; } = new();
    /// <summary>The OCI runtime executable that runs this container.</summary>
    public string Runtime { get; set; } = "";
    /// <summary>The full id of the pod the container belongs to (podman inspect's Pod), its infra container included; null for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pod { get; set; }

    [JsonIgnore] public ContainerState State { get; set; } = new();
    [JsonIgnore] public string? Path { get; set; }

    [JsonIgnore] public string ShortId => Id.Length > 12 ? Id[..12] : Id;
    [JsonIgnore] public ContainerStatus Status => State.Status;
    [JsonIgnore] public int? ExitCode => State.ExitCode;
    /// <summary>Why the container failed to start (docker's State.Error); null when it did not fail.</summary>
    [JsonIgnore] public string? Error => State.Error;
    /// <summary>
    /// The hostname its UTS namespace gets: <see cref="ContainerConfig.Hostname"/>; on the host's network null (the
    /// host's own, as docker gives it) unless -Hostname named one (docker since moby #20177). A record written before
    /// this rule holds the short id there, which is taken as none.
    /// </summary>
    [JsonIgnore] public string? UtsHostname => HostConfig.NetworkMode == NetworkMode.Host && (string.IsNullOrEmpty(Config.Hostname) || Config.Hostname == ShortId)
        ? null : Config.Hostname;
    [JsonIgnore] public int Pid => State.Pid;
    [JsonIgnore] public int RestartCount => State.RestartCount;
    [JsonIgnore] public Dictionary<string, string> Labels => Config.Labels;
    /// <summary>The compose project (label com.docker.compose.project); null when the container belongs to none.</summary>
    [JsonIgnore] public string? Project => ComposeLabels.Get(Config.Labels, ComposeLabels.Project);
    /// <summary>The compose service (label com.docker.compose.service); null when absent.</summary>
    [JsonIgnore] public string? Service => ComposeLabels.Get(Config.Labels, ComposeLabels.Service);
    /// <summary>The replica number of its service, from 1 (label com.docker.compose.container-number); null when absent.</summary>
    [JsonIgnore] public int? Number => ComposeLabels.Number(Config.Labels);
    /// <summary>A one-off container of docker compose run (label com.docker.compose.oneoff True); false when absent.</summary>
    [JsonIgnore] public bool OneOff => ComposeLabels.IsOneOff(Config.Labels);
    [JsonIgnore] public string Command => string.Join(' ', Config.Entrypoint.Concat(Config.Cmd).Select(Quote));
    /// <summary>
    /// docker ps' PORTS column for the ports asked for: "0.0.0.0:8080->80/tcp"; a port chosen at start shows as
    /// "80/tcp" (Get-ContainerPort shows the host ports in use).
    /// </summary>
    [JsonIgnore] public string Ports => PortMapping.Format(HostConfig.PortBindings);
    [JsonIgnore] public string? LogPath => Path is null ? null : System.IO.Path.Combine(Path, "json.log");
    [JsonIgnore] public string? BundlePath => Path;
    [JsonIgnore] public string? RootfsPath => Path is null ? null : System.IO.Path.Combine(Path, "rootfs");

    /// <summary>docker ps' STATUS column: "Up 5 minutes", "Exited (0) 2 minutes ago", "Created".</summary>
    [JsonIgnore]
    public string StatusText => FormatStatus(State, DateTime.UtcNow);

    /// <summary>docker ps' CREATED column: "2 minutes ago".</summary>
    [JsonIgnore]
    public string CreatedText => HumanDuration(DateTime.UtcNow - Created.ToUniversalTime()) + " ago";

    /// <summary>
    /// The STATUS column of the table views, <see cref="StatusText"/> with short times (<see cref="HumanFormat.Short"/>)
    /// so that it fits 80 columns: "Up 2m (healthy)", "Exited (0) 3h ago", "Created".
    /// </summary>
    [JsonIgnore]
    public string StatusShort => FormatStatus(State, DateTime.UtcNow, HumanFormat.Short);

    /// <summary>The CREATED column of the table views: "3s ago" (<see cref="HumanFormat.Short"/>).</summary>
    [JsonIgnore]
    public string CreatedShort => HumanFormat.ShortAgo(Created);

    public override string ToString() => Name;

    private static string Quote(string s) => s.Length == 0 || s.Any(char.IsWhiteSpace) ? $"\"{s}\"" : s;

    public static string FormatStatus(ContainerState s, DateTime nowUtc) => FormatStatus(s, nowUtc, HumanDuration);

    /// <summary>docker ps' STATUS words with durations written by <paramref name="duration"/>.</summary>
    public static string FormatStatus(ContainerState s, DateTime nowUtc, Func<TimeSpan, string> duration) => s.Status switch
    {
        ContainerStatus.Running => "Up " + duration(nowUtc - (s.StartedAt ?? nowUtc).ToUniversalTime()) + HealthSuffix(s.Health),
        ContainerStatus.Paused => "Up " + duration(nowUtc - (s.StartedAt ?? nowUtc).ToUniversalTime()) + " (Paused)",
        ContainerStatus.Restarting => $"Restarting ({s.ExitCode ?? 0}) " + duration(nowUtc - (s.FinishedAt ?? nowUtc).ToUniversalTime()) + " ago",
        ContainerStatus.Exited => $"Exited ({s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}) " +
            (s.FinishedAt is DateTime f ? duration(nowUtc - f.ToUniversalTime()) + " ago" : ""),
        _ => s.Status.ToString(),
    };

    /// <summary>docker ps' health after "Up ...": " (healthy)", " (unhealthy)", " (health: starting)"; "" without a healthcheck.</summary>
    private static string HealthSuffix(ContainerHealth? h) => h?.Status switch
    {
        HealthStatus.Healthy => " (healthy)",
        HealthStatus.Unhealthy => " (unhealthy)",
        HealthStatus.Starting => " (health: starting)",
        _ => "",
    };

    /// <summary>docker's units.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        double sec = d.TotalSeconds;
        if (sec < 1) return "Less than a second";
        if (sec < 2) return "1 second";
        if (sec < 60) return $"{(int)sec} seconds";
        double min = d.TotalMinutes;
        if (min < 2) return "About a minute";
        if (min < 60) return $"{(int)min} minutes";
        double h = d.TotalHours;
        if (Math.Round(h) == 1) return "About an hour";
        if (h < 48) return $"{(int)Math.Round(h)} hours";
        if (h < 24 * 7 * 2) return $"{(int)(h / 24)} days";
        if (h < 24 * 30 * 2) return $"{(int)(h / 24 / 7)} weeks";
        if (h < 24 * 365 * 2) return $"{(int)(h / 24 / 30)} months";
        return $"{(int)(h / 24 / 365)} years";
    }
}

/// <summary>One log record (docker json-file): prints as its text.</summary>
public sealed class ContainerLogEntry
{
    public DateTime Time { get; set; }
    public string Stream { get; set; } = "stdout";
    public string Text { get; set; } = "";
    public string ContainerId { get; set; } = "";
    public string ContainerName { get; set; } = "";
    /// <summary>The compose project of the container (<see cref="Container.Project"/>); null when none.</summary>
    public string? Project { get; set; }
    /// <summary>The compose service of the container (<see cref="Container.Service"/>); null when none.</summary>
    public string? Service { get; set; }
    /// <summary>
    /// What the log view prints before " | " (docker compose logs): the container name minus "&lt;project&gt;-"
    /// (<see cref="ComposeLabels.LogPrefix"/>), padded to the longest of the containers read together; null: no prefix
    /// (Get-ContainerLog sets it with -Project, unless -NoLogPrefix).
    /// </summary>
    public string? Prefix { get; set; }
    /// <summary>False when the record is the first part of a line longer than 16 KiB.</summary>
    public bool Complete { get; set; } = true;
    /// <summary>Print the time before the text (Get-ContainerLog -Timestamps).</summary>
    public bool ShowTimestamp { get; set; }
    public override string ToString() =>
        (Prefix is null ? "" : Prefix + " | ")
        + (ShowTimestamp ? Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " + Text : Text);
}

/// <summary>A process inside a container (docker top).</summary>
public sealed class ContainerProcess
{
    public string ContainerName { get; set; } = "";
    public int Pid { get; set; }
    public int ParentPid { get; set; }
    public int? ContainerPid { get; set; }
    public string User { get; set; } = "";
    public string State { get; set; } = "";
    public TimeSpan CpuTime { get; set; }
    public long MemoryBytes { get; set; }
    public DateTime StartTime { get; set; }
    public string Command { get; set; } = "";
}

/// <summary>One resource-usage sample (docker stats).</summary>
public sealed class ContainerStatistic
{
    public string ContainerId { get; set; } = "";
    public string Name { get; set; } = "";
    public DateTime Time { get; set; }
    public double CpuPercent { get; set; }
    public long MemoryUsage { get; set; }
    public long? MemoryLimit { get; set; }
    public double MemoryPercent { get; set; }
    public long Pids { get; set; }
    public long BlockRead { get; set; }
    public long BlockWrite { get; set; }
    public int CgroupVersion { get; set; }
}

/// <summary>What New-Container / Invoke-ContainerImage ask for.</summary>
public sealed class ContainerCreateOptions
{
    public string Image { get; set; } = "";
    public string? Name { get; set; }
    public string[]? Command { get; set; }
    public string[]? Entrypoint { get; set; }
    /// <summary>K=V pairs; later entries win.</summary>
    public List<string> Environment { get; set; } = new();
    public string? WorkingDirectory { get; set; }
    public string? User { get; set; }
    public string? Hostname { get; set; }
    /// <summary>The UTS domain name (docker --domainname); null for none.</summary>
    public string? Domainname { get; set; }
    /// <summary>The /dev/shm size in bytes (docker --shm-size); null for docker's 64 MiB.</summary>
    public long? ShmSize { get; set; }
    /// <summary>Namespaced kernel parameters (docker --sysctl), parsed (<see cref="ContainerSysctls.Parse"/>); checked at create.</summary>
    public Dictionary<string, string> Sysctls { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Host devices (docker --device), parsed (<see cref="DeviceMapping.Parse"/>); their nodes are checked at create.</summary>
    public List<DeviceMapping> Devices { get; set; } = new();
    /// <summary>Extra supplementary groups (docker --group-add): names in the container's /etc/group, or gids.</summary>
    public List<string> GroupAdd { get; set; } = new();
    /// <summary>The memory limit in bytes.</summary>
    public long? Memory { get; set; }
    /// <summary>CPU time as a number of CPUs.</summary>
    public double? Cpus { get; set; }
    public long? PidsLimit { get; set; }
    /// <summary>host:container[:ro] bind mounts and name:container volumes (parsed by <see cref="Volumes.MountParser.ParseVolume"/>).</summary>
    public List<string> Volumes { get; set; } = new();
    /// <summary>Mounts in parsed form: -Mount, -Tmpfs, anonymous volumes.</summary>
    public List<MountSpec> Mounts { get; set; } = new();
    /// <summary>
    /// Files written into the container's root file system at create, before its first start (compose secrets and configs
    /// from an environment variable or inline content). Not stored in the container's record.
    /// </summary>
    public List<Files.ContainerFileContent> Files { get; set; } = new();
    /// <summary>Published ports, parsed (<see cref="PortParser"/>); the host ports of 0 are chosen at start.</summary>
    public List<PortMapping> Publish { get; set; } = new();
    /// <summary>-PublishAll: also publish the image's EXPOSEd ports on free host ports.</summary>
    public bool PublishAll { get; set; }
    /// <summary>Networks to join: none, host, or network names (decided by <see cref="NetworkChoice.Decide"/>); empty = the default.</summary>
    public List<string> Networks { get; set; } = new();
    /// <summary>A fixed IPv4 address on the first network (-IPAddress).</summary>
    public string? IPAddress { get; set; }
    /// <summary>Extra names on every network joined (docker --network-alias).</summary>
    public List<string> Aliases { get; set; } = new();
    /// <summary>
    /// Settings of single networks by network name, as docker's create request gives them (EndpointsConfig; compose's
    /// <c>networks.&lt;name&gt;.aliases</c> and <c>ipv4_address</c>): their aliases are added to <see cref="Aliases"/>
    /// on that network only, their IPAddress replaces <see cref="IPAddress"/> there. A name not in
    /// <see cref="Networks"/> is ignored.
    /// </summary>
    public Dictionary<string, EndpointSettings> Endpoints { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Name servers instead of the host's (docker --dns): IP addresses, checked at create.</summary>
    public List<string> Dns { get; set; } = new();
    /// <summary>Search domains instead of the host's (docker --dns-search; "." alone clears them).</summary>
    public List<string> DnsSearch { get; set; } = new();
    /// <summary>resolv.conf options instead of the host's (docker --dns-option).</summary>
    public List<string> DnsOptions { get; set; } = new();
    /// <summary>
    /// Extra /etc/hosts entries (docker --add-host, compose extra_hosts), parsed by <see cref="ExtraHost.Parse"/>
    /// ("name:address" or "name=address"; the address may be "host-gateway").
    /// </summary>
    public List<ExtraHost> AddHosts { get; set; } = new();
    public bool ReadOnly { get; set; }
    /// <summary>With <see cref="ReadOnly"/>: writable tmpfs on /tmp, /var/tmp and /run (podman's --read-only-tmpfs); default true.</summary>
    public bool ReadOnlyTmpfs { get; set; } = true;
    public Dictionary<string, string> Labels { get; set; } = new();
    public string Restart { get; set; } = "no";
    public List<string> CapAdd { get; set; } = new();
    public List<string> CapDrop { get; set; } = new();
    public bool Privileged { get; set; }
    /// <summary>Process resource limits, parsed (<see cref="Ulimit.Parse"/>).</summary>
    public List<Ulimit> Ulimits { get; set; } = new();
    public string? StopSignal { get; set; }
    public int? StopTimeout { get; set; }
    public bool Init { get; set; }
    public bool Interactive { get; set; }
    public bool Tty { get; set; }
    public bool AutoRemove { get; set; }
    /// <summary>-SecurityOption, parsed (<see cref="Containers.SecurityOptions.Parse"/>).</summary>
    public SecurityOptions Security { get; set; } = new();
    /// <summary>
    /// The -Health* parameters in docker's shape (zero fields and an empty Test take the image's values), Test
    /// ["NONE"] for -NoHealthcheck; null when none was given (the image's healthcheck applies).
    /// </summary>
    public HealthConfig? Healthcheck { get; set; }
    /// <summary>
    /// The pod to join (a name, id or id prefix; podman run --pod): the container shares the namespaces of the pod's
    /// infra container (<see cref="Pods.PodManager.PrepareMember"/>), so its network settings and hostname are the pod's.
    /// </summary>
    public string? Pod { get; set; }

    /// <summary>
    /// Leave the image's VOLUMEs as ordinary directories of the root file system instead of anonymous volumes: what a
    /// build's working container needs, since BuildKit keeps VOLUME paths in the rootfs during a build (a RUN's writes
    /// there persist in its layer, and no volume is made per step). Default false (docker run's behaviour).
    /// </summary>
    public bool IgnoreImageVolumes { get; set; }
}
