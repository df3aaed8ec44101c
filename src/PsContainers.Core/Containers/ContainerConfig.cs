using System.Text.Json.Serialization;

namespace PsContainers.Core.Containers;

/// <summary>What the process inside runs and how (docker's Config section).</summary>
public sealed class ContainerConfig
{
    /// <summary>
    /// docker inspect's Config.Image: the image reference the container was created from, as given
    /// (<see cref="Container.Image"/>; docker's top-level Image is the id, here <see cref="Container.ImageId"/>).
    /// Computed, not stored; "" for a config that belongs to no container.
    /// </summary>
    [JsonIgnore]
    public string Image => _owner?.Image ?? "";
    /// <summary>The container this config belongs to; set by <see cref="Container"/>.</summary>
    internal Container? _owner;
    public string? Hostname { get; set; }
    /// <summary>The NIS domain name of the container's UTS namespace (docker --domainname, Config.Domainname); null for none.</summary>
    public string? Domainname { get; set; }
    public string? User { get; set; }
    public string[] Entrypoint { get; set; } = [];
    public string[] Cmd { get; set; } = [];
    public string[] Env { get; set; } = [];
    public string? WorkingDir { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public string? StopSignal { get; set; }
    /// <summary>
    /// Seconds a stop waits after the stop signal before SIGKILL (docker --stop-timeout, compose stop_grace_period), as
    /// given; null when none was given, and the stop then waits 10 seconds. docker inspect's Config.StopTimeout is the
    /// same: moby's container.Config.StopTimeout is a *int with json ",omitempty", set only by --stop-timeout, so docker
    /// omits it (here: null) for a container created without one, and applies its default of 10 at stop time
    /// (podman, unlike docker, records 10).
    /// </summary>
    public int? StopTimeout { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new();
    /// <summary>
    /// docker inspect's Config.ExposedPorts, a set written as docker's map: "&lt;port&gt;/&lt;protocol&gt;" to an
    /// empty object, <c>{"80/tcp": {}, "53/udp": {}}</c> in ConvertTo-Json (<c>$c.Config.ExposedPorts.Keys</c> in
    /// PowerShell): the image's EXPOSEd ports and the ports published at create, each once, in that order, recorded at
    /// create (empty in records written before). Computed from <see cref="ExposedPortList"/>.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, EmptyObject> ExposedPorts =>
        new OrderedDictionary<string, EmptyObject>(ExposedPortList.Distinct(StringComparer.Ordinal).Select(p => KeyValuePair.Create(p, EmptyObject.Value)), StringComparer.Ordinal);

    /// <summary>
    /// The exposed ports as recorded in container.json (Config.ExposedPorts, a list of "80/tcp", as records have
    /// always held it); <see cref="ExposedPorts"/> is docker's view of it.
    /// </summary>
    [JsonPropertyName("ExposedPorts")]
    [JsonInclude]
    internal string[] ExposedPortList { get; set; } = [];
    /// <summary>
    /// The healthcheck in effect: the -Health* parameters over the image's HEALTHCHECK (<see cref="HealthConfig.Merge"/>),
    /// docker inspect's Config.Healthcheck; null when neither has one; Test ["NONE"] with -NoHealthcheck.
    /// </summary>
    public HealthConfig? Healthcheck { get; set; }
}
