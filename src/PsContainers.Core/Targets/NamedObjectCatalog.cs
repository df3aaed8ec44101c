namespace PsContainers.Core.Targets;

/// <summary>
/// A kind whose objects are known by name only, without ids (networks and volumes here, as docker's volumes): a
/// literal is an exact, case-sensitive name; a wildcard matches names; an id lookup finds nothing; the name is the
/// identity. A kind gives its listing and its lookup of one name.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="kind">The kind's word in messages.</param>
/// <param name="notFoundErrorId">The kind's "no such object" ErrorId.</param>
/// <param name="nameOf">An object's name.</param>
public abstract class NamedObjectCatalog<T>(string kind, string notFoundErrorId, Func<T, string> nameOf) : ITargetCatalog<T> where T : class
{
    /// <summary>Every object, in the store's order.</summary>
    protected abstract IEnumerable<T> ReadAll();

    /// <summary>The object named exactly <paramref name="name"/>, or null.</summary>
    protected abstract T? Get(string name);

    /// <inheritdoc/>
    public string Kind => kind;

    /// <inheritdoc/>
    public string NotFoundErrorId => notFoundErrorId;

    /// <inheritdoc/>
    public IEnumerable<T> List() => ReadAll();

    /// <inheritdoc/>
    public IReadOnlyList<T> Find(string name, bool idOnly) => idOnly || Get(name) is not { } item ? [] : [item];

    /// <inheritdoc/>
    public T? Reload(T item) => Get(nameOf(item));

    /// <inheritdoc/>
    public bool Matches(T item, Wildcard pattern) => pattern.IsMatch(nameOf(item));

    /// <inheritdoc/>
    public string Key(T item) => nameOf(item);

    /// <inheritdoc/>
    public string Describe(T item) => nameOf(item);
}
