namespace PsContainers.Core.Compose;

/// <summary>
/// One <c>depends_on</c> entry in the long syntax (spec.md "depends_on"). The short list form means
/// <c>condition: service_started, required: true, restart: false</c>.
/// </summary>
public sealed class ContainerProjectDependency
{
    /// <summary>The service depended on.</summary>
    public string Service { get; init; } = "";
    /// <summary>"service_started" (the default), "service_healthy" or "service_completed_successfully".</summary>
    public string Condition { get; init; } = "service_started";
    /// <summary>False turns a missing or failed dependency into a warning (default true).</summary>
    public bool Required { get; init; } = true;
    /// <summary>Restart this service when compose restarts the dependency (default false).</summary>
    public bool Restart { get; init; }
    /// <summary>Where the entry is written ("file:line"), for errors about it; empty when built in code.</summary>
    internal string Where { get; init; } = "";

    public override string ToString() => $"{Service} ({Condition})";
}
