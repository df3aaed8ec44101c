using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Security;
using PsContainers.Completers;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// What the cmdlets that read compose files share: the options of <c>docker compose</c> that decide which files are
/// read and how (<c>-f</c>, <c>-p</c>, <c>--project-directory</c>, <c>--env-file</c>, <c>--profile</c>,
/// <c>--no-interpolate</c>) plus variables given as a hashtable, turned into <see cref="ComposeLoadOptions"/>. The
/// files may come down the pipeline (<c>Get-ChildItem *.yaml | Import-ContainerProject</c>); they are collected and
/// loaded as one project at the end.
/// </summary>
public abstract class ContainerProjectCmdletBase : ContainerCmdletBase
{
    /// <summary>The compose files, merged in order (docker compose -f); a directory stands for the compose.yaml (and its override) in it. None: COMPOSE_FILE, or compose.yaml (and its override) found from the current directory upward.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Path")]
    [Alias("FullName", "File")]
    public string[]? Path { get; set; }

    /// <summary>The project name (docker compose -p); it must be lowercase letters, digits, '-' and '_'.</summary>
    [Parameter(ParameterSetName = "Path")]
    [Alias("Name")]
    public string? ProjectName { get; set; }

    /// <summary>The project directory relative paths resolve against (default: the first file's directory).</summary>
    [Parameter(ParameterSetName = "Path")]
    public string? ProjectDirectory { get; set; }

    /// <summary>Env files for interpolation instead of the project directory's .env (docker compose --env-file).</summary>
    [Parameter(ParameterSetName = "Path")]
    public string[]? EnvFile { get; set; }

    /// <summary>Profiles to activate (docker compose --profile); '*' activates all. None: COMPOSE_PROFILES.</summary>
    [Parameter(ParameterSetName = "Path")]
    [ArgumentCompleter(typeof(ContainerProjectProfileCompleter))]
    public string[]? Profile { get; set; }

    /// <summary>Variables for interpolation; they win over the process environment and the env files. SecureString values are decrypted for the load only.</summary>
    [Parameter(ParameterSetName = "Path")]
    public Hashtable? Environment { get; set; }

    /// <summary>Keep ${VAR} expressions as written (docker compose config --no-interpolate).</summary>
    [Parameter(ParameterSetName = "Path")]
    public SwitchParameter NoInterpolate { get; set; }

    private readonly List<string> _paths = [];

    /// <summary>Collect the files of this pipeline record (call from ProcessRecord).</summary>
    protected void CollectPaths()
    {
        if (Path is null) return;
        foreach (var p in Path) _paths.Add(GetUnresolvedProviderPathFromPSPath(p));
    }

    /// <summary>The load options of the parameters and the collected files; <paramref name="services"/> are the targeted
    /// services (their profiles become active).</summary>
    protected ComposeLoadOptions LoadOptions(IReadOnlyList<string>? services = null) => new()
    {
        Services = services ?? [],
        Files = _paths.ToList(),
        ProjectName = ProjectName,
        ProjectDirectory = ProjectDirectory is null ? null : GetUnresolvedProviderPathFromPSPath(ProjectDirectory),
        EnvironmentFiles = EnvFile?.Select(GetUnresolvedProviderPathFromPSPath).ToList() ?? [],
        Profiles = Profile ?? [],
        Environment = Variables(Environment),
        NoInterpolate = NoInterpolate,
        CurrentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
    };

    /// <summary>
    /// Load the project of the parameters and the collected files, writing the loader's warnings; null when loading
    /// failed (the error is written, about the first file). Also null, with nothing written, when the cmdlet was fed by
    /// the pipeline and no piped object gave a file: PowerShell has already written each object's binding error
    /// (a deserialized project from another session, InputObjectNotBound), and the compose file of the current
    /// directory is not what the pipeline asked for.
    /// </summary>
    protected ContainerProject? LoadProject(IReadOnlyList<string>? services = null)
    {
        if (MyInvocation.ExpectingInput && _paths.Count == 0) return null;
        var options = LoadOptions(services);
        if (!ForTarget(options.Files.FirstOrDefault(), () => ComposeLoader.Load(options), out var loaded)) return null;
        WriteFindings(loaded.Warnings);
        return loaded;
    }

    /// <summary>A hashtable of variables as strings (SecureString decrypted, null as empty).</summary>
    internal static Dictionary<string, string> Variables(Hashtable? table)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (table is null) return d;
        foreach (DictionaryEntry e in table)
        {
            object? v = e.Value is PSObject pso ? pso.BaseObject : e.Value;
            d[e.Key.ToString()!] = v switch
            {
                null => "",
                SecureString s => new NetworkCredential("", s).Password,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            };
        }
        return d;
    }

    /// <summary>Write the loader's warnings, each once, as PowerShell warnings.</summary>
    protected void WriteFindings(IEnumerable<ContainerProjectFinding> warnings)
    {
        foreach (var w in warnings) WriteWarning(w.Message);
    }
}
