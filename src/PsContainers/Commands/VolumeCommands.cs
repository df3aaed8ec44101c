using System.Collections;
using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Core;
using PsContainers.Core.Volumes;
using PsContainers.Targets;

namespace PsContainers.Commands;

/// <summary>New-ContainerVolume: create a named volume.</summary>
[Cmdlet(VerbsCommon.New, "ContainerVolume", SupportsShouldProcess = true)]
[OutputType(typeof(ContainerVolume))]
public sealed class NewContainerVolumeCommand : PscCmdlet
{
    /// <summary>Name; omitted, an anonymous (random) name is used.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    [Parameter] public Hashtable? Label { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name ?? "(anonymous)", "Create container volume")) return;
        ForTarget(Name, () =>
        {
            var labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "");
            var store = Engine.Volumes;
            WriteObject(store.WithUsage(store.Create(Name, labels)));
        });
    }
}

/// <summary>Get-ContainerVolume: list volumes with their size and the containers that use them.</summary>
[Cmdlet(VerbsCommon.Get, "ContainerVolume", DefaultParameterSetName = "Name")]
[OutputType(typeof(ContainerVolume))]
public sealed class GetContainerVolumeCommand : PscCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only volumes no container uses.</summary>
    [Parameter(ParameterSetName = "Name")] public SwitchParameter Dangling { get; set; }

    /// <summary>What docker volume prune removes: anonymous volumes no container mounts (docker 23+), named ones too with -All.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Unused")] public SwitchParameter Unused { get; set; }

    /// <summary>With -Unused: named volumes too (docker volume prune --all).</summary>
    [Parameter(ParameterSetName = "Unused")] public SwitchParameter All { get; set; }

    private TargetResolver<ContainerVolume>? _targets;

    protected override void ProcessRecord()
    {
        var store = Engine.Volumes;
        // the Unused selection is VolumeCatalog's (Core), the same the system prune planner uses
        _targets ??= new(this, new VolumeCatalog(store) { Unused = Unused, IncludeNamed = All });
        foreach (var v in _targets.SelectOrAll(Name))
        {
            store.WithUsage(v);
            if (Dangling && v.UsedBy.Length > 0) continue;
            WriteObject(v);
        }
    }
}

/// <summary>Remove-ContainerVolume: delete volumes and their data; refused while a container uses them.</summary>
[Cmdlet(VerbsCommon.Remove, "ContainerVolume", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveContainerVolumeCommand : PscCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(VolumeNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Do not ask for confirmation.</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    private TargetResolver<ContainerVolume>? _targets;

    protected override void ProcessRecord()
    {
        var store = Engine.Volumes;
        _targets ??= new(this, new VolumeCatalog(store));
        ForEachTarget(_targets.Select(Name), v =>
        {
            if (ShouldProcessOrForce(Force, v.Name, "Remove container volume")) store.Remove(v.Name);
        });
    }
}
