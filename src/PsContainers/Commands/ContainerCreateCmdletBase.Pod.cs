using System.Management.Automation;
using PsContainers.Completers;

namespace PsContainers.Commands;

/// <summary>-Pod of New-Container and Invoke-ContainerImage (podman run --pod).</summary>
public abstract partial class ContainerCreateCmdletBase
{
    /// <summary>
    /// The pod to join (a name, id or id prefix): the container shares the namespaces of the pod's infra container, so
    /// -Publish, -Network, -Hostname and the other network settings belong to the pod and are refused (PodMemberConflict).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PodNameCompleter))]
    public string? Pod { get; set; }
}
