using System.Globalization;
using PsContainers.Contract;

namespace PsContainers.Core;

/// <summary>
/// Every environment variable the engine (this library) reads, in one place. A value that is unset or empty counts as
/// not given. The variables are read on each access (a test or a session may change them), except
/// <see cref="Trace"/>, which is read once per process (it is checked on every traced step).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Variable</term><description>What it sets (default; who reads it)</description></listheader>
/// <item><term>PSCONTAINERS_ROOT</term><description>The store root (/var/lib/pscontainers; <see cref="PscPaths"/>).</description></item>
/// <item><term>PSCONTAINERS_BIN</term><description>The directory of pscrun, pscmon, pscinit (the module's bin/; <see cref="PscPaths.BinDirectory"/>).</description></item>
/// <item><term>PSCONTAINERS_RUNTIME</term><description>The OCI runtime binary when config.json names the default one (pscrun, else runc; <c>ContainerManager.RuntimePath</c>).</description></item>
/// <item><term>PSCONTAINERS_MONITOR</term><description>The monitor binary (bin/pscmon; <c>ContainerManager.MonitorExecutable</c>).</description></item>
/// <item><term>PSCONTAINERS_EXIT_COMMAND</term><description>A program the monitor runs after a container exited and was unmounted, given the container id (none; podman's --exit-command).</description></item>
/// <item><term>PSCONTAINERS_TRACE</term><description>Any value: phase timings on stderr of create and start (with each image record and config read), and of each build step and its commit (diff written, layer unpacked or taken) (off; <c>PhaseTrace</c>).</description></item>
/// <item><term>PSCONTAINERS_RUN_DIR</term><description>Host-wide run state: IPAM leases, subnet reservations (/run/pscontainers; <c>NetworkStore.RunDirectory</c>; pscmon net-release reads it too).</description></item>
/// <item><term>PSCONTAINERS_NETNS_DIR</term><description>Where network namespaces are bind-mounted (/run/netns; <c>PsContainers.Cni.ContainerNetns</c>, shared with pscmon).</description></item>
/// <item><term>PSCONTAINERS_INSECURE_REGISTRIES</term><description>Hosts[:port], comma or space separated, allowed over HTTP or unverified TLS (none; <c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_REGISTRIES_CONF</term><description>A registries.conf read instead of /etc/containers/registries.conf, its drop-ins in the same name plus .d (the system file; <c>RegistriesConf</c>).</description></item>
/// <item><term>PSCONTAINERS_REGISTRY_CERTS_DIRS</term><description>Colon-separated directories laid out HOST[:PORT]/ca.crt (none; <c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_REGISTRY_MIRRORS</term><description><c>docker.io=m1,m2;quay.io=m3</c> (none; <c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD</term><description>Bytes from which a blob is pushed in chunks, 0 or more (<c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_UPLOAD_CHUNK_SIZE</term><description>Bytes per pushed chunk, above 0 (<c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_MAX_CONCURRENT_DOWNLOADS</term><description>Layers downloaded at once, above 0 (3; <c>RegistryOptions</c>).</description></item>
/// <item><term>PSCONTAINERS_CGROUP_PARENT</term><description>The cgroup (an absolute cgroupfs path) under which each container's group ID is made, in every hierarchy (/pscontainers; <see cref="CgroupParent"/>, <c>BundleBuilder</c>).</description></item>
/// </list>
/// The native helpers read their own: pscrun PSCRUN_TRACE, pscmon PSCMON_TRACE and PSCONTAINERS_RUN_DIR; CNI_PATH is the
/// CNI specification's (<c>PsContainers.Cni.CniPlugins</c>). A malformed number is ignored (the default stays), as before.
/// </remarks>
public static class EngineEnvironment
{
    public const string RootVariable = "PSCONTAINERS_ROOT";
    public const string BinVariable = "PSCONTAINERS_BIN";
    public const string RuntimeVariable = "PSCONTAINERS_RUNTIME";
    public const string MonitorVariable = "PSCONTAINERS_MONITOR";
    public const string ExitCommandVariable = "PSCONTAINERS_EXIT_COMMAND";
    public const string TraceVariable = "PSCONTAINERS_TRACE";
    public const string RunDirectoryVariable = NetworkLayout.RunDirectoryVariable;
    public const string NetnsDirectoryVariable = "PSCONTAINERS_NETNS_DIR";
    public const string InsecureRegistriesVariable = "PSCONTAINERS_INSECURE_REGISTRIES";
    public const string RegistriesConfVariable = "PSCONTAINERS_REGISTRIES_CONF";
    public const string RegistryCertsDirsVariable = "PSCONTAINERS_REGISTRY_CERTS_DIRS";
    public const string RegistryMirrorsVariable = "PSCONTAINERS_REGISTRY_MIRRORS";
    public const string ChunkedUploadThresholdVariable = "PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD";
    public const string UploadChunkSizeVariable = "PSCONTAINERS_UPLOAD_CHUNK_SIZE";
    public const string MaxConcurrentDownloadsVariable = "PSCONTAINERS_MAX_CONCURRENT_DOWNLOADS";
    public const string CgroupParentVariable = "PSCONTAINERS_CGROUP_PARENT";

    /// <summary>The cgroup parent of containers when <see cref="CgroupParentVariable"/> is not set.</summary>
    public const string DefaultCgroupParent = "/pscontainers";

