using System.Management.Automation;
using PsContainers.Completers;
using PsContainers.Contract;
using PsContainers.Core.Events;
using PsContainers.Transformations;

namespace PsContainers.Commands;

/// <summary>
/// Get-ContainerEvent: the engine's event journal (docker events / podman events) as objects: what happened to which
/// container, image, volume or network, and when. Without -Follow it returns the events recorded (the journal keeps
/// the latest 1-2 MiB, a few thousand events). With -Follow it writes the events that happen from now on until Ctrl+C
/// or -Until (docker events --follow); with -Follow -Since it first replays the recorded events from then.
/// Containers piped in (or -Id) select their events; -Name, -Action match PowerShell wildcards.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ContainerEvent")]
[OutputType(typeof(EngineEvent))]
public sealed class GetContainerEventCommand : PscCmdlet
{
    /// <summary>Only events of objects with these names (wildcards): container, image reference, network or volume name.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(EventActorCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only events of objects with these ids or id prefixes (containers, networks, images "sha256:…").</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Id { get; set; }

    /// <summary>Only these kinds of object.</summary>
    [Parameter] public EventType[]? Type { get; set; }

    /// <summary>Only these actions (wildcards), e.g. start, die, 'health_status*', 'exec_*'. 'health_status' also matches 'health_status: healthy', as docker's filter does.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(EventActionCompleter))]
    [SupportsWildcards]
    public string[]? Action { get; set; }

    /// <summary>Events at or after: a DateTime, a TimeSpan (that long ago), or '10m', '2h', '2026-01-01T10:00:00'.</summary>
    [Parameter] public object? Since { get; set; }

    /// <summary>Events at or before (same forms as -Since); a followed stream ends when the clock passes it.</summary>
    [Parameter] public object? Until { get; set; }

    /// <summary>Write new events as they happen until Ctrl+C or -Until; the recorded ones only from -Since on (docker events --follow).</summary>
    [Parameter] public SwitchParameter Follow { get; set; }

    private readonly List<string> _names = new(), _ids = new();
    private bool _piped;

    protected override void ProcessRecord()
    {
        // containers (or anything with Name/Id) piped in select their events; gathered, then read once
        if (Name is not null) _names.AddRange(Name);
        if (Id is not null) _ids.AddRange(Id);
        if (MyInvocation.ExpectingInput) _piped = true;
    }

    protected override void EndProcessing()
    {
        DateTime? since, until;
        try
        {
            since = TimeArgument.ToTime(Since, nameof(Since));
            until = TimeArgument.ToTime(Until, nameof(Until));
        }
        catch (Core.PscException e) { WriteEngineError(e, e.Target); return; } // InvalidTime, InvalidArgument
        if (_piped && _names.Count == 0 && _ids.Count == 0) return; // an empty pipeline selects nothing
        var filter = new EventFilter
        {
            Since = since,
            Until = until,
            Types = Type ?? [],
            Actions = Action ?? [],
            Names = _names,
            Ids = _ids,
            Follow = Follow,
        };
        try
        {
            foreach (var e in Engine.Events.Read(filter, CancellationToken))
            {
                if (Stopping) return;
                WriteObject(e);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(ToErrorRecord(ex, Engine.Events.Journal.DirectoryPath));
        }
    }
}
