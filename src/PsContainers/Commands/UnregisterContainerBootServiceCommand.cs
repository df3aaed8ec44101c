using System.Management.Automation;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Unregister-ContainerBootService: disable (when systemd runs) and remove the unit pscontainers-restart.service and
/// the cron @reboot file that Register-ContainerBootService wrote (<see cref="ContainerBootService.Unregister"/>).
/// Writes the paths removed; nothing when none was there.
/// </summary>
[Cmdlet(VerbsLifecycle.Unregister, "ContainerBootService", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class UnregisterContainerBootServiceCommand : PscCmdlet
{
    /// <summary>The root directory the files are under ("/" by default).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = "/";

    protected override void ProcessRecord()
    {
        string root = GetUnresolvedProviderPathFromPSPath(Root);
        string unit = Path.Combine(root, ContainerBootService.UnitDirectory, ContainerBootService.UnitName);
        if (!ShouldProcess(unit, "Remove the boot service")) return;
        if (ForTarget(unit, () => ContainerBootService.Unregister(root), out var removed))
            foreach (var f in removed) WriteObject(f);
    }
}
