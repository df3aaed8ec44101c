using System.Management.Automation;
using PsContainers.Core.Containers;

namespace PsContainers.Commands;

/// <summary>
/// Get-ContainerChange (Diff-Container): the files and directories a container added, changed or deleted against its
/// image (docker diff), read from its writable layer without following links.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerChange", DefaultParameterSetName = "Name")]
[Alias("Diff-Container")]
[OutputType(typeof(ContainerChange))]
public sealed class GetContainerChangeCommand : ContainerTargetCmdletBase
{
    /// <summary>Only these kinds of change.</summary>
    [Parameter] public ContainerChangeKind[]? Kind { get; set; }

    protected override void Act(Container c)
    {
        foreach (var change in Manager.Changes(c, CancellationToken))
        {
            if (Kind is { Length: > 0 } && !Kind.Contains(change.Kind)) continue;
            WriteObject(change);
        }
    }
}
