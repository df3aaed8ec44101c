using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Tmpfs and --mount type=tmpfs (docker run --tmpfs): one tmpfs mount per <see cref="MountKind.Tmpfs"/> mount of the
/// container, in the order given, with the options of <see cref="TmpfsMount.MountOptions"/> (nosuid, nodev, noexec
/// unless asked, size and mode).
/// </summary>
public sealed class TmpfsSpecContributor : ISpecContributor
{
    public string Name => "tmpfs";

    /// <exception cref="PscException">InvalidTmpfs: a destination that is not an absolute path.</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        foreach (var t in container.Mounts.Where(m => m.Type == MountKind.Tmpfs))
        {
            if (!t.Destination.StartsWith('/')) throw PscException.InvalidArgument(ErrorIds.InvalidTmpfs, $"Tmpfs path '{t.Destination}' must be absolute.", t.Destination);
            (spec.Mounts ??= new()).Add(new SpecMount { Destination = t.Destination, Type = "tmpfs", Source = "tmpfs", Options = (t.Tmpfs ?? new TmpfsMount()).MountOptions(t.ReadOnly) });
        }
    }
}
