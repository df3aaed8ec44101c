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

    protected override DockerfileInstruction ExpandCore(Func<string, string> word, Func<string, IReadOnlyList<string>> words) =>
        this with { Pairs = Pairs.Select(p => p with { Key = word(p.Key), Value = word(p.Value) }).ToList() };
}
