using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Kube;

/// <summary>
/// One container (or one compose service) as the Kubernetes generator sees it: what the engine records, already reduced
/// to what differs from the image (<see cref="KubeWorkloadReader"/>), with nothing sanitized yet. The
/// <see cref="KubeManifestBuilder"/> turns each into a Pod or a Deployment with one container.
/// </summary>
public sealed class KubeWorkload
{
    /// <summary>Where it came from, for messages: the container's name or "project/service".</summary>
    public string Source { get; init; } = "";
    /// <summary>The name wanted for the workload and its container (the container or service name), before sanitizing.</summary>
    public string Name { get; init; } = "";
    /// <summary>The compose project it belongs to, or null (becomes the label app.kubernetes.io/part-of).</summary>
    public string? Project { get; init; }
    public string Image { get; init; } = "";
    /// <summary>Kubernetes <c>command</c> (replaces the image's ENTRYPOINT), or null to keep it.</summary>
    public IReadOnlyList<string>? Command { get; init; }
    /// <summary>Kubernetes <c>args</c> (replaces the image's CMD), or null to keep it.</summary>
    public IReadOnlyList<string>? Args { get; init; }
    /// <summary>The environment that is not the image's, in order (later entries with the same name win).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
    /// <summary>
    /// The variables of <see cref="Environment"/> whose values came from a Secret or ConfigMap, by name: a key of one
    /// when Import-ContainerKube made the container (<see cref="KubePlayRecord.EnvLabel"/>; valueFrom or envFrom), or a
    /// compose service's env_file (a ConfigMap per file, read whole, <see cref="KubeEnvReference.Prefix"/> ""). Written
    /// as valueFrom or envFrom references to a Secret or ConfigMap object holding the value, never as literal values.
    /// </summary>
    public IReadOnlyDictionary<string, KubeEnvReference> EnvironmentReferences { get; init; } = new Dictionary<string, KubeEnvReference>();
    public IReadOnlyList<KubeWorkloadPort> Ports { get; init; } = [];
    public IReadOnlyList<KubeWorkloadMount> Mounts { get; init; } = [];
    /// <summary>The memory limit in bytes, or null.</summary>
    public long? MemoryLimit { get; init; }
    /// <summary>The CPU limit in CPUs (0.5 = half a CPU), or null.</summary>
    public double? CpuLimit { get; init; }
    /// <summary>The memory reservation in bytes (resources.requests.memory), or null.</summary>
    public long? MemoryRequest { get; init; }
    /// <summary>The CPU reservation in CPUs (resources.requests.cpu), or null.</summary>
    public double? CpuRequest { get; init; }
    /// <summary>The process limit, or null (Kubernetes has no per-container field: a warning).</summary>
    public long? PidsLimit { get; init; }
    public IReadOnlyList<string> CapAdd { get; init; } = [];
    public IReadOnlyList<string> CapDrop { get; init; } = [];
    public bool Privileged { get; init; }
    public bool ReadOnlyRootFilesystem { get; init; }
    /// <summary>The user as docker takes it ("uid", "uid:gid", "name"), when it differs from the image's; or null.</summary>
    public string? User { get; init; }
    public RestartPolicyName Restart { get; init; } = RestartPolicyName.No;
    /// <summary>An active healthcheck (CMD or CMD-SHELL), or null.</summary>
    public HealthConfig? Healthcheck { get; init; }
    /// <summary>The working directory when it differs from the image's, or null.</summary>
    public string? WorkingDir { get; init; }
    public bool Tty { get; init; }
    public bool StdinOpen { get; init; }
    /// <summary>The labels that are not the image's nor the engine's bookkeeping (com.docker.compose.*), unsanitized.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>How many copies run (compose scale; Deployment replicas).</summary>
    public int Replicas { get; init; } = 1;
    /// <summary>
    /// For a pod (<see cref="KubeWorkloadReader.FromPod"/>): its containers, each a workload of its own (its name the
    /// Kubernetes container name); the pod's labels, ports and restart policy are on this workload. Empty for a
    /// container or a compose service: the workload is then the pod's one container.
    /// </summary>
    public IReadOnlyList<KubeWorkload> Members { get; init; } = [];
    /// <summary>What the reader could not carry over, as warnings.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public override string ToString() => Source;
}
