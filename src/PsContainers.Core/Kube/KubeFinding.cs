namespace PsContainers.Core.Kube;

/// <summary>
/// One problem <see cref="KubeValidator"/> found in a Kubernetes manifest (Test-ContainerKube): an error a real API
/// server would reject the object for, or a warning about something it accepts but that likely does not work.
/// </summary>
public sealed class KubeFinding
{
    /// <summary>"Error" or "Warning".</summary>
    public string Severity { get; init; } = "Error";
    /// <summary>The object's kind as written ("Deployment"), or "" when the document has none.</summary>
    public string Kind { get; init; } = "";
    /// <summary>The object's metadata.name, or "" when it has none.</summary>
    public string Name { get; init; } = "";
    /// <summary>Where in the object, as a field path ("spec.containers[0].ports[1].name"); "" for the whole document.</summary>
    public string Path { get; init; } = "";
    public string Message { get; init; } = "";
    /// <summary>The 0-based index of the document in the file.</summary>
    public int Document { get; init; }
    /// <summary>The 1-based line of the field in the file, or 0 when unknown.</summary>
    public int Line { get; init; }
    /// <summary>The file checked, or null for text.</summary>
    public string? File { get; init; }

    /// <summary>"file:line" (the line 0 when unknown); "line N" for text checked without a file.</summary>
    public string Location => File is null ? $"line {Line}" : $"{File}:{Line}";

    public override string ToString() => $"{Severity} {Kind}/{Name} {Path}: {Message}";
}
