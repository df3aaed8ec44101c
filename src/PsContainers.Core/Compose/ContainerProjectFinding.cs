namespace PsContainers.Core.Compose;

/// <summary>
/// One thing <c>Test-ContainerProject -Detailed</c> reports about compose files: an error that stops the project
/// from loading, or a warning (an unknown key, an unset variable, a deprecated form).
/// </summary>
public sealed class ContainerProjectFinding
{
    /// <summary>The file, or null when the finding is about no file (a bad project name given by the caller).</summary>
    public string? File { get; init; }
    /// <summary>1-based line in <see cref="File"/>, or 0 when unknown.</summary>
    public int Line { get; init; }
    /// <summary>"Error" or "Warning".</summary>
    public string Severity { get; init; } = "Error";
    /// <summary>The ErrorId of an error (<c>DependencyCycle</c>), or the warning's rule (<c>UnknownKey</c>, <c>UnsetVariable</c>).</summary>
    public string Rule { get; init; } = "";
    /// <summary>The service concerned, or null.</summary>
    public string? Service { get; init; }
    public string Message { get; init; } = "";

    public override string ToString() => $"{Severity} {Rule}: {Message}";
}
