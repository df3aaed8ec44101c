namespace PsContainers.Core.Containers;

/// <summary>What a container needs from an image: identity, default process settings, and its layers.</summary>
public sealed class ResolvedImage
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string[] Entrypoint { get; init; } = [];
    public string[] Cmd { get; init; } = [];
    public string[] Env { get; init; } = [];
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public string? StopSignal { get; init; }
    /// <summary>The image's HEALTHCHECK (config.Healthcheck), or null.</summary>
    public HealthConfig? Healthcheck { get; init; }
    public Dictionary<string, string> Labels { get; init; } = new();
    /// <summary>The image's VOLUMEs: container paths ("/data"); empty for a directory image.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
    /// <summary>The image's SHELL (config.Shell of a docker-format image: ["/bin/bash", "-c"]); null when it has none.</summary>
    public string[]? Shell { get; init; }
    /// <summary>The image's EXPOSEd ports: "80/tcp", "53/udp"; empty for a directory image.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
    /// <summary>Unpacked layer directories, base first.</summary>
    public IReadOnlyList<string> LayerPaths { get; init; } = [];
}
