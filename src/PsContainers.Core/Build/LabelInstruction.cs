namespace PsContainers.Core.Build;

/// <summary><c>LABEL key=value …</c> (or the legacy <c>LABEL key value</c>): image labels; a later key wins.</summary>
public sealed record LabelInstruction : DockerfileInstruction
{
    public override string Keyword => "LABEL";
    public override bool ExpandsVariables => true;
    /// <summary>The pairs, in order.</summary>
    public IReadOnlyList<DockerfileKeyValue> Pairs { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Pairs = Pairs.Select(p => p with { Key = x.Word(p.Key), Value = x.Word(p.Value) }).ToList() };
}
