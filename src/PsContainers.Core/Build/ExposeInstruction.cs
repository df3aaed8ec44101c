namespace PsContainers.Core.Build;

/// <summary><c>EXPOSE port[/proto] …</c> ("80", "80/udp", "8000-8010/tcp"): metadata only. Words are sorted as BuildKit's parser sorts them; expansion splits (<c>EXPOSE $PORTS</c>).</summary>
public sealed record ExposeInstruction : DockerfileInstruction
{
    public override string Keyword => "EXPOSE";
    public override bool ExpandsVariables => true;
    /// <summary>The port words.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Ports = Ports.SelectMany(x.Words).ToList() };
}
