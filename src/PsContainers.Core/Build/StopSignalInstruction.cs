namespace PsContainers.Core.Build;

/// <summary><c>STOPSIGNAL signal</c> ("SIGQUIT", "9"): the image's stop signal.</summary>
public sealed record StopSignalInstruction : DockerfileInstruction
{
    public override string Keyword => "STOPSIGNAL";
    public override bool ExpandsVariables => true;
    /// <summary>The signal as written (or expanded).</summary>
    public string Signal { get; init; } = "";

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Signal = x.Word(Signal) };
}
