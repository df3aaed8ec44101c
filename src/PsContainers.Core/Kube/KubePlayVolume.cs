namespace PsContainers.Core.Kube;

/// <summary>A named volume Import-ContainerKube makes for a PersistentVolumeClaim (podman kube play: the claim name is the volume name).</summary>
public sealed class KubePlayVolume
{
    /// <summary>The claim's metadata.name, the volume's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The claim's metadata.labels, given to the volume when it is created.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public override string ToString() => Name;
}
