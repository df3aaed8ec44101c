using PsContainers.Core.Containers;
using PsContainers.Core.Pods;

namespace PsContainers.Core.Kube;

/// <summary>
/// One pod of a <see cref="KubePlayPlan"/>: the pod's create options (name, labels, hostname, the ports the manifest
/// publishes with hostPort), its containers' create options (each with <see cref="ContainerCreateOptions.Pod"/> set
/// to the pod's name and named &lt;pod&gt;-&lt;container&gt;, as podman names them), the ConfigMap and Secret files
/// its volumes mount read-only, and the hostPath checks to run before anything is created.
/// </summary>
public sealed class KubePlayPod
{
    /// <summary>The pod's name: a Pod's metadata.name; &lt;name&gt;-pod-&lt;i&gt; for replica i of a Deployment; &lt;name&gt;-pod for a Job.</summary>
    public string Name { get; init; } = "";
    /// <summary>The object it comes from, "Kind/name", for messages.</summary>
    public string Source { get; init; } = "";
    /// <summary>What <see cref="PodManager.Create"/> gets.</summary>
    public PodCreateOptions Options { get; init; } = new();
    /// <summary>The containers, in the manifest's order.</summary>
    public IReadOnlyList<ContainerCreateOptions> Containers { get; init; } = [];
    /// <summary>
    /// The directory holding this pod's ConfigMap and Secret volume files (one subdirectory per volume, bind-mounted
    /// read-only), under the engine's kube directory; null when the pod has none. Written afresh by each play, deleted by
    /// Remove-ContainerKube.
    /// </summary>
    public string? FilesDirectory { get; init; }
    /// <summary>The ConfigMap and Secret volumes: the subdirectories of <see cref="FilesDirectory"/> to make (each even when it gets no file: an optional reference to a missing object).</summary>
    public IReadOnlyList<string> FileVolumes { get; init; } = [];
    /// <summary>The files to write under <see cref="FilesDirectory"/> before the containers are created.</summary>
    public IReadOnlyList<KubePlayFile> Files { get; init; } = [];
    /// <summary>The hostPath volumes with a type to check (or create) before the containers are created.</summary>
    public IReadOnlyList<KubeHostPath> HostPaths { get; init; } = [];

    public override string ToString() => Name;
}
