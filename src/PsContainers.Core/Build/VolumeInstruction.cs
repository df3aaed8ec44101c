namespace PsContainers.Core.Build;

/// <summary><c>VOLUME ["/a","/b"]</c> or <c>VOLUME /a /b</c>: mount points the image declares.</summary>
public sealed record VolumeInstruction : DockerfileInstruction
{
    public override string Keyword => "VOLUME";
    public override bool ExpandsVariables => true;
    /// <summary>The paths, in order.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>Written as a JSON array.</summary>
    public bool IsJsonForm { get; init; }

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Paths = Paths.Select(x.Word).ToList() };
}
