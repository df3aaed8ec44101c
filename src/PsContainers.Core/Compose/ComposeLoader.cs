using System.Collections;

namespace PsContainers.Core.Compose;

/// <summary>
/// Loads a compose project the way compose-go's loader does (compose-spec spec.md, interpolation.md, merge.md,
/// extends.md, include.md, profiles.md), in this order: find the files (given, COMPOSE_FILE, or
/// <c>compose.yaml</c>/<c>compose.yml</c>/<c>docker-compose.yml</c>/<c>docker-compose.yaml</c> plus its
/// <c>.override</c> file, searched upward from the directory); read the env files; per file: parse (YAML, line
/// numbers kept), interpolate, bring into the merge shape with paths made absolute, resolve <c>include</c> then
/// <c>extends</c>; merge the files in order (<c>!reset</c>/<c>!override</c> honoured); decide the project name; build
/// the typed, normalized model; apply profiles; check consistency; hash each service. Nothing is created or run.
/// </summary>
public sealed class ComposeLoader
{
    /// <summary>The default file names, in the order docker compose tries them.</summary>
    public static readonly IReadOnlyList<string> DefaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
    private static readonly string[] OverrideFileNames = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yml", "docker-compose.override.yaml"];

    private readonly ComposeLoadOptions _o;
    private readonly ComposeWarnings _warnings = new();
    private readonly IReadOnlyDictionary<string, string> _process;
    private readonly Dictionary<string, ComposeNode> _extendsFiles = new(StringComparer.Ordinal);
    private OrderedDictionary<string, string> _dotenv = new();

    private ComposeLoader(ComposeLoadOptions options)
    {
        _o = options;
        _process = options.ProcessEnvironment ?? ProcessEnvironment();
    }

    /// <summary>Load the project <paramref name="options"/> describe.</summary>
    /// <returns>The normalized model; <see cref="ContainerProject.Warnings"/> holds what was reported.</returns>
    /// <exception cref="PscException">
    /// ComposeFileNotFound (ObjectNotFound): a file does not exist, or none is found. EnvFileNotFound, EnvFileInvalid.
    /// ComposeInvalid (InvalidData): not YAML, a wrong type or value at a path, an unknown dependency, network,
    /// volume, secret or config (ComposeUndefinedReference). InterpolationInvalidFormat, InterpolationRequiredVariable.
    /// ExtendsCycle, IncludeCycle, DependencyCycle, ScaleWithContainerName, ProfileDisabledDependency, InvalidProjectName.
    /// Every message begins with file:line where there is one, and names the service.
    /// </exception>
    public static ContainerProject Load(ComposeLoadOptions options) => new ComposeLoader(options).Run();

    /// <summary>Load and report instead of throwing: the first error (a load stops at it) and every warning.</summary>
    public static IReadOnlyList<ContainerProjectFinding> Check(ComposeLoadOptions options, out ContainerProject? project)
    {
        var loader = new ComposeLoader(options);
        project = null;
        try
        {
            project = loader.Run();
            return project.Warnings;
        }
        catch (PscException e)
        {
            var (file, line) = Position(e.Message);
            var findings = new List<ContainerProjectFinding>(loader._warnings.Findings)
            {
                new() { File = file, Line = line, Severity = "Error", Rule = e.ErrorId, Service = ServiceOf(e.Message), Message = e.Message },
            };
            return findings;
        }
    }

