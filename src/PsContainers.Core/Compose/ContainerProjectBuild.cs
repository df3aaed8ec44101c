namespace PsContainers.Core.Compose;

/// <summary>
/// How to build a service's image (spec build.md). A string in the file is the context. An image built for a
/// service without <c>image:</c> is named <c>&lt;project&gt;-&lt;service&gt;</c>.
/// </summary>
public sealed class ContainerProjectBuild
{
    /// <summary>The build context: an absolute directory, or a URL (git, http) kept as written.</summary>
    public string Context { get; init; } = "";
    /// <summary>The Dockerfile, relative to the context ("Dockerfile" when not given).</summary>
    public string? Dockerfile { get; init; }
    /// <summary>An inline Dockerfile (excludes Dockerfile), or null.</summary>
    public string? DockerfileInline { get; init; }
    /// <summary>Build arguments; a null value is an argument taken from the project environment at build time.</summary>
    public IReadOnlyDictionary<string, string?> Args { get; init; } = new Dictionary<string, string?>();
    public string? Target { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> AdditionalContexts { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Platforms { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Network { get; init; }
    public bool NoCache { get; init; }
    public bool Pull { get; init; }
}
