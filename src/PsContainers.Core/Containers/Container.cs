using System.Globalization;
using System.Text.Json.Serialization;
using PsContainers.Core.Images;
using PsContainers.Core.Networking;
using PsContainers.Contract;

namespace PsContainers.Core.Containers;

/// <summary>
/// A container: the full inspect data (docker inspect), shown compactly like docker ps.
/// Persisted as container.json (the definition) and state.json (the monitor's record).
/// </summary>
public sealed class Container
{
    /// <summary>64 lowercase hex characters.</summary>
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    public Container()
    {
        _config._owner = this;
        _hostConfig._owner = this;
        _networkSettings._owner = this;
    }

    /// <summary>The image reference the container was created from.</summary>
    public string Image { get; set; } = "";
    public string ImageId { get; set; } = "";
    public DateTime Created { get; set; }
    public ContainerConfig Config
    {
        get => _config;
        set { _config = value; value._owner = this; }
    }
    private ContainerConfig _config = new();
    public HostConfig HostConfig
    {
        get => _hostConfig;
        set { _hostConfig = value; value._owner = this; }
    }
    private HostConfig _hostConfig = new();
    /// <summary>The networks it joins and its settings on each (docker inspect's NetworkSettings).</summary>
    public ContainerNetworkSettings NetworkSettings
    {
        get => _networkSettings;
        set { _networkSettings = value; value._owner = this; }
    }
    private ContainerNetworkSettings _networkSettings = new();
    public List<MountSpec> Mounts { get; set; } = new();
    /// <summary>The OCI runtime executable that runs this container.</summary>
    public string Runtime { get; set; } = "";
    /// <summary>The full id of the pod the container belongs to (podman inspect's Pod), its infra container included; null for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pod { get; set; }

    [JsonIgnore] public ContainerState State { get; set; } = new();
    /// <summary>
    /// The container's directory in the store (its bundle: config.json, rootfs, the log), set when the record is read
    /// or created; null for a record not in a store. (docker has none; this was Path before Path became docker's.)
    /// </summary>
    [JsonIgnore] public string? BundlePath { get; set; }

    /// <summary>
    /// docker inspect's top-level Path: the program the container runs, the first word of the effective entrypoint
    /// and command (<see cref="ContainerConfig.Entrypoint"/> then <see cref="ContainerConfig.Cmd"/>, the image's
    /// merged with the create options): "sh" for busybox's CMD ["sh"], "/docker-entrypoint.sh" for nginx. "" when
    /// there is no command (docker's "" too).
    /// </summary>
    [JsonIgnore] public string Path => Config.Entrypoint.Concat(Config.Cmd).FirstOrDefault() ?? "";

    /// <summary>
    /// docker inspect's top-level Args: the words after <see cref="Path"/> of the effective entrypoint and command,
    /// in order ("nginx", "-g", "daemon off;" for nginx); empty, never null, when there are none (docker's []).
    /// </summary>
    [JsonIgnore] public string[] Args => Config.Entrypoint.Concat(Config.Cmd).Skip(1).ToArray();

    [JsonIgnore] public string ShortId => Id.Length > 12 ? Id[..12] : Id;
    [JsonIgnore] public ContainerStatus Status => State.Status;
    [JsonIgnore] public int? ExitCode => State.ExitCode;
    /// <summary>Why the container failed to start (docker's State.Error); null when it did not fail.</summary>
    [JsonIgnore] public string? Error => State.Error;
    /// <summary>
    /// The hostname its UTS namespace gets: <see cref="ContainerConfig.Hostname"/>; on the host's network null (the
    /// host's own, as docker gives it) unless -Hostname named one (docker since moby #20177). A record written before
    /// this rule holds the short id there, which is taken as none.
    /// </summary>
    [JsonIgnore] public string? UtsHostname => HostConfig.NetworkModeKind == NetworkMode.Host && (string.IsNullOrEmpty(Config.Hostname) || Config.Hostname == ShortId)
        ? null : Config.Hostname;
    [JsonIgnore] public int Pid => State.Pid;
    [JsonIgnore] public int RestartCount => State.RestartCount;
    [JsonIgnore] public Dictionary<string, string> Labels => Config.Labels;
    /// <summary>The compose project (label com.docker.compose.project); null when the container belongs to none.</summary>
    [JsonIgnore] public string? Project => ComposeLabels.Get(Config.Labels, ComposeLabels.Project);
    /// <summary>The compose service (label com.docker.compose.service); null when absent.</summary>
    [JsonIgnore] public string? Service => ComposeLabels.Get(Config.Labels, ComposeLabels.Service);
    /// <summary>The replica number of its service, from 1 (label com.docker.compose.container-number); null when absent.</summary>
    [JsonIgnore] public int? Number => ComposeLabels.Number(Config.Labels);
    /// <summary>A one-off container of docker compose run (label com.docker.compose.oneoff True); false when absent.</summary>
    [JsonIgnore] public bool OneOff => ComposeLabels.IsOneOff(Config.Labels);
    [JsonIgnore] public string Command => string.Join(' ', Config.Entrypoint.Concat(Config.Cmd).Select(Quote));
    /// <summary>
    /// docker ps' PORTS column for the ports asked for: "0.0.0.0:8080->80/tcp"; a port chosen at start shows as
    /// "80/tcp" (Get-ContainerPort shows the host ports in use).
    /// </summary>
    /// <summary>
    /// docker ps' PORTS text ("0.0.0.0:8080->80/tcp, 127.0.0.1:53->53/udp"): while the container runs, the ports in use,
    /// with the host port a start chose for -Publish 80 ("0.0.0.0:32768->80/tcp", as docker ps shows it); otherwise the
    /// ports asked for (HostConfig.PortMappings, a port to be chosen shown without a host part).
    /// </summary>
    [JsonIgnore]
    public string Ports => PortMapping.Format(State.Running && NetworkSettings.PortsInUse is { Count: > 0 } inUse ? inUse : HostConfig.PortMappings);
    [JsonIgnore] public string? LogPath => BundlePath is null ? null : System.IO.Path.Combine(BundlePath, ContainerMarkers.LogFile);
    [JsonIgnore] public string? RootfsPath => BundlePath is null ? null : System.IO.Path.Combine(BundlePath, ContainerMarkers.RootfsDirectory);

