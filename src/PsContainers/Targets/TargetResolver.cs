using PsContainers.Core.Targets;

namespace PsContainers.Targets;

/// <summary>
/// The cmdlets' one resolver of names, ids, id prefixes, wildcards and piped objects, for every kind (containers,
/// images, networks, volumes: the kind is a Core <see cref="ITargetCatalog{T}"/>). The rules are Core's
/// (<see cref="TargetSelector{T}"/>); this class turns their errors into non-terminating errors about the text that
/// caused them (<see cref="PscCmdlet.ForTarget{T}"/>): a literal that names nothing is ObjectNotFound with the kind's
/// ErrorId, an ambiguous id prefix is InvalidArgument, a wildcard that matches nothing writes nothing. Each object is
/// selected once for the life of the resolver (one per cmdlet invocation, so across pipeline input too). One call
/// looks all its inputs up before the caller acts on any of them.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed class TargetResolver<T> where T : class
{
    private readonly PscCmdlet _cmdlet;

    /// <param name="cmdlet">The cmdlet that writes the errors.</param>
    /// <param name="catalog">The kind.</param>
    public TargetResolver(PscCmdlet cmdlet, ITargetCatalog<T> catalog)
    {
        _cmdlet = cmdlet;
        Selector = new TargetSelector<T>(catalog);
    }

    /// <summary>The Core selector (its catalog, its de-duplication state).</summary>
    public TargetSelector<T> Selector { get; }

    /// <summary>
    /// The objects <paramref name="objects"/> (re-read from disk) and <paramref name="texts"/> name, in input order,
    /// each once. Nothing when both are null or empty (see <see cref="SelectOrAll"/>).
    /// </summary>
    /// <param name="texts">Names, ids, id prefixes or wildcard patterns.</param>
    /// <param name="objects">Piped objects of the kind.</param>
    /// <param name="idOnly">The texts are ids or id prefixes (a cmdlet's -Id).</param>
    /// <param name="wildcards">False where the parameter takes literal references only.</param>
    public IReadOnlyList<T> Select(IEnumerable<string>? texts, IEnumerable<T>? objects = null, bool idOnly = false, bool wildcards = true)
    {
        // every input is looked up before the caller acts on the first object, so that removing what 'x*' selects
        // does not turn a later literal 'x1' of the same call into "no such object"
        Selector.Refresh();
        var selected = new List<T>();
        foreach (var o in objects ?? [])
        {
            if (_cmdlet.Stopping) return selected;
            if (_cmdlet.ForTarget(Selector.Catalog.Describe(o), () => Selector.Reload(o), out var current))
                selected.AddRange(Selector.Distinct([current]));
        }
        foreach (var text in texts ?? [])
        {
            if (_cmdlet.Stopping) return selected;
            if (_cmdlet.ForTarget(text, () => Selector.Resolve(text, idOnly, wildcards), out var found))
                selected.AddRange(Selector.Distinct(found));
        }
        return selected;
    }

    /// <summary><see cref="Select"/>, or every object (in the catalog's order) when no text is given.</summary>
    public IReadOnlyList<T> SelectOrAll(IReadOnlyCollection<string>? texts) =>
        texts is { Count: > 0 } ? Select(texts) : Selector.Distinct(Fresh()).ToList();

    private IReadOnlyList<T> Fresh()
    {
        Selector.Refresh();
        return Selector.All();
    }

    /// <summary>Whether any of <paramref name="texts"/> is a literal (not a pattern): then the user named objects, and filters that hide stopped or internal objects step aside.</summary>
    public static bool NamesLiterally(IEnumerable<string>? texts) => texts?.Any(t => !Wildcard.ContainsWildcard(t)) == true;
}
