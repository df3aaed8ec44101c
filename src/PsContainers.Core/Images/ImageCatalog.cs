using PsContainers.Core.Targets;

namespace PsContainers.Core.Images;

/// <summary>
/// Images as the targets of the cmdlets that act on one image per reference (Remove-ContainerImage,
/// Add-ContainerImageTag, Export-ContainerImage; docker rmi/tag/save): a literal is what
/// <see cref="ImageStore.FindImage"/> finds (a reference, name@digest, a full id or a unique id prefix of 4+ hex
/// digits); a wildcard matches any of an image's names (familiar and full) and its short and full id. Listing
/// by rows, dangling filters and the bare-repository rule are <see cref="ImageQuery"/>'s.
/// </summary>
public sealed class ImageCatalog(ImageStore store) : ITargetCatalog<ContainerImage>
{
    /// <inheritdoc/>
    public string Kind => "image";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.ImageNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerImage> List() => store.ListImages();

    /// <inheritdoc/>
    /// <exception cref="PscException">AmbiguousImageId: an id prefix that fits several images.</exception>
    public IReadOnlyList<ContainerImage> Find(string name, bool idOnly) =>
        (idOnly ? store.FindImage(name.StartsWith("sha256:", StringComparison.Ordinal) ? name : "sha256:" + name) : store.FindImage(name)) is { } img ? [img] : [];

    /// <inheritdoc/>
    public ContainerImage? Reload(ContainerImage item) => store.FindImage(item.Id);

    /// <inheritdoc/>
    public bool Matches(ContainerImage item, Wildcard pattern) =>
        pattern.IsMatch(item.ShortId) || pattern.IsMatch(item.Id)
        || item.RepoTags.Any(t => pattern.IsMatch(t) || pattern.IsMatch(ImageReference.Parse(t).ToFamiliarString()));

    /// <inheritdoc/>
    public string Key(ContainerImage item) => item.Id;

    /// <inheritdoc/>
    public string Describe(ContainerImage item) => item.ShortId;


    /// <inheritdoc/>

    public string? IdOf(ContainerImage item) => item.Id;
}
