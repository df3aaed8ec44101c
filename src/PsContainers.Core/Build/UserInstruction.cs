namespace PsContainers.Core.Build;

/// <summary><c>USER user[:group]</c> (names or numbers): the user of later RUNs and of the container.</summary>
public sealed record UserInstruction : DockerfileInstruction
{
    public override string Keyword => "USER";
    public override bool ExpandsVariables => true;
    /// <summary>The user as written (or expanded).</summary>
    public string User { get; init; } = "";

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { User = x.Word(User) };
}
