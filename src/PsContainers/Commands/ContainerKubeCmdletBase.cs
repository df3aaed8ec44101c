using System.Management.Automation;
using PsContainers.Transformations;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Kube;
using PsContainers.Core.Pods;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>
/// What ConvertTo-ContainerKubeYaml and Export-ContainerKube share: the inputs (containers, pods, compose projects loaded
/// by Import-ContainerProject, projects of the store from Get-ContainerProject, or names), collected over the
/// pipeline and converted once at the end (<see cref="KubeWorkloadReader"/>, <see cref="KubeManifestBuilder"/>), with
/// the generator's warnings written as warnings. Objects that crossed a process boundary (remoting, jobs,
/// Import-Clixml: property bags typed <c>Deserialized.</c> + the class) are references, as for every other cmdlet:
/// containers and pods are re-read from this host's store by Id (<see cref="DeserializedReferenceTransformationAttribute"/>;
/// one from another host is the kind's ObjectNotFound, "... came from another host"), projects by name
/// (<see cref="DeserializedProjectTransformationAttribute"/>; ProjectNotFound when this host has no such project).
/// </summary>
public abstract class ContainerKubeCmdletBase : ContainerCmdletBase
{
    /// <summary>
    /// Container objects, ContainerPod objects (Get-ContainerPod: one Pod with the pod's containers),
    /// ContainerProject objects (Import-ContainerProject), ContainerProjectSummary objects (Get-ContainerProject), or names: a container name, id or wildcard, or else the name of a compose project whose
    /// containers are in the store. Deserialized containers and pods (from a remote session, a job or Import-Clixml)
    /// are found here by Id, deserialized projects by name (a loaded project's file model does not cross the boundary).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [Alias("Container", "Name")]
    public object[] InputObject { get; set; } = [];

    /// <summary>Compose projects of the store by name (their containers, grouped by service); wildcards allowed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Project")]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    [SupportsWildcards]
    public string[] Project { get; set; } = [];

    /// <summary>Pod (default, as podman kube generate) or Deployment for each container or service.</summary>
    [Parameter] public KubeWorkloadKind Kind { get; set; } = KubeWorkloadKind.Pod;

    /// <summary>Also write a Service (type NodePort) for each workload with published ports (podman kube generate --service).</summary>
    [Parameter] public SwitchParameter Service { get; set; }

    /// <summary>The storage each PersistentVolumeClaim requests, a Kubernetes quantity (default 1Gi; volumes here have no size).</summary>
    [Parameter]
    [ValidateForm("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$", "a Kubernetes quantity such as 1Gi or 500Mi")]
    public string ClaimSize { get; set; } = "1Gi";

    private readonly List<Container> _containers = [];
    private readonly List<ContainerProject> _projects = [];
    private readonly List<ContainerPod> _pods = [];
    private List<Container>? _all;

    private TargetResolver<ContainerPod>? _podTargets;

    private List<Container> All => _all ??= Engine.ContainerStore.LoadAll();

    private static readonly DeserializedReferenceTransformationAttribute ContainerReference = new(typeof(Container));
    private static readonly DeserializedReferenceTransformationAttribute PodReference = new(typeof(ContainerPod));
    private static readonly DeserializedProjectTransformationAttribute ProjectReference = new();

