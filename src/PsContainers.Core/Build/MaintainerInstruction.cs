namespace PsContainers.Core.Build;

/// <summary><c>MAINTAINER name</c> (deprecated): the image config's author.</summary>
public sealed record MaintainerInstruction : DockerfileInstruction
{
    public override string Keyword => "MAINTAINER";
    /// <summary>The text after the keyword.</summary>
    public string Maintainer { get; init; } = "";
}
