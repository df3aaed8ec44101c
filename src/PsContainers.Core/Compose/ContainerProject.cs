namespace PsContainers.Core.Compose;

/// <summary>
/// A compose project as loaded from its files (<see cref="ComposeLoader"/>): the model <c>docker compose config</c>
/// prints, as objects. Only enabled services are in <see cref="Services"/> (profiles applied); the resources are those
/// the files declare plus the implicit <c>default</c> network when a service uses it. Nothing has been created.
/// </summary>
public sealed class ContainerProject
{
    /// <summary>The project name (compose-spec "name", normalized by its rules).</summary>
    public string Name { get; init; } = "";
    /// <summary>The project directory: relative paths in the files resolved against it.</summary>
    public string WorkingDirectory { get; init; } = "";
    /// <summary>The compose files, absolute, in merge order (included and extends files are not listed).</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];
    /// <summary>The env files that fed interpolation (<c>.env</c> of the project directory, or those given).</summary>
    public IReadOnlyList<string> EnvironmentFiles { get; init; } = [];
    /// <summary>The active profiles.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];
    public IReadOnlyList<ContainerProjectService> Services { get; init; } = [];
    /// <summary>The names of the services the active profiles leave out.</summary>
    public IReadOnlyList<string> DisabledServices { get; init; } = [];
    public IReadOnlyList<ContainerProjectNetwork> Networks { get; init; } = [];
    public IReadOnlyList<ContainerProjectVolume> Volumes { get; init; } = [];
    public IReadOnlyList<ContainerProjectSecret> Secrets { get; init; } = [];
    public IReadOnlyList<ContainerProjectSecret> Configs { get; init; } = [];
    /// <summary>
    /// True when loaded with <see cref="ComposeLoadOptions.NoInterpolate"/>: the values are the text as written
    /// (<c>${VAR:-x}</c>, <c>$$</c> unresolved), and <see cref="ComposeYamlWriter"/> writes them as they are.
    /// </summary>
    public bool NoInterpolate { get; init; }
    /// <summary>What the loader warned about (unknown keys, unset variables), each once.</summary>
    public IReadOnlyList<ContainerProjectFinding> Warnings { get; init; } = [];

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public ContainerProjectService? GetService(string name) => Services.FirstOrDefault(s => s.Name == name);

    /// <summary>The services in dependency order (a service after those it depends on; ties by name).</summary>
    public IReadOnlyList<ContainerProjectService> ServicesInDependencyOrder()
    {
        var byName = Services.ToDictionary(s => s.Name);
        var done = new HashSet<string>();
        var order = new List<ContainerProjectService>();
        void Visit(ContainerProjectService s)
        {
            if (!done.Add(s.Name)) return;
            foreach (var d in s.DependsOn.OrderBy(d => d.Service, StringComparer.Ordinal))
                if (byName.TryGetValue(d.Service, out var dep)) Visit(dep);
            order.Add(s);
        }
        foreach (var s in Services.OrderBy(s => s.Name, StringComparer.Ordinal)) Visit(s);
        return order;
    }

    public override string ToString() => Name;
}
