namespace PsContainers.Core.Targets;

/// <summary>
/// One kind of object users name (containers, images, networks, volumes): what <see cref="TargetSelector{T}"/> needs
/// to turn names, ids, id prefixes, wildcards and piped objects into objects. Implementations only read the store:
/// no recovery, no repair, no long lock.
/// </summary>
/// <typeparam name="T">The object type (Container, ContainerImage, ContainerNetwork, ContainerVolume).</typeparam>
public interface ITargetCatalog<T> where T : class
{
    /// <summary>The kind's word in messages: "container", "image", "network", "volume".</summary>
    string Kind { get; }

    /// <summary>The ErrorId of "nothing has that name" (an <see cref="ErrorIds"/> constant, e.g. ContainerNotFound).</summary>
    string NotFoundErrorId { get; }

    /// <summary>Every object, in the order a wildcard's matches are written.</summary>
    IEnumerable<T> List();

    /// <summary>
    /// The objects a literal name names: an exact name, a full id or a unique id prefix, as the kind allows (docker's
    /// lookup order: name first). Usually one; an image's bare repository name names each of its tags.
    /// <paramref name="idOnly"/> restricts the lookup to ids (a cmdlet's -Id).
    /// </summary>
    /// <returns>The objects; empty when nothing has that name.</returns>
    /// <exception cref="InvalidArgumentException">The id prefix matches more than one object (the kind's Ambiguous… id).</exception>
    IReadOnlyList<T> Find(string name, bool idOnly);

    /// <summary>The stored object a piped (possibly stale) object stands for, re-read from disk; null when it is gone.</summary>
    T? Reload(T item);

    /// <summary>Whether a wildcard selects <paramref name="item"/> (what it is matched against is the kind's: names, tags, ids).</summary>
    bool Matches(T item, Wildcard pattern);

    /// <summary>The identity used to write an object once when several inputs name it (an id, or a name where there is no id).</summary>
    string Key(T item);

    /// <summary>How an error names <paramref name="item"/> (its name, or its short id).</summary>
    string Describe(T item);

    /// <summary>
    /// The id a piped object is re-read by (<see cref="Reload"/>), for the error when nothing has it; null for a kind
    /// whose objects have no id.
    /// </summary>
    string? IdOf(T item) => null;
}
