namespace PsContainers.Core.Build;

/// <summary>
/// <c>ARG name[=default] …</c>: build arguments; before the first FROM they are global (visible only in FROM lines),
/// in a stage they are in scope from their line to the end of the stage. Not stored in the image. Expansion
/// processes the defaults; <see cref="BuildVariableScope"/> applies the scoping and --build-arg rules.
/// </summary>
public sealed record ArgInstruction : DockerfileInstruction
{
    public override string Keyword => "ARG";
    public override bool ExpandsVariables => true;
    /// <summary>The declared names, in order.</summary>
    public IReadOnlyList<DockerfileArgDeclaration> Arguments { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Arguments = Arguments.Select(a => a.Default is null ? a : a with { Default = x.Word(a.Default) }).ToList() };
}
