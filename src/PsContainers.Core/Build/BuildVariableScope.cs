namespace PsContainers.Core.Build;

/// <summary>
/// The build arguments in scope in one stage while its instructions run, with the Dockerfile reference's ARG rules
/// ("ARG", "Scope", "Using ARG variables", "Predefined ARGs"; BuildKit dispatchArg):
/// <list type="bullet">
/// <item>A name is visible from its ARG line to the end of the stage, and in stages based on this one
/// (<c>FROM stage</c>). Before its ARG line it expands to empty even when a --build-arg was given.</item>
/// <item>Its value: the --build-arg when given; else, for a bare <c>ARG name</c>, the global ARG's value (declared
/// before the first FROM, or a predefined platform ARG such as TARGETARCH); else the default, expanded with what is in
/// scope at that line; else it is declared without a value (not in the environment).</item>
/// <item>ENV wins over an ARG of the same name, whatever their order (<see cref="ExpansionEnvironment"/>,
/// <see cref="RunEnvironment"/>).</item>
/// <item>The proxy ARGs (HTTP_PROXY, HTTPS_PROXY, FTP_PROXY, NO_PROXY, ALL_PROXY, either case) given as --build-arg
/// reach RUN without a declaration, and stay out of history and cache keys.</item>
/// </list>
/// Get one from <see cref="BuildPlanStage.CreateScope"/>; call <see cref="Declare"/> for each ARG of the stage in
/// order. Not thread-safe.
/// </summary>
public sealed class BuildVariableScope
{
    private readonly IReadOnlyDictionary<string, string> _buildArgs;
    private readonly IReadOnlyDictionary<string, string> _globals;
    private readonly Dictionary<string, string> _values;
    private readonly List<string> _declared;

    internal BuildVariableScope(IReadOnlyDictionary<string, string> buildArgs, IReadOnlyDictionary<string, string> globals, BuildVariableScope? inherited)
    {
        _buildArgs = buildArgs;
        _globals = globals;
        _values = inherited is null ? new(StringComparer.Ordinal) : new(inherited._values, StringComparer.Ordinal);
        _declared = inherited is null ? [] : [.. inherited._declared];
    }

    /// <summary>The ARG names declared so far in this stage (and inherited from its base stage), in order, each once.</summary>
    public IReadOnlyList<string> Declared => _declared;

    /// <summary>The ARG values in scope (declared names that have a value), by name. Not shadowed by ENV here.</summary>
    public IReadOnlyDictionary<string, string> Args => _values;

    /// <summary>The proxy ARG names, which need no declaration (reference, "Predefined ARGs").</summary>
    public static readonly IReadOnlySet<string> ProxyArgNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    };

    /// <summary>
    /// Declare the names of an ARG instruction (in order; a default sees the names declared before it on the same line).
    /// </summary>
    /// <param name="arg">The ARG instruction as parsed (not yet expanded).</param>
    /// <param name="configEnv">The stage's current ENV ("NAME=value", the image config's Env), for expanding defaults.</param>
    /// <exception cref="PscException">DockerfileExpansion "file:line: …" from a default's substitution.</exception>
    public void Declare(ArgInstruction arg, IReadOnlyList<string>? configEnv)
    {
        foreach (var d in arg.Arguments)
        {
            string? value;
            if (_buildArgs.TryGetValue(d.Name, out var given)) value = given;
            else if (d.Default is null) value = _globals.TryGetValue(d.Name, out var g) ? g : null;
            else
            {
                var single = arg with { Arguments = [d] };
                value = ((ArgInstruction)single.Expand(ExpansionEnvironment(configEnv))).Arguments[0].Default;
            }
            if (value is not null) _values[d.Name] = value;
            if (!_declared.Contains(d.Name)) _declared.Add(d.Name);
        }
    }

    /// <summary>
    /// The variables a builder-expanded instruction sees: the ARG values in scope, overridden by the stage's ENV.
    /// </summary>
    /// <param name="configEnv">The stage's image config Env ("NAME=value"), null for none.</param>
    public IReadOnlyDictionary<string, string> ExpansionEnvironment(IReadOnlyList<string>? configEnv)
    {
        var env = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var kv in ShellWordExpander.EnvironmentFrom(configEnv)) env[kv.Key] = kv.Value;
        return env;
    }

    /// <summary>
    /// The environment a RUN sees, "NAME=value" entries: the stage's ENV in its order, then the ARG values in scope
    /// that ENV does not set, in declaration order, then the proxy --build-args that neither sets.
    /// </summary>
    /// <param name="configEnv">The stage's image config Env, null for none.</param>
    public IReadOnlyList<string> RunEnvironment(IReadOnlyList<string>? configEnv)
    {
        var env = ShellWordExpander.EnvironmentFrom(configEnv);
        var r = new List<string>(configEnv ?? []);
        foreach (var name in _declared)
            if (!env.ContainsKey(name) && _values.TryGetValue(name, out var v)) { r.Add(name + "=" + v); env[name] = v; }
        foreach (var kv in _buildArgs.OrderBy(k => k.Key, StringComparer.Ordinal))
            if (ProxyArgNames.Contains(kv.Key) && !env.ContainsKey(kv.Key)) r.Add(kv.Key + "=" + kv.Value);
        return r;
    }

    /// <summary>
    /// The ARG values a RUN's cache key and history take into account ("NAME=value", declaration order, every
    /// declared name): ENV's value where ENV sets the same name, else the ARG's value, else "" for a name declared
    /// without a value (BuildKit runCommandString). Proxy ARGs are not included.
    /// </summary>
    public IReadOnlyList<string> VisibleArgs(IReadOnlyList<string>? configEnv)
    {
        var env = ShellWordExpander.EnvironmentFrom(configEnv);
        var r = new List<string>();
        foreach (var name in _declared)
        {
            if (env.TryGetValue(name, out var e)) r.Add(name + "=" + e);
            else r.Add(name + "=" + (_values.TryGetValue(name, out var v) ? v : ""));
        }
        return r;
    }

    /// <summary>
    /// An instruction expanded with <see cref="ExpansionEnvironment"/> (ARG instructions are not expanded here: use
    /// <see cref="Declare"/>).
    /// </summary>
    /// <exception cref="PscException">DockerfileExpansion "file:line: …".</exception>
    public DockerfileInstruction Expand(DockerfileInstruction instruction, IReadOnlyList<string>? configEnv, ISet<string>? used = null) =>
        instruction is ArgInstruction ? instruction : instruction.Expand(ExpansionEnvironment(configEnv), used);

    /// <summary>A copy to continue in a stage based on this one.</summary>
    internal BuildVariableScope Inherit() => new(_buildArgs, _globals, this);
}
