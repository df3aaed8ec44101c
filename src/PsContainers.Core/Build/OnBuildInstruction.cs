namespace PsContainers.Core.Build;

/// <summary>
/// <c>ONBUILD INSTRUCTION …</c>: a trigger stored in the image config (<c>OnBuild</c>) and run when the image is a
/// base. Not expanded. No ONBUILD ONBUILD, FROM or MAINTAINER triggers.
/// </summary>
public sealed record OnBuildInstruction : DockerfileInstruction
{
    public override string Keyword => "ONBUILD";
    /// <summary>The trigger text as stored in the config: the line without the ONBUILD keyword ("RUN echo hi").</summary>
    public string Expression { get; init; } = "";
    /// <summary>The trigger parsed.</summary>
    public DockerfileInstruction Trigger { get; init; } = null!;
}
