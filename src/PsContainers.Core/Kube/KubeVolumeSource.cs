namespace PsContainers.Core.Kube;

/// <summary>
/// A configMap or secret volume of a played pod as one of its containers mounts it: Import-ContainerKube records these
/// on the container (<see cref="KubePlayRecord.VolumesLabel"/>), never the data (the files under the engine's kube
/// directory hold it), so that ConvertTo-ContainerKubeYaml writes the volume back as a configMap/secret volume with the
/// ConfigMap or Secret document (never as a hostPath into the engine's store) and generate → play → generate is a
/// fixed point.
/// </summary>
public sealed class KubeVolumeSource
{
    /// <summary>The container's mount path (volumeMounts[].mountPath): which of its bind mounts this is.</summary>
    public string Target { get; init; } = "";
    /// <summary>The pod volume's name (volumes[].name): the subdirectory of the pod's files directory.</summary>
    public string Volume { get; init; } = "";
    /// <summary>"ConfigMap" or "Secret".</summary>
    public string Kind { get; init; } = "";
    /// <summary>The object's metadata.name (configMap.name or secret.secretName).</summary>
    public string Object { get; init; } = "";
    /// <summary>The manifest's items (key → path, mode), in its order; null when it had none (every key, a file named as the key).</summary>
    public List<KubeVolumeItem>? Items { get; init; }
    /// <summary>Every key the volume got as a file (with <see cref="Items"/>: the items' keys the object had), in file order.</summary>
    public List<string> Keys { get; init; } = [];
    /// <summary>The manifest's defaultMode (permission bits, e.g. 420 for 0644), or null when it gave none.</summary>
    public int? DefaultMode { get; init; }
    /// <summary>The manifest's optional, or null when it gave none.</summary>
    public bool? Optional { get; init; }
    /// <summary>Whether the file defined the object (false: an optional reference to a missing one, written back without a document).</summary>
    public bool Found { get; init; }

    /// <summary>The file a key was written to, relative to the volume's directory: the item's path, else the key.</summary>
    public string PathOf(string key) => Items?.FirstOrDefault(i => i.Key == key)?.Path ?? key;

    public override string ToString() => $"{Target} <- {Kind}/{Object}";
}

/// <summary>One item of a configMap or secret volume: a key of the object written to a file at <see cref="Path"/>.</summary>
public sealed class KubeVolumeItem
{
    public string Key { get; init; } = "";
    /// <summary>The file's path relative to the volume (items[].path).</summary>
    public string Path { get; init; } = "";
    /// <summary>The item's mode (permission bits), or null when it gave none.</summary>
    public int? Mode { get; init; }
}
