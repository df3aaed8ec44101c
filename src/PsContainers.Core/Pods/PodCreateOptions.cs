using PsContainers.Core.Networking;

namespace PsContainers.Core.Pods;

/// <summary>What New-ContainerPod asks for (podman pod create).</summary>
public sealed class PodCreateOptions
{
    /// <summary>The pod's name (container-name rules: letters, digits, '_', '.', '-'); null chooses a random one.</summary>
    public string? Name { get; set; }

    /// <summary>Ports published on the pod, parsed (<see cref="PortParser"/>): the infra container owns them; needs <see cref="PodNamespace.Net"/> shared.</summary>
    public List<PortMapping> Publish { get; set; } = new();

    /// <summary>The bridge networks of the pod (network names, or none/host); empty: the default network.</summary>
    public List<string> Networks { get; set; } = new();

    /// <summary>Labels of the pod (podman pod create --label).</summary>
    public Dictionary<string, string> Labels { get; set; } = new();

    /// <summary>The pod's hostname, which its members share with <see cref="PodNamespace.Uts"/>; null: the pod's name (podman's default).</summary>
    public string? Hostname { get; set; }

    /// <summary>The namespaces members share (podman --share); null: net, ipc and uts.</summary>
    public IReadOnlyCollection<PodNamespace>? Share { get; set; }

    /// <summary>
    /// The size in bytes of the /dev/shm the pod's containers share (podman pod create --shm-size); null or 0: 64 MiB.
    /// Needs <see cref="PodNamespace.Ipc"/> shared.
    /// </summary>
    public long? ShmSize { get; set; }

    /// <summary>What happens when the last member exits (podman pod create --exit-policy); default <see cref="PodExitPolicy.Continue"/>.</summary>
    public PodExitPolicy ExitPolicy { get; set; }
}
