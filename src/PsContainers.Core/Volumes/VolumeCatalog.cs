using PsContainers.Core.Targets;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Volumes as targets (<see cref="TargetSelector{T}"/>): volumes are known by name only (docker volumes have no ids),
/// so a literal is an exact name; a wildcard matches names; the list is the store's order.
/// </summary>
public sealed class VolumeCatalog(VolumeStore store) : ITargetCatalog<ContainerVolume>
{
    /// <inheritdoc/>
    public string Kind => "volume";

    /// <inheritdoc/>
    public string NotFoundErrorId => ErrorIds.VolumeNotFound;

    /// <inheritdoc/>
    public IEnumerable<ContainerVolume> List() => store.List();

    /// <inheritdoc/>
    public IReadOnlyList<ContainerVolume> Find(string name, bool idOnly) =>
        idOnly || store.Get(name) is not { } v ? [] : [v];

    /// <inheritdoc/>
    public ContainerVolume? Reload(ContainerVolume item) => store.Get(item.Name);

    /// <inheritdoc/>
    public bool Matches(ContainerVolume item, Wildcard pattern) => pattern.IsMatch(item.Name);

    /// <inheritdoc/>
    public string Key(ContainerVolume item) => item.Name;

    /// <inheritdoc/>
    public string Describe(ContainerVolume item) => item.Name;
}
