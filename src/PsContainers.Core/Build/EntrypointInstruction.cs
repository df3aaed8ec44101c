namespace PsContainers.Core.Build;

/// <summary><c>ENTRYPOINT ["exe","arg"]</c> or <c>ENTRYPOINT command</c>: the image's entrypoint; in a stage it clears a CMD inherited from the base.</summary>
public sealed record EntrypointInstruction : DockerfileInstruction
{
    public override string Keyword => "ENTRYPOINT";
    /// <summary>The command (shell or exec form).</summary>
    public DockerfileCommandLine CommandLine { get; init; } = new(false, [""]);
}
