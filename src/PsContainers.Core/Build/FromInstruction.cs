namespace PsContainers.Core.Build;

/// <summary>
/// <c>FROM [--platform=P] image [AS name]</c>: starts a stage. <see cref="BaseName"/> is an image reference, "scratch"
/// or an earlier stage's name or index, expanded with the global ARGs only (see <see cref="DockerfileBuildPlan"/>).
/// </summary>
public sealed record FromInstruction : DockerfileInstruction
{
    public override string Keyword => "FROM";
    public override bool ExpandsVariables => true;
    /// <summary>The base as written (or expanded).</summary>
    public string BaseName { get; init; } = "";
    /// <summary>The stage name after AS, lower-cased as BuildKit does (names match case-insensitively), or null.</summary>
    public string? StageName { get; init; }
    /// <summary>The --platform value ("linux/arm64", "$BUILDPLATFORM"), or null.</summary>
    public string? Platform { get; init; }

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { BaseName = x.Word(BaseName), Platform = Platform is null ? null : x.Word(Platform) };
}
