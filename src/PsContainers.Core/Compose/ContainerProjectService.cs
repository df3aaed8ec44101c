namespace PsContainers.Core.Compose;

/// <summary>
/// One service of a loaded compose project, fully interpolated, merged and normalized (what <c>docker compose
/// config</c> prints for it): long syntax for ports and mounts, absolute paths, <c>env_file</c> folded into
/// <see cref="Environment"/>, the implicit <c>default</c> network, dependencies in the long form. Keys follow the
/// compose-spec names (spec.md "Services top-level element"); a null property means "not set in the files" and the
/// engine's (or the image's) default applies. The orchestration reads this object; nothing here has run anything.
/// </summary>
public sealed class ContainerProjectService
{
    /// <summary>The project's name.</summary>
    public string Project { get; init; } = "";
    /// <summary>The service's key.</summary>
    public string Name { get; init; } = "";
    /// <summary>The image to run (or to tag the build with); null when only <see cref="Build"/> is given (then <c>&lt;project&gt;-&lt;service&gt;</c>).</summary>
    public string? Image { get; init; }
    public ContainerProjectBuild? Build { get; init; }
    /// <summary>pull_policy read into the engine's -Pull value (always, missing, never; build; a refresh interval); null means missing.</summary>
    public ContainerProjectPullPolicy? PullPolicy { get; init; }
    /// <summary>The command (a string in the file is split as a shell would, without running one); null keeps the image's CMD.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>The entrypoint; null keeps the image's, an empty list clears it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary>The container's environment: <c>env_file</c> files in order, then <c>environment</c> over them. A bare
    /// <c>KEY</c> took its value from the project environment, or is absent when it is defined nowhere.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>The <c>env_file</c> files that were read, absolute (already folded into <see cref="Environment"/>).</summary>
    public IReadOnlyList<string> EnvironmentFiles { get; init; } = [];
    public IReadOnlyList<ContainerProjectPort> Ports { get; init; } = [];
    /// <summary>Ports exposed to linked services only ("80", "8000-8010/udp").</summary>
    public IReadOnlyList<string> Expose { get; init; } = [];
    public IReadOnlyList<ContainerProjectMount> Volumes { get; init; } = [];
    /// <summary>The networks joined (key order of the file); empty when <see cref="NetworkMode"/> is set.</summary>
    public IReadOnlyList<ContainerProjectServiceNetwork> Networks { get; init; } = [];
    /// <summary>"host", "none", "bridge", "service:&lt;name&gt;" or "container:&lt;name&gt;"; null for the project's networks.</summary>
    public string? NetworkMode { get; init; }
    /// <summary>
    /// The services this one depends on (spec "depends_on"), plus the implicit dependency of <c>network_mode:
    /// service:&lt;name&gt;</c> (service_started, required, restart), which the loader adds as compose-go's normalization does.
    /// </summary>
    public IReadOnlyList<ContainerProjectDependency> DependsOn { get; internal set; } = [];
    public ContainerProjectHealthcheck? Healthcheck { get; init; }
    /// <summary>The restart policy, as -Restart parses it (<see cref="Contract.RestartPolicy.TryParse"/>); null means no.</summary>
    public Contract.RestartPolicy? Restart { get; init; }
    /// <summary>The number of containers (<c>scale</c> or <c>deploy.replicas</c>; 1 when neither is set).</summary>
    public int Scale { get; init; } = 1;
    public ContainerProjectResources Resources { get; init; } = new();
    /// <summary>The profiles that enable this service; empty means always enabled.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
    public string? User { get; init; }
    public string? WorkingDir { get; init; }
    public string? Hostname { get; init; }
    public string? DomainName { get; init; }
    /// <summary>Run an init as PID 1; null keeps the engine's default.</summary>
    public bool? Init { get; init; }
    public bool Privileged { get; init; }
    public bool ReadOnly { get; init; }
    public bool Tty { get; init; }
    public bool StdinOpen { get; init; }
    /// <summary>tmpfs mounts: "/path" or "/path:options".</summary>
    public IReadOnlyList<string> Tmpfs { get; init; } = [];
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public IReadOnlyList<string> SecurityOpt { get; init; } = [];
    public IReadOnlyList<ContainerProjectUlimit> Ulimits { get; init; } = [];
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>();
    /// <summary>Extra /etc/hosts entries as "host:address" (an address may be IPv6).</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];
    public IReadOnlyList<string> Dns { get; init; } = [];
    public IReadOnlyList<string> DnsSearch { get; init; } = [];
    public IReadOnlyList<string> DnsOpt { get; init; } = [];
    /// <summary>Devices as "host[:container[:permissions]]".</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];
    /// <summary>Extra supplementary groups (spec "group_add"): names in the container's /etc/group, or gids.</summary>
    public IReadOnlyList<string> GroupAdd { get; init; } = [];
    /// <summary>The stop signal as written, checked by the engine's parser (<see cref="Contract.Signals.TryParse"/>); SIGTERM when null.</summary>
    public string? StopSignal { get; init; }
    /// <summary>How long to wait after the stop signal before SIGKILL (10s when null).</summary>
    public TimeSpan? StopGracePeriod { get; init; }
    public IReadOnlyList<ContainerProjectFileReference> Secrets { get; init; } = [];
    public IReadOnlyList<ContainerProjectFileReference> Configs { get; init; } = [];
    /// <summary>/dev/shm size in bytes, or null for the default (64 MiB).</summary>
    public long? ShmSize { get; init; }
    /// <summary>A fixed container name instead of <c>&lt;project&gt;-&lt;service&gt;-&lt;n&gt;</c> (forbids scale above 1).</summary>
    public string? ContainerName { get; init; }
    public string? Platform { get; init; }
    /// <summary>
    /// The service's configuration hash (hex SHA-256), the value of the <c>com.docker.compose.config-hash</c> label:
    /// the normalized service without build, pull_policy, scale, depends_on and profiles (docker compose's
    /// pkg/compose/hash.go), plus the content of the file-backed secrets and configs it mounts (so a content change
    /// is seen, unlike docker/compose#11900). Same input, same hash.
    /// </summary>
    public string ConfigHash { get; internal set; } = "";
    /// <summary>The file that first declares the service.</summary>
    public string? SourceFile { get; init; }
    /// <summary>The line in <see cref="SourceFile"/> of the service's key.</summary>
    public int SourceLine { get; init; }

    public override string ToString() => Name;
}
