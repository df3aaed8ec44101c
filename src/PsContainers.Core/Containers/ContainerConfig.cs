namespace PsContainers.Core.Containers;

/// <summary>What the process inside runs and how (docker's Config section).</summary>
public sealed class ContainerConfig
{
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
    /// docker inspect's Config.ExposedPorts as "&lt;port&gt;/&lt;protocol&gt;" ("80/tcp"): the image's EXPOSEd
    /// ports and the ports published at create, each once, recorded at create (empty in records written before).
    /// </summary>
    public string[] ExposedPorts { get; set; } = [];
    /// <summary>
    /// The healthcheck in effect: the -Health* parameters over the image's HEALTHCHECK (<see cref="HealthConfig.Merge"/>),
    /// docker inspect's Config.Healthcheck; null when neither has one; Test ["NONE"] with -NoHealthcheck.
    /// </summary>
    public HealthConfig? Healthcheck { get; set; }
}
