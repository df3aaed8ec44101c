namespace PsContainers.Core.Build;

/// <summary><c>WORKDIR path</c>: the working directory; a relative path is relative to the previous WORKDIR.</summary>
public sealed record WorkdirInstruction : DockerfileInstruction
{
    public override string Keyword => "WORKDIR";
    public override bool ExpandsVariables => true;
    /// <summary>The path as written (or expanded).</summary>
    public string Path { get; init; } = "";

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Path = x.Word(Path) };
}
