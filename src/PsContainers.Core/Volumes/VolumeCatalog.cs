using PsContainers.Core.Targets;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Volumes as targets (<see cref="TargetSelector{T}"/>): volumes are known by name only (docker volumes have no ids),
/// so a literal is an exact name; a wildcard matches names; the list is in name order.
/// </summary>
public sealed class VolumeCatalog(VolumeStore store) : NamedObjectCatalog<ContainerVolume>("volume", ErrorIds.VolumeNotFound, v => v.Name)
{
    /// <inheritdoc/>
    protected override IEnumerable<ContainerVolume> ReadAll() => store.List();

    /// <inheritdoc/>
    protected override ContainerVolume? Get(string name) => store.Get(name);
}
