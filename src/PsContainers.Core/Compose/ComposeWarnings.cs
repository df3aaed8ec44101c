namespace PsContainers.Core.Compose;

/// <summary>The warnings of one load, each reported once (by its <c>once</c> key: a key's name, a variable's name).</summary>
internal sealed class ComposeWarnings
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    public List<ContainerProjectFinding> Findings { get; } = [];

    public void Add(ComposeNode? at, string rule, string? service, string message, string? once = null)
    {
        if (!_seen.Add(rule + "\0" + (once ?? message))) return;
        Findings.Add(new ContainerProjectFinding
        {
            File = at is null || at.File.Length == 0 ? null : at.File,
            Line = at?.Line ?? 0,
            Severity = "Warning",
            Rule = rule,
            Service = service,
            Message = message,
        });
    }
}
