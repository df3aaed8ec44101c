using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Contract;
using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// Base of the cmdlets that act on existing containers: -Name (wildcards, strings from the pipeline),
/// -Id (by property name), or Container objects from the pipeline.
/// </summary>
public abstract class ContainerTargetCmdletBase : ContainerCmdletBase
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ContainerNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContainerIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = "Container", ValueFromPipeline = true)]
    [Alias("Container")]
    [DeserializedReferenceTransformation(typeof(Container))]
    public Container[] InputObject { get; set; } = [];

    protected IEnumerable<Container> Targets() => ParameterSetName switch
    {
        "Id" => Resolve(null, Id, null),
        "Container" => Resolve(null, null, InputObject),
        _ => Resolve(Name, null, null),
    };

    protected override void ProcessRecord() => ForEachTarget(Targets().ToList(), Act);

    protected abstract void Act(Container c);
}

/// <summary>Start-Container: start created or stopped containers.</summary>
[Cmdlet(VerbsLifecycle.Start, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container), typeof(string))]
public sealed class StartContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>Stay attached: output lines to the pipeline until the container exits.</summary>
    [Parameter] public SwitchParameter Attach { get; set; }
    /// <summary>
    /// Attach this host's standard input too (docker start -i; implies -Attach): a container created with -Interactive
    /// -Tty runs on this terminal, as Invoke-ContainerImage -Interactive -Tty does.
    /// </summary>
    [Parameter] [Alias("i")] public SwitchParameter Interactive { get; set; }
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Start container")) return;
        if (Attach || Interactive)
        {
            // docker start -a/-i: the exit-status rule of an attached run, start failures (125/126/127) included
            bool onTerminal = Interactive && c.Config.Tty;
            if (onTerminal) RequireTerminal(c.Name);
            RunCreated(c, detach: false, remove: false, () => onTerminal ? Manager.RunInTerminal(c, CancellationToken) : RunAttached(c, stdin: Interactive));
            return;
        }
        using var launch = Manager.Start(c, ct: CancellationToken);
        SetLastExitCode(0); // podman start: 0 once started
        if (PassThru) WriteObject(launch.Container ?? c);
    }

    /// <summary>
    /// A start that fails, or a name that names no container, sets $LASTEXITCODE as podman start's status: the
    /// runtime's 126 or 127 when it could not run the command (the code run sets for the same failure), else 125.
    /// </summary>
    protected override void OnTargetFailed(Exception error) => SetFailureExitCode(error);
}

