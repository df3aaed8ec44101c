using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Restore-Container: the boot step (<see cref="ContainerBootRestore"/>). After the host rebooted, repair what the
/// reboot left (records still "running", runtime state, mounts, network leases: <see cref="ContainerManager.Reconcile"/>)
/// and start the containers docker's daemon would start when it comes up: restart policy always, or unless-stopped
/// and not stopped by the user. Restore is the approved verb for "bring back to a state saved before" (the containers
/// come back as they were before the reboot). -Name limits it to some containers (wildcards); -WhatIf lists them.
/// Running containers are left alone, so it can run at any time.
/// </summary>
[Cmdlet(VerbsData.Restore, "Container", SupportsShouldProcess = true)]
[OutputType(typeof(Container))]
public sealed class RestoreContainerCommand : ContainerCmdletBase
{
    /// <summary>Only these containers (names with wildcards, or ids); every container when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Write each container started.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    private readonly List<Container> _selected = [];
    private bool _all = true;

    protected override void ProcessRecord()
    {
        if (Name is null) return;
        _all = false;
        _selected.AddRange(Resolve(Name, null, null));
    }

    protected override void EndProcessing()
    {
        var boot = new ContainerBootRestore(Manager);
        IReadOnlyList<Container> plan = [];
        if (!ForTarget(null, () => boot.Plan(_all ? Manager.Store.LoadAll() : _selected.DistinctBy(c => c.Id)), out plan)) return;
        ForEachTarget(plan, c =>
        {
            if (!ShouldProcess(c.Name, $"Start container (restart policy {c.HostConfig.RestartPolicy})")) return;
            using var launch = Manager.Start(c, ct: CancellationToken);
            if (PassThru) WriteObject(launch.Container ?? c); // as it is after the start (running), not the plan's copy
        });
    }
}
