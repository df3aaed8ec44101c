using PsContainers.Contract;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime;

namespace PsContainers.Core.Containers;

/// <summary>
/// What New-Container / Invoke-ContainerImage (and compose, kube play, build) ask for. Input only:
/// <see cref="ContainerManager.Create(ContainerCreateOptions, CancellationToken)"/> never changes the options it is given (a
/// pod member's are adjusted in a copy, <see cref="Pods.PodManager.PrepareMember"/>), so one object can create several
/// containers, and <c>with</c> derives a variant of it (a shallow copy: the lists are shared, so change them only
/// before the options are handed over).
/// </summary>
public sealed record ContainerCreateOptions
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
    /// <summary>
    /// The cgroup limits (docker --memory, --memory-swap, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit), in
    /// docker's units (<see cref="ResourceLimits"/>); validated at create, stored as the container's
    /// <see cref="HostConfig.Resources"/>. None by default.
    /// </summary>
    public ResourceLimits Resources { get; set; } = ResourceLimits.None;
    /// <summary>
    /// Every mount, in the container record's form (<see cref="MountSpec"/>, stored as it is in the record's Mounts):
    /// -Volume, then -Tmpfs, then -Mount, each parsed at the edge by <see cref="Volumes.MountParser"/> (ParseVolume,
    /// ParseTmpfs, ParseMount, then ToMountSpec: a bind's source absolute, an anonymous volume named), or built by
    /// compose, kube play and build. Create checks that a bind's host path exists (MountSourceNotFound) and adds the
    /// image's VOLUMEs that no mount covers.
    /// </summary>
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
    /// <summary>
    /// The restart policy (docker run --restart), parsed at the edge by <see cref="ContainerManager.ParseRestart"/>
    /// (InvalidRestartPolicy); <see cref="RestartPolicy.No"/> by default. Not with <see cref="AutoRemove"/>
    /// (ConflictingOptions at create).
    /// </summary>
    public RestartPolicy Restart { get; set; } = RestartPolicy.No;
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
    /// <summary>
    /// The container is started detached (docker run -d): nothing attaches to its streams, so docker's
    /// Config.AttachStdin/AttachStdout/AttachStderr and StdinOnce are recorded false. False for a create (docker create
    /// records attached streams) and an attached run.
    /// </summary>
    public bool Detach { get; set; }
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

    /// <summary>
    /// A file to create and flock (exclusive) in the container's directory before the directory is published, so that
    /// the container never exists without it held: a build's working container (<see cref="Build.BuildWorkingContainer.GuardFile"/>).
    /// The lock is handed back in <see cref="Guard"/>. Null: none.
    /// </summary>
    internal string? GuardFileName { get; set; }

    /// <summary>The lock of <see cref="GuardFileName"/> after <see cref="ContainerManager.Create(ContainerCreateOptions, CancellationToken)"/>, the caller's to dispose.</summary>
    internal Util.FileLock? Guard { get; set; }
}