    private static (string?, int) Position(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"^(?<f>/[^:]+):(?<l>\d+)");
        return m.Success ? (m.Groups["f"].Value, int.Parse(m.Groups["l"].Value)) : (null, 0);
    }

    private static string? ServiceOf(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, @"services\.(?<s>[A-Za-z0-9._-]+)|service (?<s>[A-Za-z0-9._-]+)");
        return m.Success ? m.Groups["s"].Value : null;
    }

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) d[(string)e.Key] = (string?)e.Value ?? "";
        return d;
    }

    /// <summary>The caller's variables, then the process environment (no env files).</summary>
    private string? Outer(string name) =>
        _o.Environment.TryGetValue(name, out var v) ? v : _process.TryGetValue(name, out var p) ? p : null;

    /// <summary>The project environment: the caller's variables, the process environment, then the env files.</summary>
    private string? Lookup(string name) => Outer(name) ?? (_dotenv.TryGetValue(name, out var d) ? d : null);

    /// <summary>The home directory bind sources starting with <c>~</c> resolve against (HOME of the process environment).</summary>
    private string Home => _process.TryGetValue("HOME", out var h) && h.Length > 0 ? h : "/root";

    private ContainerProject Run()
    {
        string cwd = _o.CurrentDirectory ?? Directory.GetCurrentDirectory();
        string? projectDir = _o.ProjectDirectory is null ? null : ComposeCanonicalizer.Absolute(_o.ProjectDirectory, cwd);
        var files = Files(cwd, projectDir);
        projectDir ??= Path.GetDirectoryName(files[0])!;

        var envFiles = new List<string>();
        if (_o.EnvironmentFiles.Count > 0)
            envFiles.AddRange(_o.EnvironmentFiles.Select(f => ComposeCanonicalizer.Absolute(f, cwd)));
        else if (File.Exists(Path.Join(projectDir, ".env")))
            envFiles.Add(Path.Join(projectDir, ".env"));
        _dotenv = ReadEnvFiles(envFiles, Outer);

        ComposeNode? merged = null;
        foreach (var file in files)
        {
            var tree = LoadTree(file, projectDir, Lookup, [file]);
            merged = ComposeMerger.Merge(merged, tree, "");
        }
        ComposeMerger.EnforceUnique(merged!, "");

        string name = ProjectName(merged!, projectDir);
        var builder = new ComposeModelBuilder(name, projectDir, Lookup, _warnings, interpolated: !_o.NoInterpolate);
        builder.Build(merged!);

        var (enabled, disabled, active) = ApplyProfiles(builder.Services);
        Validate(builder, enabled, disabled);
        AddImplicitDependencies(enabled);
        var project = new ContainerProject
        {
            Name = name,
            WorkingDirectory = projectDir,
            ConfigFiles = files,
            EnvironmentFiles = envFiles,
            Profiles = active,
            Services = enabled,
            DisabledServices = disabled.Select(s => s.Name).ToList(),
            Networks = builder.Networks,
            Volumes = builder.Volumes,
            Secrets = builder.Secrets,
            Configs = builder.Configs,
            Warnings = _warnings.Findings,
            NoInterpolate = _o.NoInterpolate,
        };
        foreach (var s in enabled) s.ConfigHash = ComposeConfigHash.Compute(project, s, Lookup);
        return project;
    }

    /// <summary>
    /// A service in another service's network namespace (<c>network_mode: service:x</c>) depends on it: x starts first and
    /// a change of x's container reaches this one (compose-go adds depends_on x with condition service_started, required
    /// and restart, unless the files already name x).
    /// </summary>
    private static void AddImplicitDependencies(IEnumerable<ContainerProjectService> services)
    {
        foreach (var s in services)
            if (s.NetworkMode is string mode && mode.StartsWith("service:", StringComparison.Ordinal) && s.DependsOn.All(d => d.Service != mode[8..]))
                s.DependsOn = [.. s.DependsOn, new ContainerProjectDependency { Service = mode[8..], Condition = "service_started", Required = true, Restart = true }];
    }

    // ---- files ----

    private List<string> Files(string cwd, string? projectDir)
    {
        List<string> files;
        if (_o.Files.Count > 0)
            files = _o.Files.Select(f => ComposeCanonicalizer.Absolute(f, cwd))
                // a directory stands for the default files in it (Import-ContainerProject -Path .), as --project-directory finds them
                .SelectMany(f => Directory.Exists(f) ? DiscoverIn(f) ?? throw NoFileIn(f, "") : [f]).ToList();
        else if (ComposeFileVariable(projectDir ?? cwd) is string list)
        {
            string sep = Outer("COMPOSE_PATH_SEPARATOR") ?? ":";
            files = list.Split(sep, StringSplitOptions.RemoveEmptyEntries).Select(f => ComposeCanonicalizer.Absolute(f, projectDir ?? cwd)).ToList();
        }
        else
            files = Discover(projectDir ?? cwd);
        foreach (var f in files)
            if (!File.Exists(f))
                throw PscException.NotFound(ErrorIds.ComposeFileNotFound, $"The compose file '{f}' does not exist.", f);
        return files;
    }

    /// <summary>COMPOSE_FILE from the caller, the process, or the <c>.env</c> of <paramref name="dir"/>.</summary>
    private string? ComposeFileVariable(string dir)
    {
        if (Outer("COMPOSE_FILE") is { Length: > 0 } v) return v;
        var candidates = _o.EnvironmentFiles.Count > 0
            ? _o.EnvironmentFiles.Select(f => ComposeCanonicalizer.Absolute(f, _o.CurrentDirectory ?? Directory.GetCurrentDirectory()))
            : [Path.Join(dir, ".env")];
        string? found = null;
        foreach (var f in candidates)
            if (File.Exists(f) && DotEnvFile.Read(f, Outer).TryGetValue("COMPOSE_FILE", out var cf)) found = cf;
        return found is { Length: > 0 } ? found : null;
    }

    /// <summary>The first default file in <paramref name="dir"/> or a parent, with its override file when present.</summary>
    private static List<string> Discover(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
            if (DiscoverIn(d.FullName) is { } found) return found;
        throw NoFileIn(dir, " or its parents");
    }

    /// <summary>The first default file in <paramref name="dir"/> itself with its override file when present; null when none.</summary>
    private static List<string>? DiscoverIn(string dir)
    {
        foreach (var name in DefaultFileNames)
        {
            string f = Path.Join(dir, name);
            if (!File.Exists(f)) continue;
            var list = new List<string> { f };
            var over = OverrideFileNames.Select(o => Path.Join(dir, o)).FirstOrDefault(File.Exists);
            if (over is not null) list.Add(over);
            return list;
        }
        return null;
    }

    private static PscException NoFileIn(string dir, string where) => PscException.NotFound(ErrorIds.ComposeFileNotFound,
        $"No compose file found in '{dir}'{where} (looked for {string.Join(", ", DefaultFileNames)}).", dir);

    private static OrderedDictionary<string, string> ReadEnvFiles(IEnumerable<string> files, Func<string, string?> outer)
    {
        var result = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files)
            foreach (var (k, v) in DotEnvFile.Read(f, n => outer(n) ?? (result.TryGetValue(n, out var r) ? r : null)))
                result[k] = v;
        return result;
    }

    // ---- one file: parse, interpolate, shape, include, extends ----

    private ComposeNode LoadTree(string file, string baseDir, Func<string, string?> lookup, List<string> includeStack)
    {
        var tree = ComposeYamlReader.Parse(File.ReadAllText(file), file);
        if (!_o.NoInterpolate) Interpolate(tree, "", lookup);
        ComposeCanonicalizer.Apply(tree, baseDir, Home);
        if (tree["include"] is { } include) ApplyInclude(tree, include, file, lookup, includeStack);
        if (tree["services"] is { IsMapping: true } services)
            foreach (var key in services.Map.Keys.ToList())
                services.Map[key] = ResolveExtends(services.Map[key], key, tree, file, lookup, []);
        return tree;
    }

    private void Interpolate(ComposeNode node, string path, Func<string, string?> lookup)
    {
        if (node.IsScalar)
        {
            string where = $"{node.Where} {path}";
            var at = node;
            node.Value = ComposeInterpolation.Substitute(node.Value!, lookup, where,
                v => _warnings.Add(at, "UnsetVariable", null, $"{at.Where}: the {v} variable is not set; defaulting to a blank string", once: v));
        }
        else if (node.IsMapping)
            foreach (var (k, v) in node.Map) Interpolate(v, path.Length == 0 ? k : path + "." + k, lookup);
        else if (node.IsSequence)
            for (int i = 0; i < node.Items.Count; i++) Interpolate(node.Items[i], $"{path}[{i}]", lookup);
    }

    private void ApplyInclude(ComposeNode tree, ComposeNode include, string file, Func<string, string?> lookup, List<string> stack)
    {
        tree.Map.Remove("include");
        if (include.IsNull) return;
        if (!include.IsSequence) throw Invalid(include, "include must be a list");
        string dir = Path.GetDirectoryName(file)!;
        foreach (var entry in include.Items)
        {
            List<string> paths;
            string? projectDir = null;
            List<string> envFiles = [];
            if (entry.IsScalar) paths = [entry.Value!];
            else if (entry.IsMapping)
            {
                paths = entry["path"] switch
                {
                    { IsScalar: true } p => [p.Value!],
                    { IsSequence: true } p => p.Items.Select(i => i.Value ?? "").ToList(),
                    _ => throw Invalid(entry, "an include entry needs a path"),
                };
                projectDir = ComposeModelBuilder.Str(entry["project_directory"], "include.project_directory");
                envFiles = entry["env_file"] switch
                {
                    null or { IsNull: true } => [],
                    { IsScalar: true } e => [e.Value!],
                    { IsSequence: true } e => e.Items.Select(i => i.Value ?? "").ToList(),
                    var e => throw Invalid(e, "include.env_file must be a string or a list"),
                };
            }
            else throw Invalid(entry, "an include entry is a path or a mapping");
            var absolute = paths.Select(p => ComposeCanonicalizer.Absolute(p, dir)).ToList();
            foreach (var p in absolute)
            {
                if (!File.Exists(p))
                    throw PscException.NotFound(ErrorIds.ComposeFileNotFound, $"{entry.Where}: the included file '{p}' does not exist.", p);
                if (stack.Contains(p))
                    throw PscException.InvalidData(ErrorIds.IncludeCycle,
                        $"{entry.Where}: include cycle: {string.Join(" -> ", stack.Append(p))}", p);
            }
            string subDir = projectDir is null ? Path.GetDirectoryName(absolute[0])! : ComposeCanonicalizer.Absolute(projectDir, dir);
            var subEnvFiles = envFiles.Count > 0 ? envFiles.Select(e => ComposeCanonicalizer.Absolute(e, dir)).ToList()
                : File.Exists(Path.Join(subDir, ".env")) ? [Path.Join(subDir, ".env")] : new List<string>();
            var subEnv = ReadEnvFiles(subEnvFiles, lookup);
            string? SubLookup(string n) => lookup(n) ?? (subEnv.TryGetValue(n, out var v) ? v : null);
            ComposeNode? sub = null;
            foreach (var p in absolute)
                sub = ComposeMerger.Merge(sub, LoadTree(p, subDir, SubLookup, [.. stack, p]), "");
            foreach (var section in new[] { "services", "networks", "volumes", "secrets", "configs" })
            {
                if (sub![section] is not { IsMapping: true } imported) continue;
                var local = tree[section];
                var combined = imported.NewMapping();
                foreach (var (k, v) in imported.Map)
                {
                    if (local is { IsMapping: true } && local.Map.ContainsKey(k))
                        throw PscException.InvalidData(ErrorIds.ComposeInvalid,
                            $"{local.Map[k].Where}: {section}.{k} conflicts with the one imported from '{absolute[0]}'", k);
                    combined.Set(k, v);
                }
                if (local is { IsMapping: true })
                    foreach (var (k, v) in local.Map) combined.Set(k, v);
                tree.Set(section, combined);
            }
        }
    }

    private ComposeNode ResolveExtends(ComposeNode service, string name, ComposeNode tree, string file, Func<string, string?> lookup, List<string> stack)
    {
        if (service["extends"] is not { } ext) return service;
        string me = $"{file}#{name}";
        if (stack.Contains(me))
            throw PscException.InvalidData(ErrorIds.ExtendsCycle,
                $"{ext.Where}: service {name}: extends cycle: {string.Join(" -> ", stack.Append(me).Select(s => s[(s.IndexOf('#') + 1)..]))}", name);
        string baseName;
        string baseFile = file;
        if (ext.IsScalar) baseName = ext.Value!;
        else if (ext.IsMapping)
        {
            baseName = ext["service"]?.Value ?? throw Invalid(ext, $"service {name}: extends needs a service");
            if (ext["file"]?.Value is string f) baseFile = f;
        }
        else throw Invalid(ext, $"service {name}: extends must be a service name or a mapping");

        ComposeNode baseTree = tree;
        if (baseFile != file)
        {
            if (!_extendsFiles.TryGetValue(baseFile, out var loaded))
            {
                if (!File.Exists(baseFile))
                    throw PscException.NotFound(ErrorIds.ComposeFileNotFound, $"{ext.Where}: service {name}: the extended file '{baseFile}' does not exist.", baseFile);
                loaded = ComposeYamlReader.Parse(File.ReadAllText(baseFile), baseFile);
                if (!_o.NoInterpolate) Interpolate(loaded, "", lookup);
                ComposeCanonicalizer.Apply(loaded, Path.GetDirectoryName(baseFile)!, Home);
                _extendsFiles[baseFile] = loaded;
            }
            baseTree = loaded;
        }
        var baseService = baseTree["services"]?[baseName]
            ?? throw PscException.InvalidData(ErrorIds.ComposeUndefinedReference,
                $"{ext.Where}: service {name} extends '{baseName}', which {(baseFile == file ? "this file" : $"'{baseFile}'")} does not define", baseName);
        var resolvedBase = ResolveExtends(baseService.Clone(), baseName, baseTree, baseFile, lookup, [.. stack, me]);
        resolvedBase.Map.Remove("extends");
        var local = service.Clone();
        local.Map.Remove("extends");
        var merged = ComposeMerger.Merge(resolvedBase, local, "services.*")!;
        merged.File = service.File;
        merged.Line = service.Line;
        return merged;
    }

    // ---- name, profiles, consistency ----

    private string ProjectName(ComposeNode merged, string projectDir)
    {
        if (_o.ProjectName is { } explicitName) return ComposeProjectName.Require(explicitName, "-ProjectName");
        if (Lookup("COMPOSE_PROJECT_NAME") is { Length: > 0 } env) return ComposeProjectName.Require(env, "COMPOSE_PROJECT_NAME");
        string source = merged["name"] is { IsScalar: true } n ? n.Value! : Path.GetFileName(projectDir.TrimEnd('/'));
        string name = ComposeProjectName.Normalize(source);
        if (name.Length == 0)
            throw PscException.InvalidArgument(ErrorIds.InvalidProjectName,
                (merged["name"] is { } at ? at.Where + ": " : "") + $"'{source}' gives no valid project name once normalized; set name: or give a project name", source);
        return name;
    }

    private (List<ContainerProjectService> Enabled, List<ContainerProjectService> Disabled, List<string> Active) ApplyProfiles(List<ContainerProjectService> services)
    {
        var active = new List<string>(_o.Profiles.Count > 0 ? _o.Profiles
            : (Lookup("COMPOSE_PROFILES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        foreach (var target in _o.Services)
        {
            var s = services.FirstOrDefault(x => x.Name == target)
                ?? throw PscException.NotFound(ErrorIds.ComposeUndefinedReference, $"The project has no service '{target}'.", target);
            foreach (var p in s.Profiles) if (!active.Contains(p)) active.Add(p);
        }
        bool all = active.Contains("*");
        bool Enabled(ContainerProjectService s) => all || s.Profiles.Count == 0 || s.Profiles.Any(active.Contains);
        return (services.Where(Enabled).ToList(), services.Where(s => !Enabled(s)).ToList(), active);
    }

    private void Validate(ComposeModelBuilder b, List<ContainerProjectService> enabled, List<ContainerProjectService> disabled)
    {
        var all = b.Services.ToDictionary(s => s.Name);
        var disabledNames = disabled.Select(s => s.Name).ToHashSet();
        foreach (var s in b.Services)
        {
            string at = $"{s.SourceFile}:{s.SourceLine}: service {s.Name}";
            if (!System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[a-zA-Z0-9][a-zA-Z0-9._-]*$"))
                throw PscException.InvalidData(ErrorIds.ComposeInvalid, $"{at}: '{s.Name}' is not a valid service name (letters, digits, '.', '_', '-')", s.Name);
            if (s.Image is null && s.Build is null)
                throw PscException.InvalidData(ErrorIds.ComposeInvalid, $"{at} has neither an image nor a build context", s.Name);
            foreach (var d in s.DependsOn)
                if (!all.ContainsKey(d.Service) && d.Required)
                    throw Undefined($"{(d.Where.Length > 0 ? d.Where : $"{s.SourceFile}:{s.SourceLine}")}: service {s.Name} depends on undefined service '{d.Service}'", d.Service);
            if (s.ContainerName is not null && s.Scale > 1)
                throw PscException.InvalidArgument(ErrorIds.ScaleWithContainerName,
                    $"{at} sets container_name '{s.ContainerName}' and a scale of {s.Scale}; a fixed name allows one container only", s.Name);
            if (s.NetworkMode is string mode && (mode.StartsWith("service:", StringComparison.Ordinal)))
                if (!all.ContainsKey(mode[8..])) throw Undefined($"{at} uses network_mode '{mode}' of an undefined service", mode[8..]);
            foreach (var n in s.Networks)
                if (n.Name != "default" && b.Networks.All(x => x.Key != n.Name))
                    throw Undefined($"{at} uses network '{n.Name}', which is not declared under networks:", n.Name);
            foreach (var m in s.Volumes)
                if (m.Type == "volume" && m.Source is string v && b.Volumes.All(x => x.Key != v))
                    throw Undefined($"{at} uses volume '{v}', which is not declared under volumes:", v);
            foreach (var r in s.Secrets)
                if (b.Secrets.All(x => x.Key != r.Source)) throw Undefined($"{at} uses secret '{r.Source}', which is not declared under secrets:", r.Source);
            foreach (var r in s.Configs)
                if (b.Configs.All(x => x.Key != r.Source)) throw Undefined($"{at} uses config '{r.Source}', which is not declared under configs:", r.Source);
        }
        foreach (var s in enabled)
        {
            string at = $"{s.SourceFile}:{s.SourceLine}: service {s.Name}";
            foreach (var d in s.DependsOn.ToList())
                if (disabledNames.Contains(d.Service))
                {
                    if (!d.Required)
                    {
                        _warnings.Add(null, "DisabledDependency", s.Name, $"{at}: the optional dependency '{d.Service}' is disabled by profiles");
                        continue;
                    }
                    throw PscException.InvalidArgument(ErrorIds.ProfileDisabledDependency,
                        $"{at} depends on '{d.Service}', which its profiles ({string.Join(", ", all[d.Service].Profiles)}) leave disabled; activate one of them", d.Service);
                }
            if (s.NetworkMode is string mode && mode.StartsWith("service:", StringComparison.Ordinal) && disabledNames.Contains(mode[8..]))
                throw PscException.InvalidArgument(ErrorIds.ProfileDisabledDependency,
                    $"{at} uses network_mode '{mode}', a service its profiles leave disabled", mode[8..]);
        }
        // dependency cycles (depends_on and network_mode service:)
        var state = new Dictionary<string, int>();
        var path = new List<string>();
        void Visit(ContainerProjectService s)
        {
            state[s.Name] = 1;
            path.Add(s.Name);
            var next = s.DependsOn.Select(d => d.Service).ToList();
            if (s.NetworkMode is string mode && mode.StartsWith("service:", StringComparison.Ordinal)) next.Add(mode[8..]);
            foreach (var d in next)
            {
                if (!all.TryGetValue(d, out var dep)) continue;
                if (state.GetValueOrDefault(d) == 1)
                {
                    var cycle = path.Skip(path.IndexOf(d)).Append(d);
                    throw PscException.InvalidData(ErrorIds.DependencyCycle,
                        $"{s.SourceFile}:{s.SourceLine}: service {s.Name}: dependency cycle: {string.Join(" -> ", cycle)}", d);
                }
                if (state.GetValueOrDefault(d) == 0) Visit(dep);
            }
            path.RemoveAt(path.Count - 1);
            state[s.Name] = 2;
        }
        foreach (var s in b.Services)
            if (state.GetValueOrDefault(s.Name) == 0) Visit(s);
    }

    private static PscException Undefined(string message, string target) =>
        PscException.InvalidData(ErrorIds.ComposeUndefinedReference, message, target);

    private static PscException Invalid(ComposeNode at, string what) =>
        PscException.InvalidData(ErrorIds.ComposeInvalid, $"{at.Where}: {what}");
}
