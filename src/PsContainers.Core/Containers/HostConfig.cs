using System.Text.Json.Serialization;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// Resource limits and host-side settings (docker's HostConfig section). Every option is parsed once, when the
/// container is created, and stored typed.
/// </summary>
public sealed class HostConfig
{
    /// <summary>
    /// The container's cgroup limits (docker run, update, compose), typed and immutable: replaced whole
    /// (<see cref="ResourceLimits.Updated"/>), never edited in place. Stored flat, as docker's HostConfig embeds its
    /// Resources struct: container.json and inspect keep HostConfig.Memory, MemorySwap, Cpus, CpuShares, CpusetCpus
    /// and PidsLimit (the properties below, which read and write this record).
    /// </summary>
    [JsonIgnore]
    public ResourceLimits Resources { get; set; } = ResourceLimits.None;
    /// <summary>HostConfig.Memory: <see cref="ResourceLimits.Memory"/> of <see cref="Resources"/> (bytes; null for none).</summary>
    [JsonInclude]
    public long? Memory { get => Resources.Memory; private set => Resources = Resources with { Memory = value }; }
    /// <summary>HostConfig.Cpus: <see cref="ResourceLimits.Cpus"/> of <see cref="Resources"/> (a number of CPUs; null for no limit).</summary>
    [JsonInclude]
    public double? Cpus { get => Resources.Cpus; private set => Resources = Resources with { Cpus = value }; }
    /// <summary>HostConfig.PidsLimit: <see cref="ResourceLimits.PidsLimit"/> of <see cref="Resources"/> (-1, 0 or null for no limit).</summary>
    [JsonInclude]
    public long? PidsLimit { get => Resources.PidsLimit; private set => Resources = Resources with { PidsLimit = value }; }
    /// <summary>HostConfig.MemorySwap: <see cref="ResourceLimits.MemorySwap"/> of <see cref="Resources"/> (bytes, -1 unlimited; null: twice <see cref="Memory"/>).</summary>
    [JsonInclude]
    public long? MemorySwap { get => Resources.MemorySwap; private set => Resources = Resources with { MemorySwap = value }; }
    /// <summary>HostConfig.CpuShares: <see cref="ResourceLimits.CpuShares"/> of <see cref="Resources"/> (cgroup v1 cpu.shares; null for the default 1024).</summary>
    [JsonInclude]
    public ulong? CpuShares { get => Resources.CpuShares; private set => Resources = Resources with { CpuShares = value }; }
    /// <summary>HostConfig.CpusetCpus: <see cref="ResourceLimits.CpusetCpus"/> of <see cref="Resources"/> ("0-2,4"; null for all).</summary>
    [JsonInclude]
    public string? CpusetCpus { get => Resources.CpusetCpus; private set => Resources = Resources with { CpusetCpus = value }; }
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
    /// <summary>
    /// The kind of network mode, typed: None, Host, Bridge or Container (decided at create; the bridge networks are in
    /// <see cref="Container.NetworkSettings"/>), for code and for PowerShell comparisons
    /// (<c>$c.HostConfig.NetworkModeKind -eq 'Host'</c>). Stored in container.json under docker's name "NetworkMode",
    /// by name ("Bridge"), as records have always held it; <see cref="NetworkMode"/> is docker's text.
    /// </summary>
    [JsonPropertyName("NetworkMode")]
    public Containers.NetworkMode NetworkModeKind { get; set; } = Containers.NetworkMode.None;

    /// <summary>
    /// docker inspect's HostConfig.NetworkMode, as text (also in ConvertTo-Json): "host", "none",
    /// "container:&lt;id&gt;" (the full id of the container whose network namespace it shares), and for a container on
    /// bridge networks the name of the first network it joins, "bridge" for the default network (docker writes
    /// "bridge" for its default network and the network's name for a user network: <c>--network web</c> is "web").
    /// Computed, not stored (<see cref="NetworkModeKind"/> is).
    /// </summary>
    [JsonIgnore]
    public string NetworkMode => NetworkModeKind switch
    {
        Containers.NetworkMode.Container => Networking.NetworkChoice.ContainerPrefix + NetworkContainerId,
        Containers.NetworkMode.Bridge when _owner?.NetworkSettings.EndpointsConfig.Keys.FirstOrDefault() is { } first
            && first != Networking.NetworkStore.DefaultNetworkName => first,
        var kind => Networking.NetworkChoice.Name(kind),
    };
    /// <summary>
    /// With <see cref="NetworkMode.Container"/>: the full id (64 hex characters) of the container whose network
    /// namespace this one joins, resolved once at create from the name or id given (docker resolves it to the id too);
    /// null in the other modes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NetworkContainerId { get; set; }
    /// <summary>The same text as <see cref="NetworkMode"/> (docker's HostConfig.NetworkMode), under its earlier name.</summary>
    [JsonIgnore]
    public string NetworkModeName => NetworkMode;
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
    /// Published ports, parsed and typed (-Publish, and the image's EXPOSEd ports with -PublishAll), one per container
    /// port: what the network setup publishes at each start, what the views' PORTS column and kube generate read. A
    /// HostPort of 0 is chosen at start; Get-ContainerPort shows the ports in use. Stored in container.json as
    /// HostConfig.PortBindings, in docker's shape (<see cref="PortBindings"/>).
    /// </summary>
    [JsonPropertyName("PortBindings")]
    [JsonConverter(typeof(PortBindingsJsonConverter))]
    public List<PortMapping> PortMappings { get; set; } = new();

    /// <summary>
    /// docker inspect's HostConfig.PortBindings: the published ports as asked, "&lt;port&gt;/&lt;protocol&gt;" to host
    /// bindings, <c>{"80/tcp": [{"HostIp": "", "HostPort": "8000"}], "53/udp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}</c>:
    /// HostIp "" for every address, HostPort "" for a port chosen at start and "8000-8010" for any free port of a range
    /// (<see cref="PortMapping.Asked"/>). Computed from <see cref="PortMappings"/>, not stored; NetworkSettings.Ports has
    /// the same shape with the ports in use.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, PortBinding[]> PortBindings => PortMapping.ToBindings(PortMappings, PortMapping.Asked);
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

    /// <summary>
    /// docker inspect's HostConfig.Tmpfs: each tmpfs mount's destination to its options as one comma-separated
    /// string, <c>{"/run": "noexec,size=67108864,mode=1777"}</c>: "ro" when read-only, the options given, size= in
    /// bytes and mode= in octal when given ("" for none). docker keeps the text after -Tmpfs's colon as typed; this is
    /// the same options as parsed (a size in bytes). Both -Tmpfs and -Mount type=tmpfs mounts are listed (docker lists
    /// --mount ones only under Mounts; here they are one kind, and also in <see cref="Container.Mounts"/>). Computed
    /// from the mounts, in their order; not stored.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Tmpfs
    {
        get
        {
            var map = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var m in _owner?.Mounts ?? [])
                if (m.Type == MountKind.Tmpfs) map[m.Destination] = TmpfsOptionText(m);
            return map;
        }
    }

    /// <summary>A tmpfs mount's options as HostConfig.Tmpfs writes them: [ro,]options[,size=bytes][,mode=octal].</summary>
    private static string TmpfsOptionText(MountSpec m)
    {
        var parts = new List<string>();
        if (m.ReadOnly) parts.Add("ro");
        if (m.Tmpfs is { } t)
        {
            parts.AddRange(t.Options);
            if (t.SizeBytes is long size) parts.Add("size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (t.Mode is int mode) parts.Add("mode=" + Convert.ToString(mode, 8));
        }
        return string.Join(',', parts);
    }

    internal Container? _owner;
}
