namespace PsContainers.Core.Compose;

/// <summary>
/// A secret or a config of the project (spec.md "Secrets/Configs top-level element"; both have this shape): the
/// content comes from a file, an environment variable of the project environment, inline text (configs only) or
/// exists outside (<c>external</c>). Services mount it read-only (<see cref="ContainerProjectFileReference"/>).
/// </summary>
public sealed class ContainerProjectSecret
{
    /// <summary>"secret" or "config".</summary>
    public string Kind { get; init; } = "secret";
    /// <summary>The key in the file.</summary>
    public string Key { get; init; } = "";
    /// <summary>The name: <c>&lt;project&gt;_&lt;key&gt;</c> unless <c>name:</c> is given or it is external.</summary>
    public string Name { get; init; } = "";
    /// <summary>The absolute path of the file holding the content, or null.</summary>
    public string? File { get; init; }
    /// <summary>The project-environment variable holding the content, or null.</summary>
    public string? Environment { get; init; }
    /// <summary>configs only: the content itself, or null.</summary>
    public string? Content { get; init; }
    public bool External { get; init; }
    /// <summary>
    /// The value of <see cref="Environment"/> in the project environment when the file was loaded, or null when unset.
    /// Internal so that it never shows in the project object (ConvertTo-Json, Format-List) or in exported YAML.
    /// </summary>
    internal string? EnvironmentValue { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public override string ToString() => Name;
}
