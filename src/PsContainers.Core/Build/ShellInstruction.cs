namespace PsContainers.Core.Build;

/// <summary><c>SHELL ["exe","arg"…]</c> (JSON only): the shell of later shell forms, stored in the image config.</summary>
public sealed record ShellInstruction : DockerfileInstruction
{
    public override string Keyword => "SHELL";
    /// <summary>The shell argv.</summary>
    public IReadOnlyList<string> Shell { get; init; } = [];
}
