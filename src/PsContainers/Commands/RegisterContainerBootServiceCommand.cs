using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Register-ContainerBootService: install the systemd unit pscontainers-restart.service that runs Restore-Container at
/// boot (<see cref="ContainerBootService"/>) and enable it when systemd runs; -Cron also installs a cron.d @reboot line
/// (hosts without systemd). Without systemd and without -Cron it warns how to hook the boot step in.
/// -Root installs under another root directory (tests, images being built) and then never calls systemctl.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "ContainerBootService", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerBootServiceRegistration))]
public sealed class RegisterContainerBootServiceCommand : PscCmdlet
{
    /// <summary>The root directory the files go under ("/" by default).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = "/";

    /// <summary>Also write /etc/cron.d/pscontainers-restart with an @reboot line.</summary>
    [Parameter] public SwitchParameter Cron { get; set; }

    /// <summary>The PowerShell command the boot step runs (default: this pwsh).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? PowerShellPath { get; set; }

    protected override void ProcessRecord()
    {
        string root = GetUnresolvedProviderPathFromPSPath(Root);
        string pwsh = PowerShellPath ?? DefaultPowerShell();
        string module = Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? Path.GetDirectoryName(typeof(PscCmdlet).Assembly.Location)!, "PsContainers.psd1");
        string? storeRoot = Paths.Root == PscPaths.DefaultRoot ? null : Paths.Root;
        string unit = Path.Combine(root, ContainerBootService.UnitDirectory, ContainerBootService.UnitName);
        if (!ShouldProcess(unit, "Install the boot service" + (Cron ? " and the cron @reboot line" : ""))) return;
        if (!ForTarget(unit, () => ContainerBootService.Register(root, pwsh, module, storeRoot, Cron), out var reg)) return;
        if (!reg.Enabled && reg.CronPath is null)
            WriteWarning($"systemd does not run here, so the unit was written but not enabled. Hook the boot step into this host's boot: Register-ContainerBootService -Cron installs a cron @reboot line (needs a cron daemon), or add this line to /etc/rc.local: {reg.Command}");
        WriteObject(reg);
    }

    /// <summary>This process's pwsh: the pwsh executable, or dotnet with pwsh.dll when pwsh runs as a dotnet tool.</summary>
    private static string DefaultPowerShell()
    {
        string process = Environment.ProcessPath ?? "pwsh";
        if (Path.GetFileName(process) != "dotnet") return process;
        string dll = Path.Combine(Path.GetDirectoryName(typeof(PSObject).Assembly.Location)!, "pwsh.dll");
        return File.Exists(dll) ? $"{process} {dll}" : process;
    }
}
