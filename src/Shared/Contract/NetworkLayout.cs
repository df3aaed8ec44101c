using System.Text.Json;

namespace PsContainers.Contract;

/// <summary>
/// The network state on disk as the engine (Core's NetworkStore, ContainerNetworking, CniExecutor) writes it and
/// pscmon's net-release (<see cref="NetReleaseHook"/>) reads and removes it. Every path is under the store root
/// (PscPaths.Root) except the host-wide run directory:
/// <code>
/// &lt;root&gt;/networks/                          the networks directory (CNI conflists; absent until a network is used)
/// &lt;root&gt;/networks/cache/NET-ID-IF.json      one cached CNI ADD per attachment (Cni/CniCacheEntry), replayed as DEL
/// &lt;root&gt;/networks/locks/ID.lock             the container's network lock (flock(2), exclusive): setup, teardown, release
/// &lt;root&gt;/containers/ID/network.json         the container's network state while it is set up; "SetupId" names the setup
/// $PSCONTAINERS_RUN_DIR (/run/pscontainers)  host-wide run state; net-release logs to net-cleanup.log there
/// </code>
/// ID is the container's 64-hex-digit id, NET the network's name, IF the interface name in the container (eth0, ...).
/// </summary>
public static class NetworkLayout
{
    /// <summary>The networks directory under the store root.</summary>
    public const string NetworksDirectoryName = "networks";
    /// <summary>The containers directory under the store root (one directory per container id).</summary>
    public const string ContainersDirectoryName = "containers";
    /// <summary>The CNI result cache, in the networks directory.</summary>
    public const string CacheDirectoryName = "cache";
    /// <summary>The per-container network locks, in the networks directory.</summary>
    public const string LocksDirectoryName = "locks";
    /// <summary>A container's network state, in its directory.</summary>
    public const string StateFileName = "network.json";
    /// <summary>The JSON property of <see cref="StateFileName"/> that identifies one setup (a string, 32 hex digits).</summary>
    public const string SetupIdProperty = "SetupId";
    /// <summary>The environment variable that moves the host-wide run directory.</summary>
    public const string RunDirectoryVariable = "PSCONTAINERS_RUN_DIR";
    /// <summary>The host-wide run directory when <see cref="RunDirectoryVariable"/> is unset or empty (a tmpfs, gone on reboot).</summary>
    public const string DefaultRunDirectory = "/run/pscontainers";
    /// <summary>net-release's log of what it could not release, in the run directory.</summary>
    public const string ReleaseLogFileName = "net-cleanup.log";

    /// <summary>&lt;root&gt;/networks.</summary>
    public static string NetworksDirectory(string storeRoot) => Path.Combine(storeRoot, NetworksDirectoryName);

    /// <summary>&lt;root&gt;/networks/cache.</summary>
    public static string CacheDirectory(string storeRoot) => Path.Combine(NetworksDirectory(storeRoot), CacheDirectoryName);

    /// <summary>The cache file's name of one attachment: NET-ID-IF.json (as libcni names its cache, network first).</summary>
    public static string CacheFileName(string networkName, string containerId, string ifName) => $"{networkName}-{containerId}-{ifName}.json";

    /// <summary>
    /// The glob (Directory.GetFiles) that matches every cache file of <paramref name="containerId"/>: *-ID-*.json.
    /// A 64-hex-digit id cannot be part of a network name and an interface name at once, so it matches no other container's.
    /// </summary>
    public static string CacheFilePattern(string containerId) => $"*-{containerId}-*.json";

    /// <summary>&lt;root&gt;/networks/locks.</summary>
    public static string LocksDirectory(string storeRoot) => Path.Combine(NetworksDirectory(storeRoot), LocksDirectoryName);

    /// <summary>&lt;root&gt;/networks/locks/ID.lock: the container's network lock.</summary>
    public static string LockFile(string storeRoot, string containerId) => Path.Combine(LocksDirectory(storeRoot), containerId + ".lock");

    /// <summary>&lt;root&gt;/containers/ID: the container's directory.</summary>
    public static string ContainerDirectory(string storeRoot, string containerId) =>
        Path.Combine(storeRoot, ContainersDirectoryName, containerId);

    /// <summary>DIR/network.json for a container directory DIR.</summary>
    public static string StateFileIn(string containerDirectory) => Path.Combine(containerDirectory, StateFileName);

    /// <summary>&lt;root&gt;/containers/ID/network.json.</summary>
    public static string StateFile(string storeRoot, string containerId) => StateFileIn(ContainerDirectory(storeRoot, containerId));

    /// <summary>$PSCONTAINERS_RUN_DIR when set and not empty, else /run/pscontainers.</summary>
    public static string RunDirectory =>
        Environment.GetEnvironmentVariable(RunDirectoryVariable) is { Length: > 0 } d ? d : DefaultRunDirectory;

    /// <summary>The release log in <paramref name="runDirectory"/>.</summary>
    public static string ReleaseLogFile(string runDirectory) => Path.Combine(runDirectory, ReleaseLogFileName);

    /// <summary>
    /// The <see cref="SetupIdProperty"/> of a network.json; null when the file is missing or unreadable, is not a JSON
    /// object, or has no string SetupId. Never throws.
    /// </summary>
    public static string? ReadSetupId(string stateFile)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(stateFile));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(SetupIdProperty, out var s)
                && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}
