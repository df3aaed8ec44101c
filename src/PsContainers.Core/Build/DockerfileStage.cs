namespace PsContainers.Core.Build;

/// <summary>A stage as written: its index, its FROM (with the AS name) and the instructions after it up to the next FROM.</summary>
public sealed class DockerfileStage
{
    /// <summary>0-based position among the stages (what <c>COPY --from=0</c> names).</summary>
    public int Index { get; init; }
    /// <summary>The AS name, lower case, or null.</summary>
    public string? Name { get; init; }
    /// <summary>The FROM instruction.</summary>
    public required FromInstruction From { get; init; }
    /// <summary>The instructions after FROM, in order.</summary>
    public required IReadOnlyList<DockerfileInstruction> Instructions { get; init; }
}
