using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Tmpfs and --mount type=tmpfs (docker run --tmpfs): one tmpfs mount per <see cref="MountKind.Tmpfs"/> mount of the
/// container, in the order given, with the options of <see cref="TmpfsMount.MountOptions"/> (nosuid, nodev, noexec
/// unless asked, size and mode). A -ReadOnly root also gets podman's read-only tmpfs (<see cref="ReadOnlyTmpfsPaths"/>).
/// </summary>
public sealed class TmpfsSpecContributor : ISpecContributor
{
    public string Name => "tmpfs";

    /// <summary>
    /// The writable tmpfs a read-only root gets unless -ReadOnlyTmpfs:$false (podman's --read-only-tmpfs, default true:
    /// "mount a read-write tmpfs on /run, /tmp and /var/tmp"); plain docker --read-only adds none of them. Each is
    /// nosuid,nodev, mode 1777, /run too (podman 4.3 run --read-only gives /run 1777, so a non-root USER can write its
    /// pid file there), empty (the image's files there are hidden, as under any tmpfs). A mount of the container on the same path (-Tmpfs, -Volume, -Mount) wins; /dev/shm is the container's own tmpfs anyway.
    /// </summary>
    public static readonly IReadOnlyList<(string Path, int Mode)> ReadOnlyTmpfsPaths = [("/tmp", 1023), ("/var/tmp", 1023), ("/run", 1023)];

    /// <exception cref="PscException">InvalidTmpfs: a destination that is not an absolute path.</exception>
    public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
    {
        foreach (var t in container.Mounts.Where(m => m.Type == MountKind.Tmpfs))
        {
            if (!t.Destination.StartsWith('/')) throw PscException.InvalidArgument(ErrorIds.InvalidTmpfs, $"Tmpfs path '{t.Destination}' must be absolute.", t.Destination);
            (spec.Mounts ??= new()).Add(new SpecMount { Destination = t.Destination, Type = "tmpfs", Source = "tmpfs", Options = (t.Tmpfs ?? new TmpfsMount()).MountOptions(t.ReadOnly) });
        }
        if (!container.HostConfig.ReadonlyRootfs || !container.HostConfig.ReadOnlyTmpfs) return;
        var mounts = spec.Mounts ??= new();
        foreach (var (path, mode) in ReadOnlyTmpfsPaths)
        {
            if (container.Mounts.Any(m => SamePath(m.Destination, path)) || mounts.Any(m => SamePath(m.Destination, path))) continue; // the user's own mount wins
            // before any mount beneath it (a bind on /run/x made earlier), which it would hide
            int at = mounts.FindIndex(m => m.Destination.TrimEnd('/').StartsWith(path + "/", StringComparison.Ordinal));
            var tmpfs = new SpecMount { Destination = path, Type = "tmpfs", Source = "tmpfs", Options = new TmpfsMount { Mode = mode }.MountOptions(false) };
            if (at < 0) mounts.Add(tmpfs);
            else mounts.Insert(at, tmpfs);
        }
    }

    private static bool SamePath(string a, string b) => string.Equals(a.TrimEnd('/'), b, StringComparison.Ordinal);
}
