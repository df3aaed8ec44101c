using System.Management.Automation;
using PsContainers.Core.Runtime;

namespace PsContainers.Commands;

/// <summary>Get-ContainerConfiguration: the engine settings (which OCI runtime runs containers).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerConfiguration")]
[OutputType(typeof(EngineConfiguration))]
public sealed class GetContainerConfigurationCommand : PscCmdlet
{
    protected override void EndProcessing()
    {
        try { WriteObject(EngineConfiguration.Load(Paths, withVersion: true)); }
        catch (Exception e) { ThrowEngineError(e, Paths.ConfigFile); }
    }
}

/// <summary>Set-ContainerConfiguration: choose the OCI runtime (pscrun, runc, crun ...).</summary>
[Cmdlet(VerbsCommon.Set, "ContainerConfiguration", SupportsShouldProcess = true, DefaultParameterSetName = "Runtime")]
[OutputType(typeof(EngineConfiguration))]
public sealed class SetContainerConfigurationCommand : PscCmdlet
{
    /// <summary>Absolute path of a runc-compatible runtime binary.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Runtime", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Runtime { get; set; } = "";

    /// <summary>Go back to the bundled pscrun.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Default")]
    public SwitchParameter DefaultRuntime { get; set; }

    /// <summary>Write the resulting configuration.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string? target = DefaultRuntime ? null : Runtime;
        ForTarget(target, () =>
        {
            if (target is not null)
            {
                target = GetUnresolvedProviderPathFromPSPath(target);
                EngineConfiguration.ValidateRuntime(target);
            }
            if (!ShouldProcess(Paths.ConfigFile, target is null ? "Use the bundled runtime (pscrun)" : $"Set the OCI runtime to '{target}'")) return;
            var c = EngineConfiguration.SetRuntime(Paths, target);
            if (PassThru) WriteObject(c);
        });
    }
}
