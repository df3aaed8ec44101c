using System.Collections.Frozen;

namespace PsContainers.Core.Containers;

/// <summary>
/// -Sysctl (docker run --sysctl, compose <c>sysctls</c>): namespaced kernel parameters, set by the runtime in the
/// container's own namespaces (linux.sysctl). Only the parameters a namespace of the container's own scopes are allowed,
/// docker's list (docker run reference, "Configure namespaced kernel parameters"):
/// <list type="bullet">
/// <item>network namespace: every <c>net.*</c>, when the container has its own network namespace (not with
/// -Network host, nor container:&lt;name&gt;, which would change another container's);</item>
/// <item>IPC namespace (always private here): kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall,
/// kernel.shmmax, kernel.shmmni, kernel.shm_rmid_forced and <c>fs.mqueue.*</c>;</item>
/// <item>UTS namespace (always private here): kernel.domainname and kernel.hostname, which runc's validator allows
/// (podman 4.3 refuses them; -Domainname and -Hostname are the usual way).</item>
/// </list>
/// Anything else would change the host's kernel and is refused (SysctlNotAllowed) when the container is created.
/// </summary>
public static class ContainerSysctls
{
    private static readonly FrozenSet<string> Ipc = FrozenSet.ToFrozenSet<string>(
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> Uts = FrozenSet.ToFrozenSet<string>(["kernel.domainname", "kernel.hostname"], StringComparer.Ordinal);

    /// <summary>
    /// "name=value" entries (docker's --sysctl text; a value may contain '=') into a name → value map, later entries
    /// winning. A name written with '/' (net/ipv4/ip_forward) is taken in its dotted form, as sysctl(8) does.
    /// </summary>
    /// <exception cref="PscException">InvalidSysctl: an entry without '=' or without a name.</exception>
    public static Dictionary<string, string> Parse(IEnumerable<string> entries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            int eq = e.IndexOf('=');
            if (eq <= 0) throw PscException.InvalidArgument(ErrorIds.InvalidSysctl, $"Sysctl '{e}' is not of the form name=value.", e);
            Add(map, e[..eq], e[(eq + 1)..]);
        }
        return map;
    }

    /// <summary>Add one parameter to <paramref name="map"/> (name trimmed, '/' taken as '.'), replacing an earlier value.</summary>
    /// <exception cref="PscException">InvalidSysctl: an empty name.</exception>
    public static void Add(IDictionary<string, string> map, string name, string value)
    {
        string n = name.Trim().Replace('/', '.');
        if (n.Length == 0 || n.StartsWith('.') || n.EndsWith('.') || n.Contains(".."))
            throw PscException.InvalidArgument(ErrorIds.InvalidSysctl, $"Sysctl name '{name}' is not a kernel parameter name.", name);
        map[n] = value;
    }

    /// <summary>
    /// Refuse kernel.hostname next to a -Hostname, and kernel.domainname next to a -Domainname: both name the same UTS
    /// field, and one would silently lose (the runtime sets the hostname, then the sysctl, or the other way round).
    /// Without -Hostname (the default short id, or the host's name on the host's network) the sysctl is taken.
    /// </summary>
    /// <exception cref="PscException">ConflictingOptions (InvalidArgument; run's 125).</exception>
    public static void CheckUtsConflict(string name, Container c)
    {
        string? given = name switch
        {
            "kernel.hostname" when !string.IsNullOrEmpty(c.Config.Hostname) && c.Config.Hostname != c.ShortId => "-Hostname '" + c.Config.Hostname + "'",
            "kernel.domainname" when !string.IsNullOrEmpty(c.Config.Domainname) => "-Domainname '" + c.Config.Domainname + "'",
            _ => null,
        };
        if (given is not null)
            throw PscException.InvalidArgument(ErrorIds.ConflictingOptions, $"Sysctl '{name}' conflicts with {given}: give one of them.", name);
    }

    /// <summary>
    /// Refuse <paramref name="name"/> unless a namespace of the container's own scopes it (the list above);
    /// <paramref name="network"/> is the container's network mode.
    /// </summary>
    /// <exception cref="PscException">SysctlNotAllowed (InvalidArgument).</exception>
    public static void Check(string name, NetworkMode network)
    {
        if (name.StartsWith("net.", StringComparison.Ordinal))
        {
            if (network is NetworkMode.Host or NetworkMode.Container)
                throw PscException.InvalidArgument(ErrorIds.SysctlNotAllowed,
                    $"Sysctl '{name}' cannot be set: the container shares a network namespace ({(network == NetworkMode.Host ? "the host's" : "another container's")}), and net.* parameters need its own.", name);
            return;
        }
        if (Ipc.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal) || Uts.Contains(name)) return;
        throw PscException.InvalidArgument(ErrorIds.SysctlNotAllowed,
            $"Sysctl '{name}' is not a namespaced kernel parameter (allowed: net.*, kernel.msg*/sem/shm*, fs.mqueue.*, kernel.domainname, kernel.hostname); setting it would change the host.", name);
    }
}
