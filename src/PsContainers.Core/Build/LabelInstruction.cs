namespace PsContainers.Core.Build;

/// <summary><c>LABEL key=value …</c> (or the legacy <c>LABEL key value</c>): image labels; a later key wins.</summary>
public sealed record LabelInstruction : DockerfileInstruction
{
    public override string Keyword => "LABEL";
    public override bool ExpandsVariables => true;
    /// <summary>The pairs, in order.</summary>
    public IReadOnlyList<DockerfileKeyValue> Pairs { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(Func<string, string> word, Func<string, IReadOnlyList<string>> words) =>
        this with { Pairs = Pairs.Select(p => p with { Key = word(p.Key), Value = word(p.Value) }).ToList() };
}
