using System.Text.Json;

namespace PsContainers.Contract;

/// <summary>
/// The volume store's layout on disk, as far as the engine's VolumeStore and pscmon share it: pscmon deletes a
/// -Remove container's anonymous volumes after it removed the container (docker run --rm: "automatically remove the
/// container and its associated anonymous volumes when it exits"; named volumes stay).
/// <code>
/// &lt;root&gt;/volumes/.lock                 flock(2), exclusive while a volume is created or removed
/// &lt;root&gt;/volumes/&lt;name&gt;/volume.json    the volume's record (removed first: no half volume looks whole)
/// &lt;root&gt;/volumes/&lt;name&gt;/_data          what containers mount
/// &lt;root&gt;/containers/&lt;id&gt;/mounts.json  {"ContainerId","ContainerName","Mounts":[{"Destination","Type","Source",
///                                     "Options","Volume","Anonymous","ReadOnly"}]}: who uses which volume
/// </code>
/// </summary>
public static class VolumeLayout
{
    /// <summary>The lock file in the volumes directory.</summary>
    public const string LockFile = ".lock";
    /// <summary>A volume's record, in its directory.</summary>
    public const string MetadataFile = "volume.json";
    /// <summary>A container's mounts, in its directory.</summary>
    public const string ContainerMountsFile = "mounts.json";

    /// <summary>
    /// The names of the anonymous volumes a mounts.json lists (entries with "Anonymous": true and a "Volume"), in file
    /// order, each once; empty when the text is not a mounts record.
    /// </summary>
    public static List<string> AnonymousVolumes(ReadOnlySpan<byte> mountsJson)
    {
        var names = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(mountsJson.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("Mounts", out var mounts)
                || mounts.ValueKind != JsonValueKind.Array) return names;
            foreach (var m in mounts.EnumerateArray())
            {
                if (m.ValueKind != JsonValueKind.Object) continue;
                bool anonymous = m.TryGetProperty("Anonymous", out var a) && a.ValueKind == JsonValueKind.True;
                if (anonymous && m.TryGetProperty("Volume", out var v) && v.ValueKind == JsonValueKind.String
                    && v.GetString() is { Length: > 0 } name && IsPlainName(name) && !names.Contains(name))
                    names.Add(name);
            }
        }
        catch (JsonException) { }
        return names;
    }

    /// <summary>A name that stays one entry of the volumes directory (no '/', not '.', '..' or a hidden entry).</summary>
    public static bool IsPlainName(string name) => name.Length > 0 && !name.Contains('/') && !name.Contains('\0') && !name.StartsWith('.');
}