    /// <summary>Every variable above, in the table's order (for documentation and tests).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        RootVariable, BinVariable, RuntimeVariable, MonitorVariable, ExitCommandVariable, TraceVariable, RunDirectoryVariable,
        NetnsDirectoryVariable, InsecureRegistriesVariable, RegistriesConfVariable, RegistryCertsDirsVariable, RegistryMirrorsVariable,
        ChunkedUploadThresholdVariable, UploadChunkSizeVariable, MaxConcurrentDownloadsVariable, CgroupParentVariable,
    ];

    /// <summary>The value of <paramref name="name"/>; null when it is unset or empty.</summary>
    public static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    /// <summary>$PSCONTAINERS_ROOT, or null.</summary>
    public static string? Root => Get(RootVariable);
    /// <summary>$PSCONTAINERS_BIN, or null.</summary>
    public static string? BinDirectory => Get(BinVariable);
    /// <summary>$PSCONTAINERS_RUNTIME, or null.</summary>
    public static string? Runtime => Get(RuntimeVariable);
    /// <summary>$PSCONTAINERS_MONITOR, or null.</summary>
    public static string? Monitor => Get(MonitorVariable);
    /// <summary>$PSCONTAINERS_EXIT_COMMAND, or null.</summary>
    public static string? ExitCommand => Get(ExitCommandVariable);
    /// <summary>Whether $PSCONTAINERS_TRACE was set when this process first asked.</summary>
    public static bool Trace { get; } = Get(TraceVariable) is not null;
    /// <summary>$PSCONTAINERS_RUN_DIR, or null.</summary>
    public static string? RunDirectory => Get(RunDirectoryVariable);
    /// <summary>$PSCONTAINERS_NETNS_DIR, or /run/netns (read by the source shared with pscmon, <c>PsContainers.Cni.ContainerNetns</c>).</summary>
    public static string NetnsDirectory => PsContainers.Cni.ContainerNetns.DefaultDirectory;
    /// <summary>$PSCONTAINERS_INSECURE_REGISTRIES, or null.</summary>
    public static string? InsecureRegistries => Get(InsecureRegistriesVariable);
    /// <summary>$PSCONTAINERS_REGISTRIES_CONF, or null.</summary>
    public static string? RegistriesConf => Get(RegistriesConfVariable);
    /// <summary>$PSCONTAINERS_REGISTRY_CERTS_DIRS, or null.</summary>
    public static string? RegistryCertsDirs => Get(RegistryCertsDirsVariable);
    /// <summary>$PSCONTAINERS_REGISTRY_MIRRORS, or null.</summary>
    public static string? RegistryMirrors => Get(RegistryMirrorsVariable);
    /// <summary>$PSCONTAINERS_CHUNKED_UPLOAD_THRESHOLD as a byte count of 0 or more, or null (unset or not such a number).</summary>
    public static long? ChunkedUploadThreshold => Count(Get(ChunkedUploadThresholdVariable), 0);
    /// <summary>$PSCONTAINERS_UPLOAD_CHUNK_SIZE as a byte count above 0, or null.</summary>
    public static long? UploadChunkSize => Count(Get(UploadChunkSizeVariable), 1);
    /// <summary>$PSCONTAINERS_MAX_CONCURRENT_DOWNLOADS as a count above 0 (at most int.MaxValue), or null.</summary>
    public static int? MaxConcurrentDownloads => Count(Get(MaxConcurrentDownloadsVariable), 1) is long n && n <= int.MaxValue ? (int)n : null;

    /// <summary>
    /// $PSCONTAINERS_CGROUP_PARENT, or /pscontainers: the group under which each container gets its own group,
    /// <c>PARENT/ID</c> from the root of every cgroup hierarchy (linux.cgroupsPath, absolute, runc's cgroupfs layout;
    /// docker's cgroupfs driver uses /docker, podman's /libpod_parent). On a systemd host choose a subtree systemd leaves
    /// alone: a top-level group of its own (the default) or a slice delegated to the engine (<c>Delegate=yes</c>, e.g.
    /// /machine.slice/pscontainers.scope-like paths); see docs/architecture.md "cgroups on systemd hosts". A trailing
    /// "/" is dropped; "/" alone puts the containers at the top. Throws <see cref="ArgumentException"/> naming the
    /// variable when the value is not an absolute path, has a "." or ".." component, or has a ':' (a systemd slice
    /// notation "slice:prefix:name": no systemd driver).
    /// </summary>
    public static string CgroupParent => ParseCgroupParent(Get(CgroupParentVariable));

    /// <summary>The cgroup parent a value of <see cref="CgroupParentVariable"/> gives (null: the default); see <see cref="CgroupParent"/>.</summary>
    internal static string ParseCgroupParent(string? value)
    {
        if (value is null) return DefaultCgroupParent;
        if (!value.StartsWith('/') || value.Contains(':') || value.Contains('\0') ||
            value.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(c => c is "." or ".."))
            throw new ArgumentException($"{CgroupParentVariable}: '{value}' is not an absolute cgroup path (like /pscontainers or /machine.slice/pscontainers)");
        return "/" + string.Join('/', value.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A decimal integer of at least <paramref name="min"/> (surrounding blanks allowed), or null.</summary>
    internal static long? Count(string? text, long min) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min ? v : null;
}
