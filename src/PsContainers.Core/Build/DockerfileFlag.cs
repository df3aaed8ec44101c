namespace PsContainers.Core.Build;

/// <summary>
/// A <c>--name=value</c> (or bare <c>--name</c>) flag of an instruction, as BuildKit's flag parser reads it: name
/// without the dashes, case-sensitive; value with quotes removed and not expanded; null when written without '='.
/// </summary>
public sealed record DockerfileFlag(string Name, string? Value)
{
    /// <summary>"--name=value" or "--name".</summary>
    public override string ToString() => Value is null ? "--" + Name : $"--{Name}={Value}";
}
