using System.Collections;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Containers;
using PsContainers.Targets;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>Get-Container: list containers (running ones by default, like docker ps) with their full inspect data.</summary>
[Cmdlet(VerbsCommon.Get, "Container", DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class GetContainerCommand : ContainerCmdletBase
{
    [Parameter(Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>
    /// Containers down the pipeline (live, or deserialized from a job or a remote session): each is looked up again by its
    /// Id, never by its name, so a container from another host does not silently turn into a local container of the same
    /// name (ObjectNotFound, "... or the object came from another host"), as Stop-Container and the other cmdlets that
    /// take containers do. Refreshes a container's state: <c>$c | Get-Container</c>.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "Container", ValueFromPipeline = true)]
    [Alias("Container")]
    [DeserializedReferenceTransformation(typeof(Container))]
    public Container[] InputObject { get; set; } = [];

    /// <summary>Include stopped containers (docker ps -a).</summary>
    [Parameter] public SwitchParameter All { get; set; }

    [Parameter] public ContainerStatus[]? Status { get; set; }

    /// <summary>'key' or 'key=value' filters (all must match).</summary>
    [Parameter] public string[]? Label { get; set; }

    /// <summary>Image reference or id (wildcards allowed).</summary>
    [Parameter] [SupportsWildcards] public string? Image { get; set; }

    /// <summary>Only containers whose healthcheck reports one of these (docker ps --filter health=...); None: no healthcheck.</summary>
    [Parameter] public HealthStatus[]? Health { get; set; }

    /// <summary>Only containers of this compose project (label com.docker.compose.project; wildcards), as docker compose ps -p.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ComposeProjectCompleter))]
    public string? Project { get; set; }

    /// <summary>
    /// A project from Get-ContainerProject or Import-ContainerProject down the pipeline: its containers, as -Project
    /// with its name (<c>Get-ContainerProject lab | Get-Container</c>; without this the project's Name would bind to
    /// -Name). Containers bind to -InputObject, names to -Name. A deserialized summary or project (remoting, jobs) binds
    /// here too (<see cref="DeserializedProjectTransformationAttribute"/>).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = "ProjectSummary", ValueFromPipeline = true)]
    [DeserializedProjectTransformation]
    public PsContainers.Core.Compose.ContainerProjectSummary? ProjectSummary { get; set; }

    /// <summary>A loaded project (Import-ContainerProject) down the pipeline: its containers, as -Project with its name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ProjectModel", ValueFromPipeline = true)]
    public PsContainers.Core.Compose.ContainerProject? ProjectModel { get; set; }

    /// <summary>Only containers of these compose services (label com.docker.compose.service; wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ComposeServiceCompleter))]
    public string[]? Service { get; set; }

    /// <summary>Only containers of these pods (names, ids or wildcards; the infra containers included), as podman ps --filter pod=.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PodNameCompleter))]
    public string[]? Pod { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<Container> list;
        bool named = false;
        try
        {
            if (ParameterSetName == "Id") { list = Resolve(null, Id, null); named = true; }
            else if (ParameterSetName == "Container") { list = Resolve(null, null, InputObject); named = true; }
            else if (Name is { Length: > 0 })
            {
                named = TargetResolver<Container>.NamesLiterally(Name);
                list = Resolve(Name, null, null);
            }
            else list = Manager.Store.LoadAll().OrderByDescending(c => c.Created);
            // a pure read (docker ps): a container whose monitor is gone reads as exited, and what it left running or
            // mounted stays until a changing command (start, stop, remove, prune) repairs it
            list = list.ToList();
        }
        catch (Exception e) { ThrowEngineError(e); return; }

        // a piped project object names the project literally (its name may hold no wildcard anyway)
        string? project = ProjectSummary?.Name ?? ProjectModel?.Name ?? Project;
        var query = new ContainerQuery { All = All, Status = Status, Label = Label, Image = Image, Health = Health, Project = project, Service = Service };
        try { list = query.Filter(list, named).ToList(); }
        catch (Exception e) { ThrowEngineError(e, (object?)Image ?? Project); return; }
        if (Pod is not null)
        {
            var pods = new TargetResolver<Core.Pods.ContainerPod>(this, new Core.Pods.PodCatalog(Engine.Pods.Store)).Select(Pod).Select(p => p.Id).ToHashSet();
            list = list.Where(c => c.Pod is { } id && pods.Contains(id));
        }
        WriteObject(list, true);
    }
}
