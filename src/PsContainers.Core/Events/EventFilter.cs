using PsContainers.Contract;

namespace PsContainers.Core.Events;

/// <summary>
/// Which events <see cref="EventLog.Read"/> returns (docker <c>events --since --until --filter</c>): every condition
/// set must hold; within one list any entry may match. Times are UTC.
/// </summary>
public sealed record EventFilter
{
    /// <summary>Only events at or after this time.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Only events at or before this time; a followed stream ends when the clock passes it.</summary>
    public DateTime? Until { get; init; }

    /// <summary>Only these kinds (empty: all).</summary>
    public IReadOnlyCollection<EventType> Types { get; init; } = [];

    /// <summary>
    /// A test of the action and the actor (name, id) the caller supplies (the cmdlets match PowerShell wildcards);
    /// null: every event.
    /// </summary>
    public Func<EngineEvent, bool>? Predicate { get; init; }

    /// <summary>Keep reading new events as they are written.</summary>
    public bool Follow { get; init; }

    /// <summary>How often a followed journal is checked for new lines (100 ms when null).</summary>
    public TimeSpan? PollInterval { get; init; }

    /// <summary>Whether <paramref name="e"/> passes Since, Until, Types and the predicate.</summary>
    public bool Matches(EngineEvent e) =>
        (Since is not DateTime s || e.Time >= s)
        && (Until is not DateTime u || e.Time <= u)
        && (Types.Count == 0 || Types.Contains(e.Type))
        && (Predicate is null || Predicate(e));
}
