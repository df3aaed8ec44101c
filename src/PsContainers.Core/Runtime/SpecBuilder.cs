using System.Globalization;
using System.Text.Json;
using PsContainers.Core.Containers;
using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Runtime;

/// <summary>A bind mount requested for a container (docker -v / --mount type=bind).</summary>
public sealed record BindMount(string Source, string Destination, bool ReadOnly = false, IReadOnlyList<string>? Options = null);

/// <summary>A resource limit (docker --ulimit name=soft[:hard]).</summary>
public sealed record Ulimit(string Name, ulong Soft, ulong Hard)
{
    /// <summary>Parse "nofile=1024" or "nofile=1024:2048".</summary>
    public static Ulimit Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw PscException.InvalidArgument(ErrorIds.InvalidUlimit, $"Ulimit '{text}' is not of the form name=soft[:hard].", text);
        string name = text[..eq].Trim().ToLowerInvariant();
        string[] v = text[(eq + 1)..].Split(':');
        if (v.Length > 2 || !TryLimit(v[0], out ulong soft) || !TryLimit(v.Length == 2 ? v[1] : v[0], out ulong hard))
            throw PscException.InvalidArgument(ErrorIds.InvalidUlimit, $"Ulimit '{text}' has an invalid value.", text);
        if (soft > hard) throw PscException.InvalidArgument(ErrorIds.InvalidUlimit, $"Ulimit '{text}': soft limit is above the hard limit.", text);
        return new Ulimit(name, soft, hard);
    }

    private static bool TryLimit(string s, out ulong v)
    {
        if (s is "-1" or "unlimited") { v = ulong.MaxValue; return true; }
        return ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    }
}

/// <summary>What a container should run and how it is confined; <see cref="SpecBuilder"/> turns it into config.json.</summary>
public sealed record SpecOptions
{
    public IReadOnlyList<string> Args { get; init; } = new[] { "/bin/sh" };
    /// <summary>Environment entries "NAME=value"; they override the defaults (PATH, HOSTNAME, HOME, TERM).</summary>
    public IReadOnlyList<string>? Env { get; init; }
    public string? WorkingDirectory { get; init; }
    /// <summary>"name", "uid", "uid:gid", "name:group" (resolved against the rootfs /etc/passwd and /etc/group).</summary>
    public string? User { get; init; }
    public string? Hostname { get; init; }
    public string? Domainname { get; init; }
    public bool Terminal { get; init; }
    /// <summary>The cgroup limits (docker's units), mapped to linux.resources by <see cref="ResourceLimits.ToOci"/>; none by default.</summary>
    public ResourceLimits Resources { get; init; } = ResourceLimits.None;
    public bool ReadOnlyRootfs { get; init; }
    public IReadOnlyList<BindMount>? Mounts { get; init; }
    /// <summary>Capabilities to add ("NET_ADMIN", "CAP_NET_ADMIN" or "ALL").</summary>
    public IReadOnlyList<string>? CapAdd { get; init; }
    /// <summary>Capabilities to drop ("ALL" drops every one first).</summary>
    public IReadOnlyList<string>? CapDrop { get; init; }
    public bool Privileged { get; init; }
    public IReadOnlyList<Ulimit>? Ulimits { get; init; }
    /// <summary>"none" or "private" (a new, empty network namespace), "host" (no network namespace), or a netns path.</summary>
    public string Network { get; init; } = "none";
    /// <summary>Share the host's pid/ipc/uts namespaces (docker --pid host, --ipc host, --uts host).</summary>
    public bool HostPid { get; init; }
    public bool HostIpc { get; init; }
    public bool HostUts { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    public IReadOnlyDictionary<string, string>? Sysctls { get; init; }
    /// <summary>The size of the /dev/shm tmpfs in bytes (docker --shm-size); null for docker's 64 MiB.</summary>
    public long? ShmSizeBytes { get; init; }
    /// <summary>
    /// Extra supplementary groups (docker --group-add): gids, or names resolved in the rootfs' /etc/group (skipped
    /// while validating without a rootfs), appended to the user's groups.
    /// </summary>
    public IReadOnlyList<string>? GroupAdd { get; init; }
    /// <summary>The rootfs path written into config.json (relative to the bundle, or absolute).</summary>
    public string RootfsPath { get; init; } = "rootfs";
    /// <summary>cgroupsPath; null lets the runtime choose.</summary>
    public string? CgroupsPath { get; init; }
    /// <summary>A user namespace mapping container root to this host uid/gid range (null: no user namespace).</summary>
    public SpecIdMapping? UserNamespaceMapping { get; init; }
    /// <summary>A seccomp profile (runtime-spec JSON) replacing the default; "unconfined" disables seccomp.</summary>
    public string? SeccompProfileJson { get; init; }
    public bool SeccompUnconfined { get; init; }
    /// <summary>
    /// process.noNewPrivileges. On by default for bundles built directly (the runtime conformance tests); the engine
    /// always passes the container's choice, which is docker's and podman's default, off, unless
    /// -SecurityOption no-new-privileges (<see cref="Containers.SecurityOptions"/>).
    /// </summary>
    public bool NoNewPrivileges { get; init; } = true;
}

/// <summary>
/// Builds the OCI config.json for a container with the secure defaults Docker and Podman use: their default
/// capability set, masked and read-only paths, no_new_privs, a default seccomp allowlist, the default device
/// allowlist, read-only /sys and cgroups, nosuid/nodev mounts.
/// </summary>
public static class SpecBuilder
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Docker's default capability set.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities = new[]
    {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    };

