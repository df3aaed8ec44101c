using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Containers;

public sealed partial class ContainerManager
{
    /// <summary>
    /// The container's filesystem changes against its image (docker diff), read from its overlay upper directory:
    /// see <see cref="ContainerChanges.Compute"/>. Works for running and stopped containers; a container never started
    /// has none. The runtime's mount points (from the bundle's config.json) are not reported as changes.
    /// </summary>
    /// <exception cref="PscException">ImageNotFound: the container's image is gone from the store.</exception>
    public List<ContainerChange> Changes(Container c, CancellationToken ct = default)
    {
        string dir = Store.DirOf(c.Id);
        return ContainerChanges.Compute(Store.UpperOf(c.Id), LayersOf(c), MountDestinations(dir), ct);
    }

    /// <summary>
    /// The mount destinations of the runtime spec in the bundle directory <paramref name="bundle"/> (its config.json,
    /// read with <see cref="RuntimeSpec.Parse"/>), as absolute paths without a trailing '/'; empty when there is no
    /// readable spec (a container never started has no bundle).
    /// </summary>
    internal static HashSet<string> MountDestinations(string bundle)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var spec = RuntimeSpec.Parse(File.ReadAllText(Path.Combine(bundle, ContainerMarkers.BundleConfigFile)));
            foreach (var m in spec.Mounts ?? [])
                if (m.Destination.Length > 0) set.Add("/" + m.Destination.Trim('/'));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException) { } // never started: no bundle, no mount points
        return set;
    }
}
