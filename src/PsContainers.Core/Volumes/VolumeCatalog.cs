using PsContainers.Core.Targets;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Volumes as targets (<see cref="TargetSelector{T}"/>): volumes are known by name only (docker volumes have no ids),
/// so a literal is an exact name; a wildcard matches names; the list is in name order. With <see cref="Unused"/> the
/// list (and so every wildcard) holds only what docker volume prune removes; a literal name is looked up as given.
/// </summary>
public sealed class VolumeCatalog(VolumeStore store) : NamedObjectCatalog<ContainerVolume>("volume", ErrorIds.VolumeNotFound, v => v.Name)
{
    /// <summary>
    /// Only volumes no container mounts (a container in any state, as recorded in its mounts.json, the same record
    /// <see cref="VolumeStore.Remove"/> refuses on); anonymous ones only unless <see cref="IncludeNamed"/>, as
    /// docker volume prune since docker 23 (API 1.42), where <c>--all</c> adds the named ones.
    /// </summary>
    public bool Unused { get; init; }

    /// <summary>With <see cref="Unused"/>: named volumes too (docker volume prune --all).</summary>
    public bool IncludeNamed { get; init; }

    /// <summary>Containers (full ids) whose mounts do not count for <see cref="Unused"/>: the ones a prune removes first.</summary>
    public IReadOnlySet<string>? IgnoredContainers { get; init; }

    /// <inheritdoc/>
    protected override IEnumerable<ContainerVolume> ReadAll()
    {
        var all = store.List();
        if (!Unused) return all;
        var used = store.AllContainerMounts().Where(m => IgnoredContainers?.Contains(m.ContainerId) != true)
            .SelectMany(m => m.Mounts).Select(m => m.Volume).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return all.Where(v => (IncludeNamed || v.Anonymous) && !used.Contains(v.Name));
    }

    /// <inheritdoc/>
    protected override ContainerVolume? Get(string name) => store.Get(name);
}
