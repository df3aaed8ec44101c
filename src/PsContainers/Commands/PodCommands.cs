using System.Collections;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Networking;
using PsContainers.Core.Pods;
using PsContainers.Targets;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>New-ContainerPod: create a pod and its infra container, not started (podman pod create).</summary>
[Cmdlet(VerbsCommon.New, "ContainerPod", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerPod))]
public sealed class NewContainerPodCommand : PscCmdlet
{
    /// <summary>The pod's name; omitted, a random one.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>[hostIP:][hostPort:]containerPort[/tcp|udp] (podman pod create -p): published on the pod, reaching its members.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("p")] public string[]? Publish { get; set; }

    /// <summary>The pod's networks (names, 'none' or 'host'); omitted, the default network.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ArgumentCompleter(typeof(NetworkNameCompleter))] public string[]? Network { get; set; }

    /// <summary>Labels of the pod.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [Alias("l")] public Hashtable? Label { get; set; }

    /// <summary>The pod's hostname, shared by its members; omitted, the pod's name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] public string? Hostname { get; set; }

    /// <summary>The namespaces members share (podman --share); omitted, Net, Ipc and Uts.</summary>
    [Parameter] public PodNamespace[]? Share { get; set; }

    /// <summary>
    /// The size of the /dev/shm the pod's containers share (podman pod create --shm-size): bytes, or a size such as
    /// '256MB', '1g'; 64 MiB when not given or 0. Needs Ipc shared.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)] [ByteSizeTransformation] public long ShmSize { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name ?? "(random name)", "Create container pod")) return;
        ForTarget(Name, () =>
        {
            var o = new PodCreateOptions { Name = Name, Hostname = Hostname, Share = Share, ShmSize = ShmSize > 0 ? ShmSize : null };
            foreach (var p in Publish ?? []) o.Publish.AddRange(PortParser.Parse(p));
            o.Networks.AddRange(Network ?? []);
            foreach (DictionaryEntry e in Label ?? new Hashtable()) o.Labels[e.Key.ToString()!] = e.Value?.ToString() ?? "";
            WriteObject(Engine.Pods.Create(o, CancellationToken));
        });
    }
}

/// <summary>Get-ContainerPod: list pods with their status and containers (podman pod ps).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerPod", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class GetContainerPodCommand : PscCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PodNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Full ids or unique id prefixes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    private TargetResolver<ContainerPod>? _targets;

    protected override void ProcessRecord()
    {
        var pods = Engine.Pods;
        _targets ??= new(this, new PodCatalog(pods.Store));
        var list = ParameterSetName == "Id" ? _targets.Select(Id, idOnly: true) : _targets.SelectOrAll(Name);
        foreach (var p in list)
            if (ForTarget(p.Name, () => pods.WithMembers(p), out var withMembers)) WriteObject(withMembers);
    }
}

/// <summary>
/// Base of the cmdlets that act on existing pods: -Name (wildcards, strings from the pipeline), -Id (by property
/// name), or ContainerPod objects from the pipeline; each pod once.
/// </summary>
public abstract class PodTargetCmdletBase : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(PodNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = "Pod", ValueFromPipeline = true)]
    [Alias("Pod")]
    [DeserializedReferenceTransformation(typeof(ContainerPod))]
    public ContainerPod[] InputObject { get; set; } = [];

    private TargetResolver<ContainerPod>? _targets;

    protected PodManager Pods => Engine.Pods;

    protected override void ProcessRecord()
    {
        _targets ??= new(this, new PodCatalog(Pods.Store));
        var list = ParameterSetName switch
        {
            "Id" => _targets.Select(Id, idOnly: true),
            "Pod" => _targets.Select(null, InputObject),
            _ => _targets.Select(Name),
        };
        ForEachTarget(list, Act);
    }

    protected abstract void Act(ContainerPod pod);
}

/// <summary>Start-ContainerPod: start the infra container, then every member (podman pod start).</summary>
[Cmdlet(VerbsLifecycle.Start, "ContainerPod", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class StartContainerPodCommand : PodTargetCmdletBase
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (!ShouldProcess(pod.Name, "Start container pod")) return;
        var after = Pods.Start(pod, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Stop-ContainerPod: stop every member, then the infra container (podman pod stop).</summary>
[Cmdlet(VerbsLifecycle.Stop, "ContainerPod", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class StopContainerPodCommand : PodTargetCmdletBase
{
    /// <summary>Seconds each container has after its stop signal before KILL; omitted, each container's own stop timeout (10 s by default).</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] [Alias("Time")] public int Timeout { get; set; } = -1;
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (!ShouldProcess(pod.Name, "Stop container pod")) return;
        var after = Pods.Stop(pod, Timeout >= 0 ? Timeout : null, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Restart-ContainerPod: stop, then start (podman pod restart).</summary>
[Cmdlet(VerbsLifecycle.Restart, "ContainerPod", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class RestartContainerPodCommand : PodTargetCmdletBase
{
    /// <summary>Seconds each container has after its stop signal before KILL; omitted, each container's own stop timeout.</summary>
    [Parameter] [ValidateRange(0, int.MaxValue)] [Alias("Time")] public int Timeout { get; set; } = -1;
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (!ShouldProcess(pod.Name, "Restart container pod")) return;
        var after = Pods.Restart(pod, Timeout >= 0 ? Timeout : null, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>
/// Suspend-ContainerPod: freeze every running container of a pod, its members and then its infra container, as
/// Suspend-Container does (podman pod pause); the pod's status becomes Paused.
/// </summary>
[Cmdlet(VerbsLifecycle.Suspend, "ContainerPod", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class SuspendContainerPodCommand : PodTargetCmdletBase
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (!ShouldProcess(pod.Name, "Pause container pod")) return;
        var after = Pods.Pause(pod, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Resume-ContainerPod: thaw every paused container of a pod, its infra container first (podman pod unpause).</summary>
[Cmdlet(VerbsLifecycle.Resume, "ContainerPod", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerPod))]
public sealed class ResumeContainerPodCommand : PodTargetCmdletBase
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (!ShouldProcess(pod.Name, "Unpause container pod")) return;
        var after = Pods.Resume(pod, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>
/// Remove-ContainerPod: remove pods with their containers (podman pod rm); a pod with running containers only with
/// -Force (podman pod rm -f), which also skips the confirmation.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "ContainerPod", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Name")]
[OutputType(typeof(void))]
public sealed class RemoveContainerPodCommand : PodTargetCmdletBase
{
    /// <summary>Kill and remove running containers too, and do not ask for confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    protected override void Act(ContainerPod pod)
    {
        if (ShouldProcessOrForce(Force, pod.Name, "Remove container pod and its containers")) Pods.Remove(pod, Force, CancellationToken);
    }
}