    /// <summary>docker ps' STATUS column: "Up 5 minutes", "Exited (0) 2 minutes ago", "Created".</summary>
    [JsonIgnore]
    public string StatusText => FormatStatus(State, DateTime.UtcNow);

    /// <summary>docker ps' CREATED column: "2 minutes ago".</summary>
    [JsonIgnore]
    public string CreatedText => HumanDuration(DateTime.UtcNow - Created.ToUniversalTime()) + " ago";

    /// <summary>
    /// The STATUS column of the table views, <see cref="StatusText"/> with short times (<see cref="HumanFormat.Short"/>)
    /// so that it fits 80 columns: "Up 2m (healthy)", "Exited (0) 3h ago", "Created".
    /// </summary>
    [JsonIgnore]
    public string StatusShort => FormatStatus(State, DateTime.UtcNow, HumanFormat.Short);

    /// <summary>The CREATED column of the table views: "3s ago" (<see cref="HumanFormat.Short"/>).</summary>
    [JsonIgnore]
    public string CreatedShort => HumanFormat.ShortAgo(Created);

    public override string ToString() => Name;

    private static string Quote(string s) => s.Length == 0 || s.Any(char.IsWhiteSpace) ? $"\"{s}\"" : s;

    public static string FormatStatus(ContainerState s, DateTime nowUtc) => FormatStatus(s, nowUtc, HumanDuration);

    /// <summary>docker ps' STATUS words with durations written by <paramref name="duration"/>.</summary>
    public static string FormatStatus(ContainerState s, DateTime nowUtc, Func<TimeSpan, string> duration) => s.Status switch
    {
        ContainerStatus.Running => "Up " + duration(nowUtc - (s.StartedAt ?? nowUtc).ToUniversalTime()) + HealthSuffix(s.Health),
        ContainerStatus.Paused => "Up " + duration(nowUtc - (s.StartedAt ?? nowUtc).ToUniversalTime()) + " (Paused)",
        ContainerStatus.Restarting => $"Restarting ({s.ExitCode ?? 0}) " + duration(nowUtc - (s.FinishedAt ?? nowUtc).ToUniversalTime()) + " ago",
        ContainerStatus.Exited => $"Exited ({s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}) " +
            (s.FinishedAt is DateTime f ? duration(nowUtc - f.ToUniversalTime()) + " ago" : ""),
        _ => s.Status.ToString(),
    };

    /// <summary>docker ps' health after "Up ...": " (healthy)", " (unhealthy)", " (health: starting)"; "" without a healthcheck.</summary>
    private static string HealthSuffix(ContainerHealth? h) => h?.Status switch
    {
        HealthStatus.Healthy => " (healthy)",
        HealthStatus.Unhealthy => " (unhealthy)",
        HealthStatus.Starting => " (health: starting)",
        _ => "",
    };

    /// <summary>docker's units.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        double sec = d.TotalSeconds;
        if (sec < 1) return "Less than a second";
        if (sec < 2) return "1 second";
        if (sec < 60) return $"{(int)sec} seconds";
        double min = d.TotalMinutes;
        if (min < 2) return "About a minute";
        if (min < 60) return $"{(int)min} minutes";
        double h = d.TotalHours;
        if (Math.Round(h) == 1) return "About an hour";
        if (h < 48) return $"{(int)Math.Round(h)} hours";
        if (h < 24 * 7 * 2) return $"{(int)(h / 24)} days";
        if (h < 24 * 30 * 2) return $"{(int)(h / 24 / 7)} weeks";
        if (h < 24 * 365 * 2) return $"{(int)(h / 24 / 30)} months";
        return $"{(int)(h / 24 / 365)} years";
    }
}
