using System.Text.Json;

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
        return ContainerChanges.Compute(Path.Combine(dir, "upper"), LayersOf(c), MountDestinations(dir), ct);
    }

    /// <summary>The mount destinations of the runtime spec in the bundle directory <paramref name="bundle"/> (config.json), relative.</summary>
    internal static HashSet<string> MountDestinations(string bundle)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(bundle, "config.json")));
            if (doc.RootElement.TryGetProperty("mounts", out var mounts) && mounts.ValueKind == JsonValueKind.Array)
                foreach (var m in mounts.EnumerateArray())
                    if (m.TryGetProperty("destination", out var d) && d.GetString() is string s)
                        set.Add("/" + s.Trim('/'));
        }
        catch (Exception e) when (e is IOException or JsonException) { } // never started: no bundle, no mount points
        return set;
    }
}
