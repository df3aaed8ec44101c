using System.Management.Automation;
using PsContainers.Core.Containers;
using PsContainers.Completers;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// Update-Container (docker update): change the memory, CPU and pids limits and the restart policy of containers.
/// The new values are stored in the container's record (the next start uses them); a running or paused container gets
/// the limits at once through the OCI runtime's update command, and its monitor the new restart policy.
/// </summary>
[Cmdlet(VerbsData.Update, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class UpdateContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>Memory limit (docker --memory): bytes, 64MB, or "256m".</summary>
    [Parameter] [ByteSizeTransformation] public long Memory { get; set; }

    /// <summary>Memory plus swap (docker --memory-swap): bytes or a size, -1 for unlimited swap.</summary>
    [Parameter] [ByteSizeTransformation(AllowUnlimited = true)] public long MemorySwap { get; set; }

    /// <summary>Relative CPU weight (docker --cpu-shares; cgroup v1 cpu.shares, default 1024).</summary>
    [Parameter] [ValidateRange(ResourceLimits.MinimumCpuShares, ResourceLimits.MaximumCpuShares)] public ulong CpuShares { get; set; }

    /// <summary>CPU time as a number of CPUs (docker --cpus).</summary>
    [Parameter] [ValidateRange(0.01, 1024)] public double Cpus { get; set; }

    /// <summary>The CPUs it may run on (docker --cpuset-cpus): "0-2,4".</summary>
    [Parameter] [ValidateForm(ResourceLimits.CpusetPattern, "a list of CPUs such as 0-2,4")] public string? CpusetCpus { get; set; }

    /// <summary>Process limit (docker --pids-limit); 0 or -1 for none.</summary>
    [Parameter] [ValidateRange(-1, long.MaxValue)] public long PidsLimit { get; set; }

    /// <summary>Restart policy (docker --restart).</summary>
    [Parameter] [Alias("Restart")] [ValidateRestartPolicy] [ArgumentCompleter(typeof(RestartPolicyCompleter))] public string? RestartPolicy { get; set; }

    /// <summary>Write the updated container.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        // docker update: "You must provide one or more flags when using this command"
        string[] settings = [nameof(Memory), nameof(MemorySwap), nameof(CpuShares), nameof(Cpus), nameof(CpusetCpus), nameof(PidsLimit), nameof(RestartPolicy)];
        if (!settings.Any(MyInvocation.BoundParameters.ContainsKey))
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Give at least one setting to change: -" + string.Join(", -", settings) + "."),
                Core.ErrorIds.NothingToUpdate, ErrorCategory.InvalidArgument, null));
        base.BeginProcessing();
    }

    protected override void Act(Container c)
    {
        var bound = MyInvocation.BoundParameters;
        var u = new ContainerUpdate
        {
            Resources = new ResourceLimits
            {
                Memory = bound.ContainsKey(nameof(Memory)) ? Memory : null,
                MemorySwap = bound.ContainsKey(nameof(MemorySwap)) ? MemorySwap : null,
                CpuShares = bound.ContainsKey(nameof(CpuShares)) ? CpuShares : null,
                Cpus = bound.ContainsKey(nameof(Cpus)) ? Cpus : null,
                CpusetCpus = CpusetCpus,
                PidsLimit = bound.ContainsKey(nameof(PidsLimit)) ? PidsLimit : null,
            },
            RestartPolicy = RestartPolicy is null ? null : ContainerManager.ParseRestart(RestartPolicy),
        };
        if (!ShouldProcess(c.Name, "Update container")) return;
        var updated = Manager.Update(c, u, CancellationToken);
        if (PassThru) WriteObject(updated);
    }
}
