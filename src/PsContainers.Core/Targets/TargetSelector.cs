namespace PsContainers.Core.Targets;

/// <summary>
/// The one rule for naming objects, for every kind (<see cref="ITargetCatalog{T}"/>), so the cmdlets and compose
/// answer alike:
/// <list type="bullet">
/// <item>text with wildcard characters (<see cref="Wildcard.ContainsWildcard"/>) selects every object it matches, and
/// nothing when none does (no error, as PowerShell's Get-Item *x* and Get-Process x*);</item>
/// <item>other text is a name, a full id or a unique id prefix (<see cref="ITargetCatalog{T}.Find"/>); when nothing has
/// it, that is a <see cref="ResourceNotFoundException"/> with the kind's ErrorId and the text as target (docker's
/// "No such container: x"); an id prefix that fits several objects is an InvalidArgument error (docker: "multiple IDs
/// found with provided prefix");</item>
/// <item>a piped object is re-read from disk (it may be stale or gone: then ObjectNotFound);</item>
/// <item><see cref="Distinct"/> drops an object a previous input already selected.</item>
/// </list>
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed class TargetSelector<T>(ITargetCatalog<T> catalog) where T : class
{
    private List<T>? _all;

    /// <summary>The kind this selector resolves.</summary>
    public ITargetCatalog<T> Catalog { get; } = catalog;

    /// <summary>
    /// The objects <paramref name="text"/> names. The list of all objects is read by the first pattern and kept until
    /// <see cref="Refresh"/>, so several patterns of one input see one listing.
    /// </summary>
    /// <param name="text">A name, id, id prefix or wildcard pattern.</param>
    /// <param name="idOnly">Literal text is an id or id prefix only (not a name).</param>
    /// <param name="wildcards">False where the kind's cmdlet takes literal references only (Remove-ContainerImage): then
    /// wildcard characters are looked up as they are.</param>
    /// <returns>The matches: one or more for literal text, zero or more (in <see cref="ITargetCatalog{T}.List"/> order) for a pattern.</returns>
    /// <exception cref="ResourceNotFoundException">Literal text that names nothing (the kind's NotFound id).</exception>
    /// <exception cref="InvalidArgumentException">An ambiguous id prefix, an invalid pattern (InvalidWildcardPattern), or
    /// empty (or blank) text (EmptyTargetName).</exception>
    public IReadOnlyList<T> Resolve(string text, bool idOnly = false, bool wildcards = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        // docker says "No such container: " of an empty name; an empty string is usually an unset variable
        if (text.Trim().Length == 0)
            throw new InvalidArgumentException(ErrorIds.EmptyTargetName,
                $"An empty name names no {Catalog.Kind}: give a {Catalog.Kind}'s name, an id or a wildcard (is the variable that holds it empty?).", text);
        if (wildcards && Wildcard.ContainsWildcard(text))
        {
            var pattern = Wildcard.Parse(text);
            _all ??= Catalog.List().ToList();
            return _all.Where(i => Catalog.Matches(i, pattern)).ToList();
        }
        string name = wildcards ? Wildcard.Unescape(text) : text;
        var found = Catalog.Find(name, idOnly);
        return found.Count > 0 ? found : throw NotFound(text, $"No such {Catalog.Kind}: {name}");
    }

    /// <summary>
    /// The current stored state of a piped object, found by its id where the kind has ids (<see cref="ITargetCatalog{T}.IdOf"/>),
    /// never by its name: an object from another host, or a stale one whose object was removed and another made under
    /// its name, names nothing here.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">Nothing here has its id (the kind's NotFound id; the target is its
    /// name; the message names the short id and the name: "No container with Id 7a6e5c6c509d (web) exists here ...").</exception>
    public T Reload(T item) => Catalog.Reload(item) ?? throw NotFound(Catalog.Describe(item), GoneMessage(item));

    private string GoneMessage(T item)
    {
        string name = Catalog.Describe(item);
        if (Catalog.IdOf(item) is not { Length: > 0 } id) return $"The {Catalog.Kind} '{name}' no longer exists.";
        string hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id["sha256:".Length..] : id;
        string shortId = hex.Length > 12 ? hex[..12] : hex;
        string named = name == shortId || name == id ? "" : $" ({name})";
        return $"No {Catalog.Kind} with Id {shortId}{named} exists here: it was removed, or the object came from another host.";
    }

    /// <summary>Forget the listing read for patterns (the next pattern or <see cref="All"/> reads the store again); the de-duplication state stays.</summary>
    public void Refresh() => _all = null;

    /// <summary>Every object when no text was given, in <see cref="ITargetCatalog{T}.List"/> order.</summary>
    public IReadOnlyList<T> All() => _all ??= Catalog.List().ToList();

    /// <summary>A filter that passes each object once per selector, by <see cref="ITargetCatalog{T}.Key"/> (the first input that names it wins).</summary>
    public IEnumerable<T> Distinct(IEnumerable<T> items)
    {
        foreach (var i in items)
            if (_seen.Add(Catalog.Key(i))) yield return i;
    }

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    private ResourceNotFoundException NotFound(string target, string message) => new(Catalog.NotFoundErrorId, message, target);

    /// <summary>Every object selected by <paramref name="texts"/>, each once; the first error is thrown (compose's all-or-nothing use).</summary>
    /// <exception cref="ResourceNotFoundException">A literal text names nothing.</exception>
    /// <exception cref="InvalidArgumentException">An ambiguous id prefix or an invalid pattern.</exception>
    public IReadOnlyList<T> ResolveAll(IEnumerable<string> texts) => Distinct(texts.SelectMany(t => Resolve(t))).ToList();
}
