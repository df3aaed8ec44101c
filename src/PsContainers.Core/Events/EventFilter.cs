using PsContainers.Contract;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Events;

/// <summary>
/// Which events <see cref="EventLog.Read"/> returns (docker <c>events --since --until --filter</c>): every condition
/// set must hold; within one list any entry may match. Times are UTC.
/// </summary>
public sealed class EventFilter
{
    /// <summary>Only events at or after this time.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Only events at or before this time; a followed stream ends when the clock passes it.</summary>
    public DateTime? Until { get; init; }

    /// <summary>Only these kinds (empty: all).</summary>
    public IReadOnlyCollection<EventType> Types { get; init; } = [];

    /// <summary>Only these actions (<see cref="Wildcard"/> patterns); a pattern also matches the action's first word
    /// (<see cref="EngineEvent.ActionWord"/>), so "health_status" matches "health_status: healthy", as docker's filter does.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Only events of actors with these names (<see cref="Wildcard"/> patterns) or these ids / id prefixes
    /// ("sha256:" optional for images); both empty: every actor.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <inheritdoc cref="Names"/>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>Keep reading new events as they are written.</summary>
    public bool Follow { get; init; }

    /// <summary>How often a followed journal is checked for new lines (100 ms when null).</summary>
    public TimeSpan? PollInterval { get; init; }

    private List<Wildcard>? _actions, _names;

    /// <summary>Whether <paramref name="e"/> passes every condition.</summary>
    /// <exception cref="InvalidArgumentException">InvalidWildcardPattern: an action or name pattern is malformed.</exception>
    public bool Matches(EngineEvent e)
    {
        if (Since is DateTime s && e.Time < s) return false;
        if (Until is DateTime u && e.Time > u) return false;
        if (Types.Count > 0 && !Types.Contains(e.Type)) return false;
        _actions ??= Actions.Select(a => Wildcard.Parse(a)).ToList();
        if (_actions.Count > 0 && !_actions.Any(p => p.IsMatch(e.Action) || p.IsMatch(e.ActionWord))) return false;
        if (Names.Count == 0 && Ids.Count == 0) return true;
        _names ??= Names.Select(n => Wildcard.Parse(n)).ToList();
        if (e.ActorName is string name && _names.Any(p => p.IsMatch(name))) return true;
        return Ids.Any(i => i.Length > 0 && (e.ActorId.StartsWith(i, StringComparison.OrdinalIgnoreCase)
            || e.ActorId.StartsWith("sha256:" + i, StringComparison.OrdinalIgnoreCase)));
    }
}