    /// <summary>Every capability this kernel generation knows (0..40).</summary>
    public static readonly IReadOnlyList<string> AllCapabilities = PsContainers.Contract.CapabilityNames.All;

    /// <summary>Docker's masked paths (bind-mounted over with /dev/null or an empty read-only tmpfs).</summary>
    public static readonly IReadOnlyList<string> DefaultMaskedPaths = new[]
    {
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    };

    /// <summary>Docker's read-only paths.</summary>
    public static readonly IReadOnlyList<string> DefaultReadonlyPaths = new[]
    {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    };

    private static readonly string[] RlimitNames =
    {
        "RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS", "RLIMIT_MEMLOCK",
        "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
        "RLIMIT_SIGPENDING", "RLIMIT_STACK",
    };

    /// <summary>Docker's default device cgroup rules: deny all, then mknod of anything and the standard devices.</summary>
    public static List<SpecDeviceCgroup> DefaultDeviceRules() => new()
    {
        new() { Allow = false, Access = "rwm" },
        new() { Allow = true, Type = "c", Access = "m" },
        new() { Allow = true, Type = "b", Access = "m" },
        new() { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rwm" },   // null
        new() { Allow = true, Type = "c", Major = 1, Minor = 5, Access = "rwm" },   // zero
        new() { Allow = true, Type = "c", Major = 1, Minor = 7, Access = "rwm" },   // full
        new() { Allow = true, Type = "c", Major = 1, Minor = 8, Access = "rwm" },   // random
        new() { Allow = true, Type = "c", Major = 1, Minor = 9, Access = "rwm" },   // urandom
        new() { Allow = true, Type = "c", Major = 5, Minor = 0, Access = "rwm" },   // tty
        new() { Allow = true, Type = "c", Major = 5, Minor = 1, Access = "rwm" },   // console
        new() { Allow = true, Type = "c", Major = 5, Minor = 2, Access = "rwm" },   // ptmx
        new() { Allow = true, Type = "c", Major = 136, Access = "rwm" },            // pts/*
        new() { Allow = true, Type = "c", Major = 10, Minor = 200, Access = "rwm" }, // net/tun
    };

    /// <summary>Build the config.json for a bundle whose rootfs is at <paramref name="rootfsDirectory"/> (used to resolve the user).</summary>
    public static RuntimeSpec Build(SpecOptions o, string? rootfsDirectory = null)
    {
        if (o.Args is null || o.Args.Count == 0)
            throw PscException.InvalidArgument(ErrorIds.NoCommand, "A container needs a command to run (Args is empty).");

        var user = ResolveUser(o.User, rootfsDirectory);
        foreach (uint g in ResolveGroups(o.GroupAdd, rootfsDirectory))
            if (!user.AdditionalGids.Contains(g)) user.AdditionalGids.Add(g);
        var caps = ComputeCapabilities(o);
        string hostname = o.Hostname ?? "";

        // environment: defaults first, then the caller's entries override by name
        var env = new List<string>();
        void SetEnv(string entry)
        {
            int eq = entry.IndexOf('=');
            string name = eq < 0 ? entry : entry[..eq];
            env.RemoveAll(e => e == name || e.StartsWith(name + "=", StringComparison.Ordinal));
            env.Add(entry);
        }
        SetEnv("PATH=" + DefaultPath);
        if (hostname.Length > 0) SetEnv("HOSTNAME=" + hostname);
        SetEnv("HOME=" + (user.Home ?? "/root"));
        if (o.Terminal) SetEnv("TERM=xterm");
        foreach (var e in o.Env ?? Array.Empty<string>())
        {
            if (string.IsNullOrEmpty(e) || e[0] == '=') throw PscException.InvalidArgument(ErrorIds.InvalidEnvironment, $"Environment entry '{e}' has no name.", e);
            SetEnv(e);
        }

        var rlimits = new List<SpecRlimit>();
        bool haveNofile = false;
        foreach (var u in o.Ulimits ?? Array.Empty<Ulimit>())
        {
            string t = "RLIMIT_" + u.Name.ToUpperInvariant();
            if (Array.IndexOf(RlimitNames, t) < 0) throw PscException.InvalidArgument(ErrorIds.InvalidUlimit, $"Unknown ulimit '{u.Name}'.", u.Name);
            rlimits.RemoveAll(r => r.Type == t);
            rlimits.Add(new SpecRlimit { Type = t, Soft = u.Soft, Hard = u.Hard });
            if (t == "RLIMIT_NOFILE") haveNofile = true;
        }
        if (!haveNofile) rlimits.Insert(0, new SpecRlimit { Type = "RLIMIT_NOFILE", Soft = 1024, Hard = 1024 });

        var spec = new RuntimeSpec
        {
            OciVersion = RuntimeSpec.CurrentVersion,
            Root = new SpecRoot { Path = o.RootfsPath, Readonly = o.ReadOnlyRootfs },
            Hostname = o.HostUts ? null : hostname,
            Domainname = o.HostUts ? null : o.Domainname,
            Process = new SpecProcess
            {
                Terminal = o.Terminal,
                Args = o.Args.ToList(),
                Env = env,
                Cwd = string.IsNullOrEmpty(o.WorkingDirectory) ? "/" : o.WorkingDirectory!,
                User = new SpecUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
                Capabilities = new SpecCapabilities
                {
                    Bounding = caps.ToList(), Effective = caps.ToList(), Permitted = caps.ToList(),
                },
                Rlimits = rlimits,
                NoNewPrivileges = o.NoNewPrivileges && !o.Privileged,
                OomScoreAdj = null,
            },
            Mounts = DefaultMounts(o),
            Annotations = o.Annotations is { Count: > 0 } ? new Dictionary<string, string>(o.Annotations) : null,
            Linux = new SpecLinux
            {
                Namespaces = Namespaces(o),
                CgroupsPath = o.CgroupsPath,
                MaskedPaths = o.Privileged ? null : DefaultMaskedPaths.ToList(),
                ReadonlyPaths = o.Privileged ? null : DefaultReadonlyPaths.ToList(),
                Resources = Resources(o),
                Sysctl = o.Sysctls is { Count: > 0 } ? new Dictionary<string, string>(o.Sysctls) : null,
                Seccomp = o.Privileged || o.SeccompUnconfined ? null
                    : o.SeccompProfileJson is not null ? ParseSeccompProfile(o.SeccompProfileJson, caps)
                    : DefaultSeccomp(caps),
            },
        };
        if (o.UserNamespaceMapping is { } m)
        {
            spec.Linux.UidMappings = new() { new SpecIdMapping { ContainerID = m.ContainerID, HostID = m.HostID, Size = m.Size } };
            spec.Linux.GidMappings = new() { new SpecIdMapping { ContainerID = m.ContainerID, HostID = m.HostID, Size = m.Size } };
        }
        return spec;
    }

    private static List<SpecNamespace> Namespaces(SpecOptions o)
    {
        var ns = new List<SpecNamespace>();
        if (!o.HostPid) ns.Add(new() { Type = "pid" });
        if (!o.HostIpc) ns.Add(new() { Type = "ipc" });
        if (!o.HostUts) ns.Add(new() { Type = "uts" });
        ns.Add(new() { Type = "mount" });
        ns.Add(new() { Type = "cgroup" });
        string net = string.IsNullOrEmpty(o.Network) ? "none" : o.Network;
        if (net is "none" or "private" or "bridge") ns.Add(new() { Type = "network" });
        else if (net == "host") { }
        else if (net.StartsWith('/')) ns.Add(new() { Type = "network", Path = net });
        else throw PscException.InvalidArgument(ErrorIds.InvalidNetworkMode, $"Network '{net}' is not 'none', 'host' or a network namespace path.", net);
        if (o.UserNamespaceMapping is not null) ns.Add(new() { Type = "user" });
        return ns;
    }

    private static List<SpecMount> DefaultMounts(SpecOptions o)
    {
        var m = new List<SpecMount>
        {
            new() { Destination = "/proc", Type = "proc", Source = "proc", Options = new() { "nosuid", "noexec", "nodev" } },
            new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = new() { "nosuid", "strictatime", "mode=755", "size=65536k" } },
            new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = new() { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" } },
            new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = new() { "nosuid", "noexec", "nodev", o.Privileged ? "rw" : "ro" } },
            new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = new() { "nosuid", "noexec", "nodev", "relatime", o.Privileged ? "rw" : "ro" } },
            new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = new() { "nosuid", "noexec", "nodev" } },
            new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = new() { "nosuid", "noexec", "nodev", "mode=1777", o.ShmSizeBytes is long shm ? "size=" + shm.ToString(CultureInfo.InvariantCulture) : "size=65536k" } },
        };
        if (o.UserNamespaceMapping is not null)
        {
            // sysfs cannot be mounted in a user namespace without its own network namespace; bind the host's read-only instead.
            m[3] = new() { Destination = "/sys", Type = "bind", Source = "/sys", Options = new() { "rbind", "nosuid", "noexec", "nodev", "ro" } };
            m.RemoveAt(4);
        }
        foreach (var b in o.Mounts ?? Array.Empty<BindMount>())
        {
            if (string.IsNullOrEmpty(b.Destination) || b.Destination[0] != '/')
                throw PscException.InvalidArgument(ErrorIds.InvalidMount, $"Mount destination '{b.Destination}' must be an absolute path.", b.Destination);
            if (!File.Exists(b.Source) && !Directory.Exists(b.Source))
                throw PscException.NotFound(ErrorIds.MountSourceNotFound, $"Mount source '{b.Source}' does not exist.", b.Source);
            var opts = new List<string> { "rbind", b.ReadOnly ? "ro" : "rw" };
            if (b.Options is not null) opts.AddRange(b.Options);
            if (!opts.Any(x => x.EndsWith("private") || x.EndsWith("shared") || x.EndsWith("slave"))) opts.Add("rprivate");
            m.RemoveAll(x => x.Destination == b.Destination);
            m.Add(new SpecMount { Destination = b.Destination, Type = "bind", Source = Path.GetFullPath(b.Source), Options = opts });
        }
        return m;
    }

    /// <summary>linux.resources of <paramref name="o"/>: the device rules (all for a privileged container, else docker's
    /// default allowlist), then its limits (<see cref="ResourceLimits.ToOci"/>, the one mapping).</summary>
    /// <exception cref="PscException">The limits' errors (<see cref="ResourceLimits.Validate(int)"/>).</exception>
    internal static SpecResources Resources(SpecOptions o)
    {
        var r = new SpecResources();
        if (o.Privileged) r.Devices = new() { new() { Allow = true, Access = "rwm" } };
        else r.Devices = DefaultDeviceRules();
        return o.Resources.ToOci(r);
    }

    private static string NormalizeCap(string c)
    {
        string u = c.Trim().ToUpperInvariant();
        if (u == "ALL") return u;
        if (!u.StartsWith("CAP_", StringComparison.Ordinal)) u = "CAP_" + u;
        if (!AllCapabilities.Contains(u)) throw PscException.InvalidArgument(ErrorIds.UnknownCapability, $"Unknown capability '{c}'.", c);
        return u;
    }

    /// <summary>The capabilities this host can grant at all (its bounding set); every one when it cannot be read.</summary>
    public static List<string> HostCapabilities()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("CapBnd:", StringComparison.Ordinal)) continue;
                ulong mask = ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return AllCapabilities.Where((_, i) => (mask & (1UL << i)) != 0).ToList();
            }
        }
        catch (IOException) { }
        return AllCapabilities.ToList();
    }

    private static List<string> ComputeCapabilities(SpecOptions o)
    {
        if (o.Privileged) return HostCapabilities();
        var set = new List<string>(DefaultCapabilities);
        var drop = (o.CapDrop ?? Array.Empty<string>()).Select(NormalizeCap).ToList();
        var add = (o.CapAdd ?? Array.Empty<string>()).Select(NormalizeCap).ToList();
        if (drop.Contains("ALL")) set.Clear();
        if (add.Contains("ALL")) set = HostCapabilities();
        foreach (var a in add) if (a != "ALL" && !set.Contains(a)) set.Add(a);
        foreach (var d in drop) if (d != "ALL") set.Remove(d);
        return set;
    }

    // ---- seccomp ----

    /// <summary>The default seccomp profile, with the entries that depend on capabilities resolved for <paramref name="caps"/>.</summary>
    public static SpecSeccomp DefaultSeccomp(IReadOnlyCollection<string> caps)
    {
        using var s = typeof(SpecBuilder).Assembly.GetManifestResourceStream("PsContainers.Core.Runtime.seccomp-default.json")
            ?? throw new InvalidOperationException("The default seccomp profile is missing from the assembly.");
        using var r = new StreamReader(s);
        return ParseSeccompProfile(r.ReadToEnd(), caps);
    }

    /// <summary>
    /// Parse a seccomp profile in runtime-spec form, also accepting docker's extensions ("includes"/"excludes" by
    /// capability, "comment"), which are resolved here against the container's capabilities.
    /// </summary>
    public static SpecSeccomp ParseSeccompProfile(string json, IReadOnlyCollection<string> caps)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var result = new SpecSeccomp
        {
            DefaultAction = root.TryGetProperty("defaultAction", out var da) ? da.GetString()! : "SCMP_ACT_ALLOW",
            DefaultErrnoRet = root.TryGetProperty("defaultErrnoRet", out var der) ? der.GetUInt32() : null,
            Architectures = root.TryGetProperty("architectures", out var ar) ? ar.EnumerateArray().Select(x => x.GetString()!).ToList() : null,
            Syscalls = new(),
        };
        if (root.TryGetProperty("syscalls", out var list))
        {
            foreach (var sc in list.EnumerateArray())
            {
                if (sc.TryGetProperty("includes", out var inc) && inc.TryGetProperty("caps", out var ic) &&
                    !ic.EnumerateArray().All(c => caps.Contains(c.GetString()!))) continue;
                if (sc.TryGetProperty("excludes", out var exc) && exc.TryGetProperty("caps", out var ec) &&
                    ec.EnumerateArray().Any(c => caps.Contains(c.GetString()!))) continue;
                var entry = new SpecSyscall
                {
                    Names = sc.GetProperty("names").EnumerateArray().Select(x => x.GetString()!).ToList(),
                    Action = sc.GetProperty("action").GetString()!,
                    ErrnoRet = sc.TryGetProperty("errnoRet", out var er) ? er.GetUInt32() : null,
                };
                if (sc.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
                {
                    entry.Args = args.EnumerateArray().Select(a => new SpecSyscallArg
                    {
                        Index = a.GetProperty("index").GetUInt32(),
                        Value = a.GetProperty("value").GetUInt64(),
                        ValueTwo = a.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0,
                        Op = a.GetProperty("op").GetString()!,
                    }).ToList();
                }
                result.Syscalls.Add(entry);
            }
        }
        return result;
    }

    // ---- users ----

    /// <summary>
    /// The result of resolving a --user value against the image's /etc/passwd and /etc/group. AdditionalGids holds
    /// the primary gid first, then the groups of /etc/group that list the user by name (only when no group was given).
    /// </summary>
    public sealed record ResolvedUser(uint Uid, uint Gid, List<uint> AdditionalGids, string? Home);

    public static ResolvedUser ResolveUser(string? spec, string? rootfs)
    {
        var passwd = ReadDb(rootfs, "etc/passwd");
        var group = ReadDb(rootfs, "etc/group");
        if (string.IsNullOrEmpty(spec)) spec = "0";
        string userPart = spec, groupPart = "";
        int colon = spec.IndexOf(':');
        if (colon >= 0) { userPart = spec[..colon]; groupPart = spec[(colon + 1)..]; }

        uint uid; uint gid = 0; string? home = null; string? userName = null;
        string[]? pw = null;
        if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
            pw = passwd.FirstOrDefault(f => f.Length > 2 && f[2] == userPart);
        else
        {
            pw = passwd.FirstOrDefault(f => f[0] == userPart)
                ?? throw PscException.NotFound(ErrorIds.UserNotFound, $"User '{userPart}' is not in the container's /etc/passwd.", userPart);
            if (pw.Length < 4 || !uint.TryParse(pw[2], out uid))
                throw PscException.InvalidData(ErrorIds.InvalidPasswdEntry, $"The /etc/passwd entry of '{userPart}' is malformed.", userPart);
        }
        if (pw is { Length: >= 4 })
        {
            userName = pw[0];
            uint.TryParse(pw[3], out gid);
            if (pw.Length >= 6 && pw[5].Length > 0) home = pw[5];
        }
        if (groupPart.Length > 0)
        {
            if (!uint.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                var gr = group.FirstOrDefault(f => f[0] == groupPart)
                    ?? throw PscException.NotFound(ErrorIds.GroupNotFound, $"Group '{groupPart}' is not in the container's /etc/group.", groupPart);
                if (gr.Length < 3 || !uint.TryParse(gr[2], out gid))
                    throw PscException.InvalidData(ErrorIds.InvalidGroupEntry, $"The /etc/group entry of '{groupPart}' is malformed.", groupPart);
            }
        }
        var extra = new List<uint>();
        if (userName is not null && groupPart.Length == 0)
        {
            foreach (var g in group)
            {
                if (g.Length >= 4 && g[3].Split(',').Contains(userName) && uint.TryParse(g[2], out uint x) && x != gid && !extra.Contains(x))
                    extra.Add(x);
            }
        }
        // the primary group is always a supplementary group too, as runc, crun and podman do since CVE-2022-2989 and
        // CVE-2022-36109: otherwise a process can drop it with setgroups-less tricks and escape a "negative" group
        // permission (a file mode such as 0705 owned by a group meant to be denied)
        extra.Insert(0, gid);
        CheckId(uid, "user", spec);
        foreach (uint g in extra) CheckId(g, "group", spec);
        home ??= uid == 0 ? "/root" : "/";
        return new ResolvedUser(uid, gid, extra, home);
    }

    /// <summary>
    /// The highest user or group id a container may run as, as docker and podman check ("uids and gids must be in range
    /// 0-2147483647"): above it, 4294967295 is (uid_t)-1, which setresuid/setresgid take as "leave unchanged", so the
    /// process would keep root.
    /// </summary>
    public const uint MaxId = int.MaxValue;

    /// <exception cref="PscException">InvalidUserId when <paramref name="id"/> is above <see cref="MaxId"/>.</exception>
    private static void CheckId(uint id, string what, string spec)
    {
        if (id > MaxId)
            throw PscException.InvalidArgument(ErrorIds.InvalidUserId, $"The {what} id {id} of '{spec}' is out of range: uids and gids must be in range 0-{MaxId}.", spec);
    }

    /// <summary>
    /// docker --group-add: each entry a gid (digits) or a group name looked up in the rootfs' /etc/group (docker
    /// and runc resolve names in the container, not on the host). Without <paramref name="rootfs"/> (create-time
    /// validation) names are skipped.
    /// </summary>
    /// <exception cref="PscException">GroupNotFound: a name the container's /etc/group lacks; InvalidGroupEntry: its entry is malformed.</exception>
    public static List<uint> ResolveGroups(IEnumerable<string>? groups, string? rootfs)
    {
        var gids = new List<uint>();
        List<string[]>? db = null;
        foreach (var raw in groups ?? [])
        {
            string g = raw.Trim();
            if (uint.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out uint n)) { CheckId(n, "group", raw); gids.Add(n); continue; }
            if (rootfs is null) continue;
            db ??= ReadDb(rootfs, "etc/group");
            var entry = db.FirstOrDefault(f => f[0] == g)
                ?? throw PscException.NotFound(ErrorIds.GroupNotFound, $"Group '{g}' is not in the container's /etc/group.", g);
            if (entry.Length < 3 || !uint.TryParse(entry[2], NumberStyles.None, CultureInfo.InvariantCulture, out n))
                throw PscException.InvalidData(ErrorIds.InvalidGroupEntry, $"The /etc/group entry of '{g}' is malformed.", g);
            CheckId(n, "group", raw);
            gids.Add(n);
        }
        return gids;
    }

    /// <summary>
    /// The lines of a colon-separated database (/etc/passwd, /etc/group) of the image, split at ':'. The path is
    /// resolved inside <paramref name="rootfs"/> with <see cref="PsContainers.FileSystem.RootedPath"/> (a link such as
    /// etc -> /etc stays inside the root) and read only when it is a regular file. Empty when it cannot be read.
    /// </summary>
    private static List<string[]> ReadDb(string? rootfs, string rel)
    {
        var result = new List<string[]>();
        if (rootfs is null) return result;
        try
        {
            using var rp = PsContainers.FileSystem.RootedPath.Open(rootfs);
            using var fd = rp.Open(rel, PsContainers.FileSystem.OpenFlags.ReadOnly | PsContainers.FileSystem.OpenFlags.NonBlock | PsContainers.FileSystem.OpenFlags.NoCtty);
            if (!fd.Stat().IsRegular) return result;
            using var reader = new StreamReader(fd.ToStream(FileAccess.Read));
            while (reader.ReadLine() is string line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                result.Add(line.Split(':'));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return result;
    }

    /// <summary>Write config.json into a bundle directory (atomically).</summary>
    public static void WriteBundleConfig(string bundleDirectory, RuntimeSpec spec) =>
        Util.AtomicFile.WriteAllText(Path.Combine(bundleDirectory, Contract.ContainerMarkers.BundleConfigFile), spec.ToJson());
}
