namespace PsContainers.Core.Build;

/// <summary><c>CMD ["exe","arg"]</c> or <c>CMD command</c>: the image's default command (stored with the SHELL for the shell form).</summary>
public sealed record CmdInstruction : DockerfileInstruction
{
    public override string Keyword => "CMD";
    /// <summary>The command (shell or exec form).</summary>
    public DockerfileCommandLine CommandLine { get; init; } = new(false, [""]);
}
