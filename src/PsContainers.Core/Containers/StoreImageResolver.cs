namespace PsContainers.Core.Containers;

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
            ExposedPorts = cfg.ExposedPortList,
            Shell = cfg.Shell is { Length: > 0 } shell ? shell : null,
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
