namespace PsContainers.Core.Kube;

/// <summary>The result of <see cref="KubeManifestBuilder.Build"/>: the YAML and what could not be carried over exactly.</summary>
public sealed class KubeManifest
{
    /// <summary>Multi-document YAML (documents separated by "---"), keys sorted, no timestamps: the same input gives the same text.</summary>
    public string Yaml { get; init; } = "";
    /// <summary>"Kind/name" of each object, in the order written.</summary>
    public IReadOnlyList<string> Objects { get; init; } = [];
    /// <summary>Renamed names (each change named), hostPath volumes, limits without a Kubernetes field, settings left out.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public override string ToString() => Yaml;
}
