namespace PsContainers.Core.Registry;

/// <summary>The result of Connect-ContainerRegistry.</summary>
public sealed class RegistryLogin
{
    public string Registry { get; set; } = "";
    public string UserName { get; set; } = "";
    /// <summary>bearer, basic or none: what the registry asked for.</summary>
    public string AuthScheme { get; set; } = "";
    public string[] AuthFiles { get; set; } = [];
    public override string ToString() => $"{UserName}@{Registry}";
}
