using PsContainers.Core.Containers;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Compose;

/// <summary>
/// The one way a compose project is found by name: from the <c>com.docker.compose.project</c> labels of the store's
/// containers (a project exists while it has a container, as for <c>docker compose ls -a</c>), by a literal name or a
/// <see cref="Wildcard"/> pattern, optionally narrowed to services. A literal name that finds nothing is
/// ProjectNotFound; a pattern that finds nothing is no error (PowerShell's rule for wildcards). Used by
/// Get-ContainerProject, Get-ContainerLog -Project, the kube cmdlets' -Project and <see cref="ProjectOrchestrator"/>.
/// </summary>
public static class ComposeProjectLookup
{
    /// <summary>
    /// The containers of the projects <paramref name="nameOrPattern"/> names, one-offs included, in the order given.
    /// With <paramref name="pattern"/> true the name is a <see cref="Wildcard"/> matched ignoring case (so is a literal
    /// name, as PowerShell's -Name parameters match); false: the label must equal the name exactly (ordinal).
    /// <paramref name="services"/>: only these services (wildcards, ignoring case); all when null or empty.
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidWildcardPattern for a bad pattern.</exception>
    public static List<Container> Containers(IEnumerable<Container> containers, string nameOrPattern, bool pattern = true, IReadOnlyList<string>? services = null) =>
        pattern
            ? new ContainerQuery { All = true, Project = nameOrPattern, Service = services }.Filter(containers).ToList()
            : containers.Where(c => c.Project == nameOrPattern
                                    && (services is not { Count: > 0 } || new ContainerQuery { All = true, Service = services }.Matches(c))).ToList();

    /// <summary>
    /// Whether finding nothing for <paramref name="nameOrPattern"/> is an error: it is unless the name is a pattern
    /// (holds an unescaped <c>*</c>, <c>?</c>, <c>[</c> or <c>]</c>) and is used as one.
    /// </summary>
    public static bool MissingIsError(string nameOrPattern, bool pattern = true) => !(pattern && Wildcard.ContainsWildcard(nameOrPattern));

    /// <summary>
    /// The summaries (<see cref="ProjectOrchestrator.Summarize"/>) of the projects whose name matches
    /// <paramref name="nameOrPattern"/> (a <see cref="Wildcard"/>, ignoring case; every project when null), from their
    /// containers other than one-offs, ordered by name.
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidWildcardPattern for a bad pattern.</exception>
    public static List<ContainerProjectSummary> Summaries(IEnumerable<Container> containers, string? nameOrPattern = null)
    {
        var match = nameOrPattern is null ? null : Wildcard.Parse(nameOrPattern);
        return containers
            .Where(c => c.Project is { } p && !c.OneOff && (match is null || match.IsMatch(p)))
            .GroupBy(c => c.Project!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ProjectOrchestrator.Summarize(g.Key, g.ToList()))
            .ToList();
    }

    /// <summary>
    /// ProjectNotFound (ObjectNotFound, Target = the project): "No container of compose project 'p' exists.", or with
    /// <paramref name="services"/> "No container of services a, b of compose project 'p' exists.".
    /// </summary>
    public static PscException NotFound(string project, IReadOnlyCollection<string>? services = null) =>
        PscException.NotFound(ErrorIds.ProjectNotFound, services is { Count: > 0 }
            ? $"No container of services {string.Join(", ", services)} of compose project '{project}' exists."
            : $"No container of compose project '{project}' exists.", project);
}
