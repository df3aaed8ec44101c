namespace PsContainers.Core.Build;

/// <summary>One name of an ARG instruction: <c>ARG name</c> (Default null) or <c>ARG name=default</c> (Default as
/// written, expanded by <see cref="DockerfileInstruction.Expand"/> or <see cref="BuildVariableScope"/>).</summary>
public sealed record DockerfileArgDeclaration(string Name, string? Default)
{
    /// <summary>"name" or "name=default".</summary>
    public override string ToString() => Default is null ? Name : Name + "=" + Default;
}
