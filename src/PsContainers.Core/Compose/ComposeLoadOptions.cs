namespace PsContainers.Core.Compose;

/// <summary>What <see cref="ComposeLoader.Load"/> reads and how (the options of <c>docker compose</c> that shape <c>config</c>).</summary>
public sealed class ComposeLoadOptions
{
    /// <summary>The compose files in merge order (relative to the current directory); empty for COMPOSE_FILE or discovery.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>An explicit project name (<c>-p</c>); it must already be valid.</summary>
    public string? ProjectName { get; init; }
    /// <summary>The project directory (<c>--project-directory</c>); by default the first file's directory.</summary>
    public string? ProjectDirectory { get; init; }
    /// <summary>Env files for interpolation (<c>--env-file</c>, later wins); empty means <c>.env</c> in the project directory if present.</summary>
    public IReadOnlyList<string> EnvironmentFiles { get; init; } = [];
    /// <summary>Active profiles (<c>--profile</c>); empty means COMPOSE_PROFILES.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];
    /// <summary>Services the caller targets: their profiles become active.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];
    /// <summary>Variables given by the caller; they win over the process environment, which wins over the env files.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>The process environment (a snapshot by default; tests give their own).</summary>
    public IReadOnlyDictionary<string, string>? ProcessEnvironment { get; init; }
    /// <summary>Leave <c>$</c> expressions as written (<c>--no-interpolate</c>).</summary>
    public bool NoInterpolate { get; init; }
    /// <summary>The directory relative file names resolve against (the caller's current directory).</summary>
    public string? CurrentDirectory { get; init; }
}
