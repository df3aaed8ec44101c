using PsContainers.Contract;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Containers;

/// <summary>
/// The filters of <c>Get-Container</c> (docker ps): running containers only unless <see cref="All"/>, a status
/// filter or named targets say otherwise; every filter given must match (docker ps --filter is an AND across keys).
/// </summary>
public sealed class ContainerQuery
{
    /// <summary>Include stopped containers (docker ps -a).</summary>
    public bool All { get; init; }

    /// <summary>Only these statuses (docker ps --filter status=…); any status when null or empty.</summary>
    public IReadOnlyCollection<ContainerStatus>? Status { get; init; }

    /// <summary>'key' or 'key=value' filters, all of which must match (docker ps --filter label=…); the value compare is exact.</summary>
    public IReadOnlyList<string>? Label { get; init; }

    /// <summary>Only these health statuses (docker ps --filter health=…; None: no healthcheck); any when null or empty.</summary>
    public IReadOnlyCollection<HealthStatus>? Health { get; init; }

    /// <summary>
    /// The image: a wildcard (<see cref="Wildcard"/>) or literal matched, ignoring case, against the reference the
    /// container was created from and its image id (with or without sha256:), or a prefix of the id
    /// (docker ps --filter ancestor=…, which also takes ids).
    /// </summary>
    public string? Image { get; init; }

    /// <summary>
    /// The compose project: a wildcard (<see cref="Wildcard"/>) or literal matched, ignoring case, against the
    /// container's com.docker.compose.project label (docker compose ps -p, docker ps --filter
    /// label=com.docker.compose.project=…); a container without the label never matches.
    /// </summary>
    public string? Project { get; init; }

    /// <summary>
    /// Compose services: wildcards or literals, any of which matches the com.docker.compose.service label (docker
    /// compose ps SERVICE...); a container without the label never matches. Any service when null or empty.
    /// </summary>
    public IReadOnlyList<string>? Service { get; init; }

    /// <summary>
    /// Whether <paramref name="c"/> is shown. <paramref name="named"/>: the user named containers literally (a name or
    /// id, not only patterns), so stopped ones are shown as docker inspect would.
    /// </summary>
    /// <exception cref="InvalidArgumentException">InvalidWildcardPattern: <see cref="Image"/>, <see cref="Project"/> or a <see cref="Service"/> is not a valid pattern.</exception>
    public bool Matches(Container c, bool named = false)
    {
        bool statusGiven = Status is { Count: > 0 }, healthGiven = Health is { Count: > 0 };
        if (!(All || named || statusGiven || healthGiven) && !c.State.Running) return false;
        if (statusGiven && !Status!.Contains(c.State.Status)) return false;
        if (healthGiven && !Health!.Contains(c.State.Health?.Status ?? HealthStatus.None)) return false;
        if (Image is not null && !MatchesImage(c)) return false;
        if (Project is not null && !(c.Project is { } p && (_project ??= Wildcard.Parse(Project)).IsMatch(p))) return false;
        if (Service is { Count: > 0 } && !(c.Service is { } s && (_services ??= Service.Select(x => Wildcard.Parse(x)).ToList()).Any(w => w.IsMatch(s)))) return false;
        return Label is not { Count: > 0 } || Label.All(l => MatchesLabel(c, l));
    }

    /// <summary>The containers of <paramref name="containers"/> this query shows, in their order.</summary>
    public IEnumerable<Container> Filter(IEnumerable<Container> containers, bool named = false) => containers.Where(c => Matches(c, named));

    private Wildcard? _image, _project;
    private List<Wildcard>? _services;

    private bool MatchesImage(Container c)
    {
        _image ??= Wildcard.Parse(Image!);
        string hex = c.ImageId.Replace("sha256:", "", StringComparison.Ordinal);
        return _image.IsMatch(c.Image) || _image.IsMatch(c.ImageId) || _image.IsMatch(hex)
            || hex.StartsWith(Image!, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>'key' matches a container that has the label; 'key=value' one whose label has exactly that value.</summary>
    public static bool MatchesLabel(Container c, string filter)
    {
        int eq = filter.IndexOf('=');
        if (eq < 0) return c.Config.Labels.ContainsKey(filter);
        return c.Config.Labels.TryGetValue(filter[..eq], out var v) && v == filter[(eq + 1)..];
    }
}
