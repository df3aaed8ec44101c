using PsContainers.Core.Images;

namespace PsContainers.Core.Prune;

/// <summary>One object a prune removes (<see cref="PrunePlan"/>).</summary>
public sealed class PruneItem
{
    /// <summary>Its kind.</summary>
    public PruneKind Kind { get; init; }

    /// <summary>How it is named to the user: a container's or network's or volume's name, an image's first name or short id.</summary>
    public string Name { get; init; } = "";

    /// <summary>The full id (containers, images) or the name (networks and volumes have no ids).</summary>
    public string Id { get; init; } = "";

    /// <summary>
    /// Bytes freed by removing it, in bytes: a container's writable layer, a volume's data (apparent sizes, links not
    /// followed, hard links once), an image's unpacked layers that no kept image shares (a layer shared by several
    /// removed images counts once, on the first); 0 for a network.
    /// </summary>
    public long Size { get; init; }

    /// <summary>The names an image is removed by, in order (docker rmi of each; the last one deletes it); empty for a nameless image, which is removed by id.</summary>
    public IReadOnlyList<string> ImageNames { get; init; } = [];

    /// <summary>Removed forced (killed first): the working container of a build that died, whose process still runs.</summary>
    public bool Force { get; init; }

    /// <summary>"Container web (1.2kB)".</summary>
    public override string ToString() => $"{Kind} {Name} ({HumanFormat.Size(Size)})";
}
