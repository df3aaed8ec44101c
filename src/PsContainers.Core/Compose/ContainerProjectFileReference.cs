namespace PsContainers.Core.Compose;

/// <summary>
/// A service's use of a project secret or config (spec.md "secrets"/"configs" of a service): mounted read-only at
/// <see cref="Target"/>. Short form <c>- name</c> means target <c>/run/secrets/name</c> (secrets) or <c>/name</c>
/// (configs).
/// </summary>
public sealed class ContainerProjectFileReference
{
    /// <summary>The key of the project's secret or config.</summary>
    public string Source { get; init; } = "";
    /// <summary>The absolute path in the container.</summary>
    public string Target { get; init; } = "";
    public string? Uid { get; init; }
    public string? Gid { get; init; }
    /// <summary>The file mode (octal in the file, 0444 when not given), or null.</summary>
    public int? Mode { get; init; }

    public override string ToString() => $"{Source} -> {Target}";
}
