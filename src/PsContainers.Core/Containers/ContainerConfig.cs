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
    /// <summary>
    /// docker inspect's Config.AttachStdin: a run or create that attaches this session to the container's standard
    /// input: -Interactive without -Detach (docker run -i, docker create -i); false detached (docker run -d -i keeps
    /// stdin open, <see cref="OpenStdin"/>, but attaches nothing). Recorded at create; false in records written before.
    /// </summary>
    public bool AttachStdin { get; set; }
    /// <summary>
    /// docker inspect's Config.AttachStdout: true unless the container was run with -Detach (docker run -d: false;
    /// docker create and an attached docker run: true). Recorded at create; false in records written before.
    /// </summary>
    public bool AttachStdout { get; set; }
    /// <summary>docker inspect's Config.AttachStderr: as <see cref="AttachStdout"/>.</summary>
    public bool AttachStderr { get; set; }
    /// <summary>docker inspect's Config.Tty: -Tty (docker -t), a terminal for the process.</summary>
    public bool Tty { get; set; }
    /// <summary>docker inspect's Config.OpenStdin: -Interactive (docker -i), the process' standard input kept open.</summary>
    public bool OpenStdin { get; set; }
    /// <summary>
    /// docker inspect's Config.StdinOnce: standard input is closed after the one attached client detaches; docker sets
    /// it with -i on an attached run or create (as <see cref="AttachStdin"/>). Recorded at create; false in records
    /// written before.
    /// </summary>
    public bool StdinOnce { get; set; }
    /// <summary>
    /// docker inspect's Config.StopSignal: -StopSignal (docker --stop-signal), else the image's STOPSIGNAL; null when
    /// neither gives one (a stop then sends SIGTERM, as docker, which omits the field).
    /// </summary>
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
    /// docker inspect's Config.Volumes, a set written as docker's map: container path to an empty object,
    /// <c>{"/data": {}}</c> in ConvertTo-Json (<c>$c.Config.Volumes.Keys</c> in PowerShell): the image's VOLUMEs and the
    /// anonymous volumes asked for at create (-Volume /path, -Mount type=volume without a source), each once, in that
    /// order, as docker merges them (a named volume, -Volume name:/path, is not among them; it is in Mounts and
    /// HostConfig.Binds). Null when there are none, as docker writes it. Computed from <see cref="VolumeList"/>; for
    /// a record written before it was recorded, the anonymous volumes among the container's mounts.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, EmptyObject>? Volumes
    {
        get
        {
            var paths = VolumeList ?? _owner?.Mounts.Where(m => m.Type == MountKind.Volume && m.Options.Contains(MountSpec.AnonymousOption)).Select(m => m.Destination).ToArray() ?? [];
            return paths.Length == 0 ? null
                : new OrderedDictionary<string, EmptyObject>(paths.Distinct(StringComparer.Ordinal).Select(p => KeyValuePair.Create(p, EmptyObject.Value)), StringComparer.Ordinal);
        }
    }

    /// <summary>The paths of <see cref="Volumes"/> as recorded in container.json (a list, "Volumes"); null in records written before.</summary>
    [JsonPropertyName("Volumes")]
    [JsonInclude]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string[]? VolumeList { get; set; }

    /// <summary>
    /// docker inspect's Config.Shell: the shell of the image's SHELL instruction (a docker-format image config's
    /// Shell, ["/bin/bash", "-c"]), which a RUN or HEALTHCHECK in shell form runs in; null when the image has none
    /// (OCI images carry none; docker then omits it and uses ["/bin/sh", "-c"]). Recorded at create.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Shell { get; set; }
    /// <summary>
    /// The healthcheck in effect: the -Health* parameters over the image's HEALTHCHECK (<see cref="HealthConfig.Merge"/>),
    /// docker inspect's Config.Healthcheck; null when neither has one; Test ["NONE"] with -NoHealthcheck.
    /// </summary>
    public HealthConfig? Healthcheck { get; set; }
}
