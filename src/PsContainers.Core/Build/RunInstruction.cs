namespace PsContainers.Core.Build;

/// <summary>
/// <c>RUN [--mount=…] [--network=default|none|host] [--security=insecure|sandbox] command</c>. The command is not
/// expanded by the builder; the --mount values are. A heredoc RUN (<c>RUN &lt;&lt;EOF</c>) has its bodies in
/// <see cref="DockerfileInstruction.Heredocs"/> and the marker line in the shell text.
/// </summary>
public sealed record RunInstruction : DockerfileInstruction
{
    public override string Keyword => "RUN";
    public override bool ExpandsVariables => Mounts.Count > 0;
    /// <summary>The command (shell or exec form).</summary>
    public DockerfileCommandLine CommandLine { get; init; } = new(false, [""]);
    /// <summary>The --mount values ("type=cache,target=/root/.cache"), in order.</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];
    /// <summary>The --network value, or null.</summary>
    public string? Network { get; init; }
    /// <summary>The --security value, or null.</summary>
    public string? Security { get; init; }

    protected override DockerfileInstruction ExpandCore(Func<string, string> word, Func<string, IReadOnlyList<string>> words) =>
        this with { Mounts = Mounts.Select(word).ToList() };
}
