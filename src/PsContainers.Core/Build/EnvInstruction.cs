namespace PsContainers.Core.Build;

/// <summary>
/// <c>ENV key=value …</c> (or the legacy <c>ENV key value</c>). Expansion uses the values from before this line for
/// the whole line: <c>ENV a=bye b=$a</c> sets b to the OLD a (reference, "ENV").
/// </summary>
public sealed record EnvInstruction : DockerfileInstruction
{
    public override string Keyword => "ENV";
    public override bool ExpandsVariables => true;
    /// <summary>The pairs, in order.</summary>
    public IReadOnlyList<DockerfileKeyValue> Pairs { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Pairs = Pairs.Select(p => p with { Key = x.Word(p.Key), Value = x.Word(p.Value) }).ToList() };
}
