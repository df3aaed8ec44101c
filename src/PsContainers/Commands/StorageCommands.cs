using System.Collections;
using System.Management.Automation;
using PsContainers.Core;
using PsContainers.Core.Images;

namespace PsContainers.Commands;

/// <summary>Test-ContainerStorage: verify every blob and reference of the store.</summary>
[Cmdlet(VerbsDiagnostic.Test, "ContainerStorage", SupportsShouldProcess = true)]
[OutputType(typeof(StorageProblem))]
public sealed class TestContainerStorageCommand : PscCmdlet
{
    [Parameter]
    public SwitchParameter Repair { get; set; }

    protected override void EndProcessing()
    {
        bool repair = Repair && ShouldProcess(Paths.Storage, "Remove broken images, blobs and leftovers");
        try
        {
            var problems = RunPumped((sink, ct) => StorageChecker.Check(Images, repair, sink, ct));
            foreach (var p in problems) WriteObject(p);
        }
        catch (Exception e) { ThrowEngineError(e, Paths.Storage); }
    }
}

/// <summary>Get-ContainerDiskUsage (docker system df).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerDiskUsage")]
[OutputType(typeof(DiskUsage), typeof(DiskUsageItem))]
public sealed class GetContainerDiskUsageCommand : PscCmdlet
{
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var (summary, items) = DiskUsageCalculator.Compute(Images, CancellationToken);
            if (Detailed) foreach (var i in items) WriteObject(i);
            else foreach (var s in summary) WriteObject(s);
        }
        catch (Exception e) { ThrowEngineError(e, Paths.Storage); }
    }
}

/// <summary>Get-ContainerVersion (docker version).</summary>
[Cmdlet(VerbsCommon.Get, "ContainerVersion")]
[OutputType(typeof(ContainerVersionInfo))]
public sealed class GetContainerVersionCommand : PscCmdlet
{
    protected override void EndProcessing()
    {
        string? ps = null;
        try { ps = ((Hashtable)SessionState.PSVariable.GetValue("PSVersionTable"))["PSVersion"]?.ToString(); } catch { }
        var v = ContainerVersionInfo.Collect(Paths, ps);
        v.ModuleVersion = MyInvocation.MyCommand.Module?.Version?.ToString() ?? v.ModuleVersion;
        WriteObject(v);
    }
}

/// <summary>Get-ContainerSystemInfo (docker info, docker system info): engine facts as one object.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerSystemInfo")]
[OutputType(typeof(EngineInfo))]
public sealed class GetContainerSystemInfoCommand : PscCmdlet
{
    protected override void EndProcessing()
    {
        try { WriteObject(EngineInfo.Collect(Engine)); }
        catch (Exception e) when (e is not PipelineStoppedException) { WriteError(ToErrorRecord(e, Paths.Root)); }
    }
}
