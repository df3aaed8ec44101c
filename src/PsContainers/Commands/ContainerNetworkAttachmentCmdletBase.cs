using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>
/// What Connect- and Disconnect-ContainerNetwork share (docker network connect|disconnect NETWORK CONTAINER): the
/// network first, the containers second (names, ids or id prefixes, no wildcards; containers piped in bind by their
/// Id), each resolved among the containers (any state: a stopped container's record changes, a running one's network
/// too), else among the bare network states the engine set up without a container record; confirmed with
/// ShouldProcess and handled under one catch (an error names the container and the next one goes on).
/// </summary>
public abstract class ContainerNetworkAttachmentCmdletBase : PscCmdlet
{
    /// <summary>The network (its name; first positionally, as docker network connect|disconnect NETWORK CONTAINER).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("NetworkName")]
    [ArgumentCompleter(typeof(NetworkNameCompleter))]
    public string Network { get; set; } = "";

    /// <summary>
    /// The containers: names or ids (or id prefixes), second positionally. Containers piped in bind by their Id
    /// (Get-Container | …), strings by value. -Name is not a parameter here: in the *-ContainerNetwork cmdlets a name is
    /// a network's, so the container is only ever -Container (-ContainerName, -Id).
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ContainerName", "ContainerId", "Id")]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    public string[] Container { get; set; } = Array.Empty<string>();

    /// <summary>The ShouldProcess action, e.g. "Connect to network 'web'".</summary>
    protected abstract string Action { get; }

    /// <summary>The work for one confirmed container with a record (its endpoints and, when set up, its network).</summary>
    protected abstract void Act(ContainerManager containers, Container container);

    /// <summary>The work for one confirmed network state with no container record (its live network only).</summary>
    protected abstract void Act(ContainerNetworking networking, ContainerNetworkState container);

    protected override void ProcessRecord()
    {
        var cn = Engine.Networking;
        var targets = new TargetResolver<ContainerNetworkState>(this, new NetworkedContainerCatalog(cn));
        foreach (var given in Container)
        {
            if (!ForTarget(given, () => Engine.ContainerStore.Find(given), out var record)) continue; // an ambiguous id prefix
            if (record is not null)
            {
                if (ShouldProcess(record.Name, Action)) ForTarget(record.Name, () => Act(Engine.Containers, record));
                continue;
            }
            foreach (var st in targets.Select([given], wildcards: false))
            {
                string name = st.ContainerName ?? st.ContainerId;
                if (!ShouldProcess(name, Action)) continue;
                ForTarget(name, () => Act(cn, st));
            }
        }
    }
}
