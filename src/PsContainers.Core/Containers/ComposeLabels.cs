using System.Globalization;

namespace PsContainers.Core.Containers;

/// <summary>
/// The container labels docker compose writes and reads to know which project, service and replica a container
/// belongs to (docker/compose pkg/api/labels.go); other tools key on them too, so the engine reads them as docker does.
/// </summary>
public static class ComposeLabels
{
    /// <summary>The project name (compose-spec "name", normalized).</summary>
    public const string Project = "com.docker.compose.project";
    /// <summary>The service name inside the project.</summary>
    public const string Service = "com.docker.compose.service";
    /// <summary>The replica number, from 1, as decimal text.</summary>
    public const string ContainerNumber = "com.docker.compose.container-number";
    /// <summary>"True" for a one-off container (docker compose run), "False" otherwise.</summary>
    public const string OneOff = "com.docker.compose.oneoff";
    /// <summary>The service's configuration hash (<see cref="Compose.ContainerProjectService.ConfigHash"/>): a container whose label differs is recreated.</summary>
    public const string ConfigHash = "com.docker.compose.config-hash";
    /// <summary>The project directory, absolute.</summary>
    public const string WorkingDir = "com.docker.compose.project.working_dir";
    /// <summary>The compose files, absolute, joined with ','.</summary>
    public const string ConfigFiles = "com.docker.compose.project.config_files";
    /// <summary>The env files that fed interpolation, joined with ','.</summary>
    public const string EnvironmentFile = "com.docker.compose.project.environment_file";
    /// <summary>The service's dependencies as "service:condition:restart", joined with ',' (docker compose's form).</summary>
    public const string DependsOn = "com.docker.compose.depends_on";
    /// <summary>On a network: its key in the project.</summary>
    public const string Network = "com.docker.compose.network";
    /// <summary>On a volume: its key in the project.</summary>
    public const string Volume = "com.docker.compose.volume";
    /// <summary>The random part of a one-off (run) container's name, <c>&lt;project&gt;-&lt;service&gt;-run-&lt;slug&gt;</c> (docker compose's slug label).</summary>
    public const string Slug = "com.docker.compose.slug";

    /// <summary>The value of <paramref name="label"/>, or null when it is absent or empty.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> labels, string label) =>
        labels.TryGetValue(label, out var v) && v.Length > 0 ? v : null;

    /// <summary>The replica number: the container-number label as a decimal int; null when absent or not a number.</summary>
    public static int? Number(IReadOnlyDictionary<string, string> labels) =>
        Get(labels, ContainerNumber) is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>Whether the oneoff label says True (compose writes "True"/"False"; case is ignored); false when absent.</summary>
    public static bool IsOneOff(IReadOnlyDictionary<string, string> labels) =>
        string.Equals(Get(labels, OneOff), "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// docker compose logs' prefix of a container: its name without the leading "&lt;project&gt;-" (web-1 for
    /// shop-web-1); the whole name when it does not start so (a container_name) or has no project.
    /// </summary>
    public static string LogPrefix(string name, string? project) =>
        project is { Length: > 0 } && name.Length > project.Length + 1 && name.StartsWith(project + "-", StringComparison.Ordinal)
            ? name[(project.Length + 1)..] : name;
}