    /// <summary>A deserialized container, pod or project as the reference it stands for (the transformations ignore the
    /// engine intrinsics); anything else unchanged.</summary>
    private static object? Reference(object? item)
    {
        if (item is not PSObject { BaseObject: PSCustomObject } bag) return item;
        foreach (var transform in new ArgumentTransformationAttribute[] { ContainerReference, PodReference, ProjectReference })
            if (transform.Transform(null!, bag) is { } reference && !ReferenceEquals(reference, bag)) return reference;
        return item;
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Project")
        {
            foreach (var p in Project) AddProject(p, wildcard: true);
            return;
        }
        foreach (var item in InputObject)
        {
            var input = Reference(item);
            switch (input is PSObject pso ? pso.BaseObject : input)
            {
                case Container c:
                    _containers.AddRange(Resolve(null, null, [c]));
                    break;
                case ContainerProject p:
                    _projects.Add(p);
                    break;
                case ContainerPod pod:
                    _podTargets ??= new(this, new PodCatalog(Engine.Pods.Store));
                    _pods.AddRange(_podTargets.Select(null, [pod]));
                    break;
                case ContainerProjectSummary s:
                    AddProject(s.Name, wildcard: false);
                    break;
                case string name when !WildcardPattern.ContainsWildcardCharacters(name) && !All.Any(c => c.Name == name)
                                       && ComposeProjectLookup.Containers(All, name, pattern: false).Count > 0:
                    AddProject(name, wildcard: false);
                    break;
                case string name:
                    _containers.AddRange(Resolve([name], null, null));
                    break;
                case var other:
                    WriteError(new ErrorRecord(new ArgumentException($"A {other?.GetType().Name ?? "null"} cannot be converted: give containers, pods, compose projects or names."),
                        ErrorIds.KubeInputNotSupported, ErrorCategory.InvalidArgument, other));
                    break;
            }
        }
    }

    private void AddProject(string name, bool wildcard)
    {
        if (!ForTarget(name, () => ComposeProjectLookup.Containers(All, name, pattern: wildcard), out var hits)) return;
        if (hits.Count == 0 && ComposeProjectLookup.MissingIsError(name, wildcard))
            WriteEngineError(ComposeProjectLookup.NotFound(name), name);
        _containers.AddRange(hits);
    }

    /// <summary>The manifest of everything collected, with its warnings written; null after an error (already written).</summary>
    protected KubeManifest? Convert()
    {
        if (_containers.Count == 0 && _projects.Count == 0 && _pods.Count == 0) return null;
        var images = new Dictionary<string, ImageConfig?>(StringComparer.Ordinal);
        ImageConfig? Image(string idOrRef)
        {
            if (images.TryGetValue(idOrRef, out var known)) return known;
            ImageConfig? config;
            try { config = Engine.Images.FindImage(idOrRef)?.Config; }
            catch (Exception e) when (e is PscException or IOException) { config = null; }
            return images[idOrRef] = config;
        }
        // a container of a pod (its infra container too) is converted as its pod: a Kubernetes Pod holds all of them
        var standalone = new List<Container>();
        var pods = new List<ContainerPod>(_pods);
        foreach (var c in _containers.DistinctBy(c => c.Id))
        {
            if (c.Pod is not { } podId) { standalone.Add(c); continue; }
            ContainerPod? pod;
            try { pod = Engine.Pods.Store.Find(podId, idOnly: true); }
            catch (Exception e) when (e is PscException or IOException) { pod = null; }
            if (pod is null) { standalone.Add(c); continue; }
            if (c.Id != pod.InfraContainerId && !pods.Any(p => p.Id == pod.Id))
                WriteWarning($"'{c.Name}' is a container of pod '{pod.Name}'; the pod is converted (a Kubernetes Pod holds all of its containers).");
            pods.Add(pod);
        }
        var store = new KubeStoreFiles(Engine.Paths.Root);
        IEnumerable<KubeWorkload> Workloads() => KubeWorkloadReader.FromContainers(standalone, Image, store).Concat(_projects.SelectMany(p => KubeWorkloadReader.FromProject(p, Image)))
            .Concat(KubeWorkloadReader.FromPods(pods.DistinctBy(p => p.Id).Select(p => (p, Engine.Pods.ContainersOf(p))), Image, store));
        if (ForTarget(null, () => KubeManifestBuilder.Build(Workloads(), new KubeGenerateOptions { Kind = Kind, Service = Service, ClaimSize = ClaimSize }), out var manifest))
        {
            foreach (var w in manifest.Warnings) WriteWarning(w);
            return manifest;
        }
        return null;
    }
}
