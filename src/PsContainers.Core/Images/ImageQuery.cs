using System.Text.RegularExpressions;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Images;

/// <summary>
/// What <c>Get-ContainerImage</c> lists (docker images): one row per name (or one per image with
/// <see cref="Unique"/>), newest first, then by repository and tag; as a target catalog
/// (<see cref="TargetSelector{T}"/>) it holds docker's matching rules for those rows:
/// <list type="bullet">
/// <item>a wildcard matches a named row's repository, repository:tag, full name (docker.io/library/busybox) or full
/// reference, and a nameless row's short or full id;</item>
/// <item>a bare repository name (no tag, no digest) names every tag of that repository (<c>docker images busybox</c>);</item>
/// <item>other literals go through <see cref="ImageStore.FindImage"/> (reference, digest, id or unique id prefix); a
/// nameless image found so is written as its rows;</item>
/// <item>with an id lookup (<c>-Id</c>), the text must be an id or id prefix of 4+ hex digits, with or without sha256:.</item>
/// </list>
/// Reads only: no recovery and no lock beyond the store's index read.
/// </summary>
public sealed partial class ImageQuery(ImageStore store) : ITargetCatalog<ContainerImage>
{
    private const string None = "<none>";

    /// <summary>Only images without a name (docker images --filter dangling=true).</summary>
    public bool Dangling { get; init; }

    /// <summary>Also the nameless images kept only for the containers that use them (docker images -a); without it they are hidden, like docker's intermediate images.</summary>
    public bool All { get; init; }

    /// <summary>One row per image (its first name) instead of one per name.</summary>
    public bool Unique { get; init; }

    /// <summary>
    /// Only images no container uses, named or not (docker image prune -a: "all images without at least one container
    /// associated to them"); a container in any state uses its image, and a build or pull running in any process uses
    /// the images it holds (<see cref="ImageStore.HoldImage"/>). With <see cref="Dangling"/>: only the nameless
    /// ones of those (docker image prune).
    /// </summary>
    public bool Unused { get; init; }

    /// <summary>Containers (full ids) whose use of an image does not count for <see cref="Unused"/>: the ones a prune removes first.</summary>
    public IReadOnlySet<string>? IgnoredContainers { get; init; }

    /// <inheritdoc/>
    public string Kind => "image";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.ImageNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerImage> List() => Rows();

    /// <summary>The rows this query shows, in output order (read from the store on each call).</summary>
    public IReadOnlyList<ContainerImage> Rows()
    {
        var rows = Unique ? store.ListImages() : store.ListImageRows();
        IEnumerable<ContainerImage> sel = rows.OrderByDescending(r => r.Created ?? DateTime.MinValue)
            .ThenBy(r => r.Repository, StringComparer.Ordinal).ThenBy(r => r.Tag, StringComparer.Ordinal);
        if (Dangling) sel = sel.Where(r => r.Dangling);
        if (Unused)
        {
            // an image a running build or pull holds (ImageStore.HoldImage) is in use too: a prune passes over it
            var used = UsedImages();
            used.UnionWith(store.HeldImages());
            sel = sel.Where(r => !used.Contains(r.Id));
        }
        else if (!Dangling && !All)
        {
            var used = UsedImages();
            sel = sel.Where(r => !r.Dangling || !used.Contains(r.Id));
        }
        return sel.ToList();
    }

    /// <summary>The ids of the images containers use (all containers but <see cref="IgnoredContainers"/>).</summary>
    private HashSet<string> UsedImages() =>
        new(store.GetContainerUses().Where(u => IgnoredContainers?.Contains(u.ContainerId) != true).Select(u => u.ImageId), StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="PscException">AmbiguousImageId: an id prefix that fits several images.</exception>
    public IReadOnlyList<ContainerImage> Find(string name, bool idOnly)
    {
        if (idOnly)
        {
            if (!IdText().IsMatch(name)) return [];
            return store.FindImage(name.StartsWith("sha256:", StringComparison.Ordinal) ? name : "sha256:" + name) is { } byId ? [byId] : [];
        }
        var matches = new List<ContainerImage>();
        bool bareRepo = ImageReference.TryParse(name, out var nr) && nr is not null && nr.Digest is null && !name.Contains('@')
            && !name[(name.LastIndexOf('/') + 1)..].Contains(':');
        IReadOnlyList<ContainerImage>? rows = null;
        if (bareRepo)
            matches.AddRange((rows ??= Rows()).Where(r => r.Repository != None && FullReference(r).Name == nr!.Name));
        if (matches.Count > 0) return matches;
        var one = store.FindImage(name);
        if (one is null) return [];
        if (one.Repository == None && !Unique) matches.AddRange((rows ??= Rows()).Where(r => r.Id == one.Id));
        else matches.Add(one);
        return matches;
    }

    /// <inheritdoc/>
    public ContainerImage? Reload(ContainerImage item) => store.FindImage(item.Id);

    /// <inheritdoc/>
    public bool Matches(ContainerImage item, Wildcard pattern)
    {
        if (item.Repository == None) return pattern.IsMatch(item.ShortId) || pattern.IsMatch(item.Id);
        var full = FullReference(item);
        return pattern.IsMatch(item.Repository) || pattern.IsMatch(item.Repository + ":" + item.Tag)
            || pattern.IsMatch(full.Name) || pattern.IsMatch(full.ToString());
    }

    /// <summary>A row is its image under one name: the same image under two names is two rows.</summary>
    public string Key(ContainerImage item) => item.Id + "|" + item.Repository + ":" + item.Tag;

    /// <inheritdoc/>
    public string Describe(ContainerImage item) => item.Repository == None ? item.ShortId : item.Repository + ":" + item.Tag;


    /// <inheritdoc/>

    public string? IdOf(ContainerImage item) => item.Id;

    private static ImageReference FullReference(ContainerImage row) => ImageReference.Parse(row.Repository + ":" + row.Tag);

    [GeneratedRegex("^(sha256:)?[0-9a-f]{4,64}$")]
    private static partial Regex IdText();
}
