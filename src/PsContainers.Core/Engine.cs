using PsContainers.Core.Registry;
using PsContainers.Core.Containers;
using PsContainers.Core.Containers.Files;
using PsContainers.Core.Containers.Inspect;
using PsContainers.Core.Events;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Core.Runtime;
using PsContainers.Core.Util;
using PsContainers.Core.Volumes;

namespace PsContainers.Core;

/// <summary>
/// The composition root: one engine per store root holds the image store, the containers, the networks, the
/// volumes and the runtime glue, and wires them to each other (the image store asks the container store which
/// images are in use; networking and volumes take part in the container lifecycle as participants).
/// Creating an engine is cheap and does no I/O: every part is made on first use. No recovery work happens here;
/// the operations that change the store take that step themselves, under their lock (so a tab completion or a
/// <c>Get-Container</c> never repairs anything). Thread-safe: parts are created once, whoever asks first.
/// </summary>
public sealed class Engine
{
    private readonly Lazy<ImageStore> _images;
    private readonly Lazy<ContainerStore> _containerStore;
    private readonly Lazy<ContainerManager> _containers;
    private readonly Lazy<NetworkStore> _networks;
    private readonly Lazy<ContainerNetworking> _networking;
    private readonly Lazy<VolumeStore> _volumes;
    private readonly Lazy<VolumeMounter> _mounter;
    private readonly Lazy<IReadOnlyList<IContainerParticipant>> _participants;
    private readonly Lazy<ContainerProcesses> _processes;
    private readonly Lazy<ContainerStatistics> _statistics;
    private readonly Lazy<ContainerFiles> _files;
    private readonly Lazy<EventLog> _events;
    private readonly Lazy<PodManager> _pods;
    private readonly Lazy<RegistryService> _registry;

    /// <param name="paths">The store root (see <see cref="PscPaths"/>).</param>
    /// <param name="syscalls">The system-call layer; the real one when null (tests pass a fake).</param>
    public Engine(PscPaths paths, ISyscalls? syscalls = null)
    {
        Paths = paths;
        Syscalls = syscalls ?? LinuxSyscalls.Instance;
        _containerStore = new(() => new ContainerStore(Paths, Syscalls));
        _images = new(() => new ImageStore(Paths) { Users = _containerStore.Value, Events = Events });
        _networks = new(() => new NetworkStore(Paths) { Events = Events });
        _networking = new(() => new ContainerNetworking(Paths, _networks.Value, Syscalls));
        _volumes = new(() => new VolumeStore(Paths) { Events = Events });
        _mounter = new(() => new VolumeMounter(Paths, _volumes.Value));
        _containers = new(() => new ContainerManager(this));
        _processes = new(() => new ContainerProcesses(this));
        _statistics = new(() => new ContainerStatistics(this));
        _files = new(() => new ContainerFiles(this));
        _events = new(() => new EventLog(Paths));
        _pods = new(() => new PodManager(this));
        _registry = new(() => new RegistryService(Images, Paths));
        // the order is fixed: a pod member's infra container is started before the network joins its namespace, the
        // network is set up before volumes are mounted, and released after
        _participants = new(() => [new PodParticipant(this), new NetworkParticipant(Paths, Networks, Networking, ContainerStore), new VolumeParticipant(Mounter)]);
    }

    /// <summary>The store root and the layout under it.</summary>
    public PscPaths Paths { get; }

    /// <summary>The lifecycle's system calls (mount, kill, flock, pidfd, ...) go through this; tests pass a fake. File-system walks use src/Shared/FileSystem directly.</summary>
    public ISyscalls Syscalls { get; }

    /// <summary>Images: blobs, unpacked layers, the image index.</summary>
    public ImageStore Images => _images.Value;

    /// <summary>Container records on disk (definitions, states, names, locks).</summary>
    public ContainerStore ContainerStore => _containerStore.Value;

    /// <summary>The container lifecycle: create, start, stop, kill, pause, resume, rename, remove, wait, exec.</summary>
    public ContainerManager Containers => _containers.Value;

    /// <summary>The processes of running containers (docker top).</summary>
    public ContainerProcesses Processes => _processes.Value;

    /// <summary>CPU, memory, pids and block I/O of running containers, from their cgroups (docker stats).</summary>
    public ContainerStatistics Statistics => _statistics.Value;

    /// <summary>Copy into and out of containers and export their root file systems (docker cp, docker export).</summary>
    public ContainerFiles Files => _files.Value;

    /// <summary>Network definitions (CNI configuration lists).</summary>
    public NetworkStore Networks => _networks.Value;

    /// <summary>Container attachments: namespaces, CNI ADD/DEL, /etc files, connect and disconnect.</summary>
    public ContainerNetworking Networking => _networking.Value;

    /// <summary>Named and anonymous volumes.</summary>
    public VolumeStore Volumes => _volumes.Value;

    /// <summary>Turns a container's volume requests into runtime mounts and records which container uses which.</summary>
    public VolumeMounter Mounter => _mounter.Value;

    /// <summary>Pods: groups of containers sharing the namespaces of an infra container (podman pod).</summary>
    public PodManager Pods => _pods.Value;

    /// <summary>Pulls, pushes and registry queries into and from this store (short names, options and credentials applied alike).</summary>
    public RegistryService Registry => _registry.Value;

    /// <summary>
    /// What takes part in every container's lifecycle, in the order the lifecycle calls them: pod membership (the infra
    /// container, its IPC and UTS namespaces), networking (namespaces, CNI, published ports, /etc files), then volumes.
    /// Undo runs in reverse.
    /// </summary>
    public IReadOnlyList<IContainerParticipant> Participants => _participants.Value;

    /// <summary>The event journal: what the engine and the monitors did (docker events).</summary>
    public EventLog Events => _events.Value;

    /// <summary>The engine settings in config.json (read fresh on each call: another process may change them).</summary>
    public EngineConfiguration LoadConfiguration(bool withVersion = false) => EngineConfiguration.Load(Paths, withVersion);

    /// <summary>
    /// Whether this engine's view of the store is out of date: its image store was opened and the store root has been
    /// deleted since (a test, or a user wiping the root). A cache of engines drops such an engine.
    /// </summary>
    public bool IsStale => _images.IsValueCreated && !Directory.Exists(Paths.Storage);
}
