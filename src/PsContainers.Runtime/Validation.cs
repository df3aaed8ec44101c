using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PsContainers.Cgroups;
using PsContainers.Core.Runtime.Spec;
using PsContainers.FileSystem;

namespace PsContainers.Runtime;

/// <summary>Checks of config.json (ids, namespaces, devices, resources, mounts, process) made before anything is created, so a bad spec fails with the field it names.</summary>
internal static partial class Validation
{
    public static readonly IReadOnlyList<string> Capabilities = PsContainers.Contract.CapabilityNames.All;

    public static readonly string[] Rlimits =
    {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    };

    public static int NsFlag(string type) => type switch
    {
        "pid" => 0x20000000, "network" => 0x40000000, "mount" => 0x00020000, "ipc" => 0x08000000,
        "uts" => 0x04000000, "user" => 0x10000000, "cgroup" => 0x02000000, "time" => 0x00000080, _ => 0,
    };

    public static string NsProcName(string type) => type switch { "network" => "net", "mount" => "mnt", _ => type };

    [GeneratedRegex(@"^[\w+\-\.]+$")]
    private static partial Regex IdRegex();

    public static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id) || !IdRegex().IsMatch(id) || id is "." or "..")
            throw new RuntimeError($"invalid container id '{id}': use letters, digits, '_', '+', '-' and '.'");
    }

    /// <summary>Refuse what cannot be honoured, naming the field.</summary>
    public static void Check(RuntimeSpec s)
    {
        if (SpecVersion.Check(s.OciVersion) is { } badVersion) throw new RuntimeError(badVersion);
        if (s.Root is null || string.IsNullOrEmpty(s.Root.Path)) throw new RuntimeError("root.path: missing");
        var p = s.Process ?? throw new RuntimeError("process: missing (required to create a container)");
        if (p.Args is null || p.Args.Count == 0) throw new RuntimeError("process.args: must not be empty");
        if (string.IsNullOrEmpty(p.Cwd) || p.Cwd[0] != '/') throw new RuntimeError($"process.cwd: '{p.Cwd}' must be an absolute path");
        CheckProcess(p);
        var linux = s.Linux ?? throw new RuntimeError("linux: missing (this runtime runs Linux containers only)");
        linux.Namespaces ??= new(); // absent: every namespace is the runtime's
        var seen = new HashSet<string>();
        foreach (var ns in linux.Namespaces)
        {
            if (NsFlag(ns.Type) == 0) throw new RuntimeError($"linux.namespaces: unknown namespace type '{ns.Type}'");
            if (!seen.Add(ns.Type)) throw new RuntimeError($"linux.namespaces: duplicate namespace type '{ns.Type}'");
            if (!string.IsNullOrEmpty(ns.Path)) CheckNsPath(ns.Type, ns.Path!);
        }
        bool newUser = linux.Namespaces!.Any(n => n.Type == "user" && string.IsNullOrEmpty(n.Path));
        bool hasMaps = linux.UidMappings is { Count: > 0 } || linux.GidMappings is { Count: > 0 };
        if (newUser && (linux.UidMappings is not { Count: > 0 } || linux.GidMappings is not { Count: > 0 }))
            throw new RuntimeError("linux.uidMappings: a new user namespace needs uidMappings and gidMappings");
        if (hasMaps && !newUser) throw new RuntimeError("linux.uidMappings: mappings are given but no new user namespace is requested");
        // hostname/domainname are set in the container's uts namespace, new or joined by path; never in the runtime's own
        var uts = linux.Namespaces!.FirstOrDefault(n => n.Type == "uts");
        foreach (var (field, value) in new[] { ("hostname", s.Hostname), ("domainname", s.Domainname) })
        {
            if (string.IsNullOrEmpty(value)) continue;
            if (uts is null) throw new RuntimeError($"{field}: setting the {field} needs a uts namespace (new or joined by path); without one it would change the host's");
            if (!string.IsNullOrEmpty(uts.Path) && SameFile(uts.Path!, "/proc/self/ns/uts"))
                throw new RuntimeError($"{field}: the uts namespace '{uts.Path}' is the runtime's own; setting the {field} there would change the host's");
        }
        if (linux.Namespaces!.Any(n => n.Type == "time") && linux.TimeOffsets is { Count: > 0 })
            throw new RuntimeError("linux.timeOffsets: time namespace offsets are not supported");
        if (linux.IntelRdt is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
            throw new RuntimeError("linux.intelRdt: Intel RDT (resctrl) is not supported");
        if (linux.Personality is { ValueKind: JsonValueKind.Object } per)
        {
            string dom = per.TryGetProperty("domain", out var d) ? d.GetString() ?? "" : "";
            if (dom is not ("LINUX" or "LINUX32")) throw new RuntimeError($"linux.personality.domain: unsupported domain '{dom}'");
        }
        if (linux.RootfsPropagation is { Length: > 0 } rp && PropagationFlag(rp) == 0)
            throw new RuntimeError($"linux.rootfsPropagation: invalid value '{rp}'");
        int i = 0;
        foreach (var d in linux.Devices ?? new())
        {
            if (d.Type is not ("c" or "b" or "u" or "p")) throw new RuntimeError($"linux.devices[{i}].type: invalid type '{d.Type}'");
            if (string.IsNullOrEmpty(d.Path) || d.Path[0] != '/') throw new RuntimeError($"linux.devices[{i}].path: must be absolute");
            i++;
        }
        if (linux.Resources is { } r)
        {
            i = 0;
            foreach (var d in r.Devices ?? new()) CgroupManager.DeviceRule(d, $"linux.resources.devices[{i++}]");
            foreach (var h in r.HugepageLimits ?? new()) CgroupManager.HugepageKb(h.PageSize, "linux.resources.hugepageLimits.pageSize");
            if (r.Memory?.Swappiness is ulong sw && sw > 100) throw new RuntimeError($"linux.resources.memory.swappiness: {sw} is above 100");
        }
        i = 0;
        foreach (var m in s.Mounts ?? new())
        {
            if (string.IsNullOrEmpty(m.Destination)) throw new RuntimeError($"mounts[{i}].destination: missing");
            foreach (var o in m.Options ?? new())
                if (o == "idmap" || o == "ridmap") throw new RuntimeError($"mounts[{i}].options: idmapped mounts are not supported");
            if (m.UidMappings is { Count: > 0 } || m.GidMappings is { Count: > 0 }) throw new RuntimeError($"mounts[{i}].uidMappings: idmapped mounts are not supported");
            i++;
        }
        if (linux.Seccomp is { } sc) Seccomp.Validate(sc);
        foreach (var (k, _) in linux.Sysctl ?? new())
            if (k.Contains("..") || k.Contains('/') && k.Contains('.')) throw new RuntimeError($"linux.sysctl: invalid key '{k}'");
        CheckHooks(s.Hooks);
    }

    public static void CheckProcess(SpecProcess p)
    {
        if (p.Capabilities is { } c)
        {
            foreach (var (name, list) in new[] { ("bounding", c.Bounding), ("effective", c.Effective), ("inheritable", c.Inheritable), ("permitted", c.Permitted), ("ambient", c.Ambient) })
                foreach (var cap in list ?? new())
                    if (!Capabilities.Contains(cap)) throw new RuntimeError($"process.capabilities.{name}: unknown capability '{cap}'");
        }
        var seen = new HashSet<string>();
        foreach (var r in p.Rlimits ?? new())
        {
            if (Array.IndexOf(Rlimits, r.Type) < 0) throw new RuntimeError($"process.rlimits: unknown rlimit type '{r.Type}'");
            if (!seen.Add(r.Type)) throw new RuntimeError($"process.rlimits: duplicate rlimit type '{r.Type}'");
            if (r.Soft > r.Hard) throw new RuntimeError($"process.rlimits: {r.Type} soft limit {r.Soft} is above the hard limit {r.Hard}");
        }
        if (!string.IsNullOrEmpty(p.ApparmorProfile)) throw new RuntimeError("process.apparmorProfile: AppArmor is not available on this host");
        if (p.Scheduler is not null) throw new RuntimeError("process.scheduler: scheduling policies are not supported");
        if (p.IoPriority is { } io && io.Class is not ("IOPRIO_CLASS_RT" or "IOPRIO_CLASS_BE" or "IOPRIO_CLASS_IDLE"))
            throw new RuntimeError($"process.ioPriority.class: invalid class '{io.Class}'");
        if (p.OomScoreAdj is int o && (o < -1000 || o > 1000)) throw new RuntimeError($"process.oomScoreAdj: {o} is out of range (-1000..1000)");
        CheckArgumentSize(p);
    }

    /// <summary>
    /// Refuse, before anything is set up, a process that execve would refuse with E2BIG
    /// (<see cref="PsContainers.Contract.ExecArgumentLimit"/>: its process.rlimits RLIMIT_STACK, else the one it
    /// inherits from this process), with the error and exit status 126 its execve would give. Without this check a
    /// huge argument would first be pushed through the sync socket to the container side.
    /// </summary>
    /// <exception cref="RuntimeError">exec: "CMD": argument list too long (ExitCode 126).</exception>
    public static void CheckArgumentSize(SpecProcess p)
    {
        ulong? stack = p.Rlimits?.FirstOrDefault(r => r.Type == "RLIMIT_STACK")?.Soft;
        if (PsContainers.Contract.ExecArgumentLimit.Exceeded(p.Args ?? new(), p.Env ?? new(), stack))
            throw new RuntimeError(PsContainers.Contract.ExecArgumentLimit.Message(p.Args is { Count: > 0 } a ? a[0] : ""))
            { ExitCode = PsContainers.Contract.StartFailure.CannotExecute };
    }

    private static void CheckHooks(SpecHooks? h)
    {
        if (h is null) return;
        foreach (var (name, list) in new[] { ("prestart", h.Prestart), ("createRuntime", h.CreateRuntime), ("createContainer", h.CreateContainer), ("startContainer", h.StartContainer), ("poststart", h.Poststart), ("poststop", h.Poststop) })
            foreach (var hk in list ?? new())
            {
                if (string.IsNullOrEmpty(hk.Path) || hk.Path[0] != '/') throw new RuntimeError($"hooks.{name}: path '{hk.Path}' must be absolute");
                if (hk.Timeout is int t && t <= 0) throw new RuntimeError($"hooks.{name}: timeout must be positive");
            }
    }

    private static bool SameFile(string a, string b) => Native.FileId(a) is { } x && Native.FileId(b) is { } y && x == y;

    private static void CheckNsPath(string type, string path)
    {
        int fd = Native.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) throw new RuntimeError($"linux.namespaces: {type} namespace path '{path}': {Native.Strerror(-fd)}");
        int t = Native.IoctlValue(fd, 0xb703 /*NS_GET_NSTYPE*/);
        Libc.close(fd);
        if (t < 0) throw new RuntimeError($"linux.namespaces: '{path}' is not a namespace file ({Native.Strerror(-t)})");
        if (t != NsFlag(type)) throw new RuntimeError($"linux.namespaces: '{path}' is not a {type} namespace");
    }

    public static ulong PropagationFlag(string name) => name switch
    {
        "private" => Libc.MS_PRIVATE, "rprivate" => Libc.MS_PRIVATE | Libc.MS_REC,
        "shared" => Libc.MS_SHARED, "rshared" => Libc.MS_SHARED | Libc.MS_REC,
        "slave" => Libc.MS_SLAVE, "rslave" => Libc.MS_SLAVE | Libc.MS_REC,
        "unbindable" => Libc.MS_UNBINDABLE, "runbindable" => Libc.MS_UNBINDABLE | Libc.MS_REC,
        _ => 0,
    };

    public static int CapIndex(string name) { for (int i = 0; i < Capabilities.Count; i++) if (Capabilities[i] == name) return i; return -1; }
    public static int RlimitIndex(string name) => Array.IndexOf(Rlimits, name);
}