/// <summary>Stop-Container: the stop signal, then KILL after -Timeout seconds.</summary>
[Cmdlet(VerbsLifecycle.Stop, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class StopContainerCommand : ContainerTargetCmdletBase
{
    [Parameter] [ValidateRange(0, int.MaxValue)] [Alias("Time")] public int Timeout { get; set; } = -1;
    [Parameter] [SignalTransformation] [ArgumentCompleter(typeof(SignalNameCompleter))] public string? Signal { get; set; }
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Stop container")) return;
        var after = Manager.Stop(c, Timeout >= 0 ? Timeout : null, Signal, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Send-ContainerSignal (Kill-Container): send a signal (KILL by default) to the container's main process.</summary>
[Cmdlet(VerbsCommunications.Send, "ContainerSignal", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[Alias("Kill-Container")]
[OutputType(typeof(Container))]
public sealed class SendContainerSignalCommand : ContainerTargetCmdletBase
{
    [Parameter] [SignalTransformation] [ArgumentCompleter(typeof(SignalNameCompleter))]
    public string Signal { get; set; } = "KILL";
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        int number = ContainerManager.ParseSignal(Signal);
        if (!ShouldProcess(c.Name, $"Send {Signals.NameOf(number) ?? Signal}")) return;
        var after = Manager.Kill(c, Signal, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Restart-Container: stop (with timeout) and start again.</summary>
[Cmdlet(VerbsLifecycle.Restart, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class RestartContainerCommand : ContainerTargetCmdletBase
{
    [Parameter] [ValidateRange(0, int.MaxValue)] [Alias("Time")] public int Timeout { get; set; } = -1;
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Restart container")) return;
        var after = Manager.Restart(c, Timeout >= 0 ? Timeout : null, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Suspend-Container: freeze every process of the container (docker pause).</summary>
[Cmdlet(VerbsLifecycle.Suspend, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class SuspendContainerCommand : ContainerTargetCmdletBase
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Pause container")) return;
        var after = Manager.Pause(c, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Resume-Container: thaw a paused container (docker unpause).</summary>
[Cmdlet(VerbsLifecycle.Resume, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class ResumeContainerCommand : ContainerTargetCmdletBase
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, "Unpause container")) return;
        var after = Manager.Resume(c, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>
/// Rename-Container: give a container a new (unique) name. docker rename takes one container: names (a wildcard, or
/// several names or ids) that match more than one container in one call are refused before anything is renamed
/// (RenameNeedsOneContainer, InvalidArgument, the names as target), so that <c>Rename-Container 'x*' new</c> never
/// renames the first match and fails on the second.
/// </summary>
[Cmdlet(VerbsCommon.Rename, "Container", SupportsShouldProcess = true, DefaultParameterSetName = "Name")]
[OutputType(typeof(Container))]
public sealed class RenameContainerCommand : ContainerTargetCmdletBase
{
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var targets = Targets().ToList();
        if (targets.Count > 1)
        {
            string given = string.Join(", ", ParameterSetName switch { "Id" => Id, "Container" => InputObject.Select(c => c.Name), _ => Name });
            var e = new PSArgumentException($"'{given}' matches {targets.Count} containers ({string.Join(", ", targets.Select(c => c.Name))}); " +
                "a container is renamed one at a time: name exactly one container.");
            WriteError(new ErrorRecord(e, ErrorIds.RenameNeedsOneContainer, ErrorCategory.InvalidArgument, given));
            return;
        }
        ForEachTarget(targets, Act);
    }

    protected override void Act(Container c)
    {
        if (!ShouldProcess(c.Name, $"Rename container to '{NewName}'")) return;
        var after = Manager.Rename(c, NewName, CancellationToken);
        if (PassThru) WriteObject(after);
    }
}

/// <summary>Remove-Container: delete containers (running ones only with -Force).</summary>
[Cmdlet(VerbsCommon.Remove, "Container", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Name")]
[OutputType(typeof(void))]
public sealed class RemoveContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>Kill a running container first (docker rm -f); also suppresses the confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Also delete the container's anonymous volumes (docker rm -v).</summary>
    [Parameter] public SwitchParameter Volumes { get; set; }

    protected override void Act(Container c)
    {
        // a running container without -Force is refused before ShouldProcess, so -WhatIf promises no removal it would refuse
        ContainerStateMachine.Require(c, Force ? ContainerOperation.ForceRemove : ContainerOperation.Remove);
        if (!ShouldProcessOrForce(Force, c.Name, "Remove container")) return;
        Manager.Remove(c, Force, Volumes.IsPresent, CancellationToken);
    }
}

/// <summary>
/// Wait-Container: block until containers stop and write each one's <see cref="ContainerExitStatus"/> (docker wait's
/// exit code with the container's name, id and status, so several waits keep their owners); with -Condition Running or
/// Healthy write the container once it is running / healthy, with Removed nothing once it is gone.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "Container", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerExitStatus), typeof(Container))]
public sealed class WaitContainerCommand : ContainerTargetCmdletBase
{
    /// <summary>What to wait for (<see cref="WaitCondition"/>); Exited by default.</summary>
    [Parameter] public WaitCondition Condition { get; set; } = WaitCondition.Exited;

    /// <summary>
    /// The longest to wait for each container: seconds (a number, 2.5 included), a TimeSpan, or a duration such as
    /// '1m30s', as the other cmdlets' timeouts take seconds; past it the container's error is WaitTimedOut.
    /// </summary>
    [Parameter] [SecondsTransformation] public TimeSpan Timeout { get; set; }

    protected override void Act(Container c)
    {
        bool timed = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout));
        if (Condition == WaitCondition.Exited && !timed)
        {
            int code = Manager.Wait(c, CancellationToken);
            var after = Manager.Store.Load(c.Id);
            WriteObject(ContainerExitStatus.Of(after ?? c, code, gone: after is null));
            return;
        }
        var reached = ContainerWaiter.Wait(Manager.Store, c, Condition, timed ? Timeout : null, CancellationToken);
        if (Condition == WaitCondition.Exited) WriteObject(ContainerExitStatus.Of(reached!));
        else if (reached is not null) WriteObject(reached);
    }
}
