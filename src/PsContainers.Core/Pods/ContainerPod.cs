using System.Text.Json.Serialization;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;

namespace PsContainers.Core.Pods;

/// <summary>
/// A pod (podman pod): containers that share the network, IPC and UTS namespaces of one small infra container, which
/// runs pscinit as its pause process and owns the pod's network attachments and published ports. Persisted as
/// pods/&lt;id&gt;/pod.json (<see cref="PodStore"/>); the status and the members are read from the containers, never stored.
/// </summary>
public sealed class ContainerPod
{
    /// <summary>64 lowercase hex characters.</summary>
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>When the pod was created (UTC).</summary>
    public DateTime Created { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new();
    /// <summary>The hostname of the infra container, which members share with <see cref="PodNamespace.Uts"/> (or the net namespace).</summary>
    public string Hostname { get; set; } = "";
    /// <summary>The full id of the infra container (podman's INFRA ID).</summary>
    public string InfraContainerId { get; set; } = "";
    /// <summary>The namespaces members join, in net, ipc, uts order (podman pod inspect's SharedNamespaces).</summary>
    public List<PodNamespace> SharedNamespaces { get; set; } = new();
    /// <summary>
    /// The ports published on the pod, parsed and typed (the infra container's, as asked for; host port 0 is chosen at
    /// start). Stored in pod.json as PortBindings, in docker's shape (<see cref="PortBindings"/>).
    /// </summary>
    [JsonPropertyName("PortBindings")]
    [JsonConverter(typeof(PortBindingsJsonConverter))]
    public List<PortMapping> PortMappings { get; set; } = new();

    /// <summary>
    /// The pod's published ports in docker's HostConfig.PortBindings shape, as a container shows them:
    /// "&lt;port&gt;/&lt;protocol&gt;" to host bindings, <c>{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}</c> (HostIp ""
    /// for every address, HostPort "" for a port chosen at start; <see cref="PortMapping.Asked"/>). Computed from
    /// <see cref="PortMappings"/>, not stored.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, PortBinding[]> PortBindings => PortMapping.ToBindings(PortMappings, PortMapping.Asked);
    /// <summary>
    /// The size in bytes of the pod's /dev/shm (podman pod create --shm-size; default 64 MiB, docker's and podman's):
    /// one tmpfs the infra container and every member share while the pod shares IPC (<see cref="PodShm"/>).
    /// </summary>
    public long ShmSize { get; set; } = HostConfig.DefaultShmSize;

    /// <summary>What happens when the last member exits (podman's --exit-policy; <see cref="PodManager.ContainersOf"/> applies it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public PodExitPolicy ExitPolicy { get; set; }

    /// <summary>Set while Remove-ContainerPod removes the pod: its infra container may go then, and no member may join.</summary>
    [JsonInclude]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    internal bool Removing { get; set; }

    /// <summary>The containers of the pod, the infra container first, then by name (read with the pod).</summary>
    [JsonIgnore] public List<PodMember> Containers { get; set; } = new();

    /// <summary>Derived from <see cref="Containers"/> (<see cref="StatusOf"/>).</summary>
    [JsonIgnore] public PodStatus Status => StatusOf(Containers.Select(c => c.Status));

    [JsonIgnore] public string ShortId => Id.Length > 12 ? Id[..12] : Id;
    [JsonIgnore] public string InfraShortId => InfraContainerId.Length > 12 ? InfraContainerId[..12] : InfraContainerId;
    /// <summary>podman pod ps' # OF CONTAINERS: every container, the infra container included.</summary>
    [JsonIgnore] public int NumberOfContainers => Containers.Count;
    /// <summary>docker ps' PORTS form of <see cref="PortMappings"/>: "0.0.0.0:8080->80/tcp".</summary>
    [JsonIgnore] public string Ports => PortMapping.Format(PortMappings);
    /// <summary>The CREATED column of the table view: "3s ago" (<see cref="HumanFormat.ShortAgo"/>).</summary>
    [JsonIgnore] public string CreatedShort => HumanFormat.ShortAgo(Created);

    public override string ToString() => Name;

    /// <summary>
    /// podman's pod status rule (libpod/define/podstate.go): all running → Running; some running → Degraded; all
    /// paused → Paused; all exited → Exited; some exited → Stopped; otherwise (none, or all created) → Created.
    /// Restarting counts as running, Dead and Removing as exited.
    /// </summary>
    public static PodStatus StatusOf(IEnumerable<ContainerStatus> statuses)
    {
        int total = 0, running = 0, paused = 0, exited = 0;
        foreach (var s in statuses)
        {
            total++;
            switch (s)
            {
                case ContainerStatus.Running or ContainerStatus.Restarting: running++; break;
                case ContainerStatus.Paused: paused++; break;
                case ContainerStatus.Created: break;
                default: exited++; break;
            }
        }
        if (total == 0) return PodStatus.Created;
        if (running == total) return PodStatus.Running;
        if (running > 0) return PodStatus.Degraded;
        if (paused == total) return PodStatus.Paused;
        if (exited == total) return PodStatus.Exited;
        if (exited > 0) return PodStatus.Stopped;
        return PodStatus.Created;
    }
}
