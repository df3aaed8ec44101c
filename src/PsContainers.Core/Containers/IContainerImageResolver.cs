namespace PsContainers.Core.Containers;

/// <summary>Finds images for containers (the image store provides one; a rootfs directory is accepted too).</summary>
public interface IContainerImageResolver
{
    /// <summary>The image, or null when this resolver does not know it.</summary>
    ResolvedImage? Resolve(string nameOrId);
    /// <summary>The image with this id (the layers of an existing container), or null.</summary>
    ResolvedImage? ResolveById(string imageId) => Resolve(imageId);

    /// <summary>
    /// The unpacked layer directories (base first) of the image <paramref name="imageId"/> that a container was created
    /// from as <paramref name="reference"/>, or null when this resolver does not know it. A start needs only these: the
    /// image's config was read once, when the container was created.
    /// </summary>
    IReadOnlyList<string>? LayerPaths(string imageId, string reference) =>
        (ResolveById(imageId) ?? Resolve(reference)) is { } img && img.Id == imageId ? img.LayerPaths : null;
}
