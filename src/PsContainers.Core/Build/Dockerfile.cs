namespace PsContainers.Core.Build;

/// <summary>
/// A parsed Dockerfile (<see cref="DockerfileParser.Parse"/>): its parser directives, every instruction in order,
/// the global ARGs (before the first FROM) and the stages (each FROM and the instructions up to the next).
/// </summary>
public sealed class Dockerfile
{
    /// <summary>The file name given to the parser, used in messages ("Dockerfile", "build/Containerfile").</summary>
    public required string FileName { get; init; }
    /// <summary>The escape character (<c>\</c>, or <c>`</c> from <c># escape=`</c>).</summary>
    public char Escape { get; init; } = '\\';
    /// <summary>The parser directives found (lower-case names: "escape", "syntax", "check") and their values.</summary>
    public IReadOnlyDictionary<string, string> Directives { get; init; } = new Dictionary<string, string>();
    /// <summary>Every instruction, in file order.</summary>
    public required IReadOnlyList<DockerfileInstruction> Instructions { get; init; }
    /// <summary>The ARG instructions before the first FROM (global: visible in FROM lines, re-declared to use in a stage).</summary>
    public required IReadOnlyList<ArgInstruction> GlobalArgs { get; init; }
    /// <summary>The stages, in file order (index 0 first).</summary>
    public required IReadOnlyList<DockerfileStage> Stages { get; init; }
    /// <summary>Parser warnings ("Dockerfile:4: empty continuation line"), as BuildKit reports them.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
