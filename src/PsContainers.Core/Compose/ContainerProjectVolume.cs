namespace PsContainers.Core.Compose;

/// <summary>
/// A named volume of the project (spec.md "Volumes top-level element"). Its engine name is
/// <c>&lt;project&gt;_&lt;key&gt;</c> unless <c>name:</c> is given or it is <c>external</c>.
/// </summary>
public sealed class ContainerProjectVolume
{
    /// <summary>The key in the file, the name services use in their <c>volumes</c>.</summary>
    public string Key { get; init; } = "";
    /// <summary>The engine's volume name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The driver ("local" when null).</summary>
    public string? Driver { get; init; }
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();
    public bool External { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the volume is declared ("file:line"), for errors about it.</summary>
    internal string Where { get; init; } = "";

    public override string ToString() => Name;
}
