namespace PsContainers.Core.Registry;

/// <summary>One tag of a registry repository (Find-ContainerImage).</summary>
public sealed class RegistryImageTag
{
    public string Registry { get; set; } = "";
    public string Repository { get; set; } = "";
    public string Tag { get; set; } = "";
    /// <summary>The reference to pull: registry/repository:tag (familiar form for docker.io).</summary>
    public string Name { get; set; } = "";
    public override string ToString() => Name;
}
