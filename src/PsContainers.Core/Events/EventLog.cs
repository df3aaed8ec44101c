using PsContainers.Contract;

namespace PsContainers.Core.Events;

/// <summary>
/// The engine's side of the event journal (<see cref="EventJournal"/>): records what the engine does (docker's
/// event actions, see <see cref="EngineEvent"/>) and reads them back with a filter. Writing is best effort: a journal
/// that cannot be written never fails the operation that produced the event.
/// </summary>
public sealed class EventLog
{
    private readonly EventJournal _journal;

    internal EventLog(PscPaths paths) => _journal = new EventJournal(paths.Root);

    /// <summary>The journal read and written.</summary>
    public EventJournal Journal => _journal;

    /// <summary>Record one event now. <paramref name="attributes"/> are (key, value) pairs; null values are left out.</summary>
    public void Emit(EventType type, string action, string actorId, params (string Key, string? Value)[] attributes)
    {
        var attrs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in attributes) if (v is not null) attrs[k] = v;
        _journal.TryAppend(EngineEvent.Now(type, action, actorId, attrs));
    }

    /// <summary>
    /// Events that pass <paramref name="filter"/>, oldest first; with <see cref="EventFilter.Follow"/> the stream then
    /// goes on with new events until <paramref name="ct"/> is cancelled or <see cref="EventFilter.Until"/> passes.
    /// A followed stream without <see cref="EventFilter.Since"/> starts with the events written after the call, as
    /// docker <c>events --follow</c> does; with Since it replays from then and goes on.
    /// </summary>
    public IEnumerable<EngineEvent> Read(EventFilter filter, CancellationToken ct = default)
    {
        // a followed stream ends at Until even when nothing happens
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (filter.Follow && filter.Until is DateTime end)
            window.CancelAfter(end <= DateTime.UtcNow ? TimeSpan.Zero : end - DateTime.UtcNow);
        foreach (var e in _journal.Read(filter.Follow, window.Token, filter.PollInterval, onlyNew: filter.Since is null))
        {
            if (filter.Until is DateTime until && e.Time > until)
            {
                if (filter.Follow) yield break; // a later event: the window is over
                continue;
            }
            if (filter.Matches(e)) yield return e;
            if (filter.Follow && filter.Until is DateTime u && DateTime.UtcNow > u) yield break;
        }
    }
}
