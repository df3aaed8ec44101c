using System.Security.Cryptography;
using System.Text;

namespace PsContainers.Core.Containers;

/// <summary>What a container needs from an image: identity, default process settings, and its layers.</summary>
public sealed class ResolvedImage
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string[] Entrypoint { get; init; } = [];
    public string[] Cmd { get; init; } = [];
    public string[] Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string? StopSignal { get; init; }
    /// <summary>The image's HEALTHCHECK (config.Healthcheck), or null.</summary>
    public HealthConfig? Healthcheck { get; init; }
    public Dictionary<string, string> Labels { get; init; } = new();
    /// <summary>The image's VOLUMEs: container paths ("/data"); empty for a directory image.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
    /// <summary>The image's EXPOSEd ports: "80/tcp", "53/udp"; empty for a directory image.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
    /// <summary>Unpacked layer directories, base first.</summary>
    public IReadOnlyList<string> LayerPaths { get; init; } = [];
}

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

/// <summary>
/// An unpacked root filesystem directory used as a one-layer image: "-Image /path/to/rootfs". Its id is
/// the sha256 of the path, its default command /bin/sh.
/// </summary>
public sealed class DirectoryImageResolver : IContainerImageResolver
{
    public ResolvedImage? Resolve(string nameOrId)
    {
        if (!Path.IsPathRooted(nameOrId) || !Directory.Exists(nameOrId)) return null;
        string full = Path.GetFullPath(nameOrId).TrimEnd('/');
        return new ResolvedImage
        {
            Id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full))),
            Name = full,
            Cmd = ["/bin/sh"],
            LayerPaths = [full],
        };
    }

    public ResolvedImage? ResolveById(string imageId) => null;
}

/// <summary>Images from the local image store (names, tags, ids).</summary>
public sealed class StoreImageResolver(Images.ImageStore store) : IContainerImageResolver
{
    private readonly Images.ImageStore _store = store;

    public ResolvedImage? Resolve(string nameOrId)
    {
        if (Path.IsPathRooted(nameOrId)) return null;
        Images.ContainerImage? img;
        try { img = _store.FindImage(nameOrId); }
        catch (PscException e) when (e.Category == PscErrorCategory.InvalidArgument && e.ErrorId != ErrorIds.AmbiguousImageId) { return null; }
        if (img is null) return null;
        var cfg = img.Config;
        return new ResolvedImage
        {
            Id = img.Id,
            Name = img.RepoTags.FirstOrDefault() ?? nameOrId,
            Entrypoint = cfg.Entrypoint ?? [],
            Cmd = cfg.Cmd ?? [],
            Env = cfg.Env,
            WorkingDir = string.IsNullOrEmpty(cfg.WorkingDir) ? null : cfg.WorkingDir,
            User = string.IsNullOrEmpty(cfg.User) ? null : cfg.User,
            StopSignal = cfg.StopSignal,
            Healthcheck = cfg.Healthcheck,
            Labels = new Dictionary<string, string>(cfg.Labels),
            Volumes = cfg.Volumes,
            ExposedPorts = cfg.ExposedPorts,
            LayerPaths = _store.GetLayerPaths(img), // from the image just read: its record is not read again
        };
    }

    /// <summary>From the image's record alone (<see cref="Images.ImageStore.GetLayerPaths(string)"/>): its config is not read.</summary>
    public IReadOnlyList<string>? LayerPaths(string imageId, string reference)
    {
        try { return _store.GetLayerPaths(imageId); }
        catch (PscException e) when (e.ErrorId == ErrorIds.ImageNotFound) { return null; }
    }
}
