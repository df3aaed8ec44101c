// Reads config.json into the spec model with JsonDocument: no serializer metadata to build at startup, which in a
// NativeAOT process costs more than the rest of container setup. Linked into pscrun: keep it dependency-free.
using System.Text.Json;

namespace PsContainers.Core.Runtime.Spec;

public static class RuntimeSpecReader
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static RuntimeSpec Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, Options);
        var r = doc.RootElement;
        if (r.ValueKind != JsonValueKind.Object) throw new JsonException("config.json is not a JSON object");
        var s = new RuntimeSpec { OciVersion = Str(r, "ociVersion") ?? "" };
        Dictionary<string, JsonElement>? extra = null;
        foreach (var p in r.EnumerateObject())
        {
            var v = p.Value;
            switch (p.Name)
            {
                case "ociVersion": break;
                case "process": s.Process = Null(v) ? null : Process(v); break;
                case "root": s.Root = Null(v) ? null : new SpecRoot { Path = Str(v, "path") ?? "", Readonly = Bool(v, "readonly") }; break;
                case "hostname": s.Hostname = AsStr(v); break;
                case "domainname": s.Domainname = AsStr(v); break;
                case "mounts": s.Mounts = List(v, Mount); break;
                case "hooks": s.Hooks = Null(v) ? null : Hooks(v); break;
                case "annotations": s.Annotations = StrMap(v); break;
                case "linux": s.Linux = Null(v) ? null : Linux(v); break;
                default: (extra ??= new())[p.Name] = v.Clone(); break;
            }
        }
        s.Extra = extra;
        return s;
    }

    public static SpecProcess ParseProcess(string json)
    {
        using var doc = JsonDocument.Parse(json, Options);
        return Process(doc.RootElement);
    }

    // ---- helpers ----

    private static bool Null(JsonElement v) => v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;
    private static bool Has(JsonElement o, string name, out JsonElement v) => o.TryGetProperty(name, out v) && !Null(v);
    private static string? AsStr(JsonElement v) => Null(v) ? null : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new JsonException($"expected a string, got {v.ValueKind}");
    private static string? Str(JsonElement o, string name) => Has(o, name, out var v) ? AsStr(v) : null;
    private static bool Bool(JsonElement o, string name) => Has(o, name, out var v) && v.GetBoolean();
    private static bool? OptBool(JsonElement o, string name) => Has(o, name, out var v) ? v.GetBoolean() : null;
    private static uint U32(JsonElement o, string name) => Has(o, name, out var v) ? v.GetUInt32() : 0;
    private static uint? OptU32(JsonElement o, string name) => Has(o, name, out var v) ? v.GetUInt32() : null;
    private static int? OptI32(JsonElement o, string name) => Has(o, name, out var v) ? v.GetInt32() : null;
    private static long I64(JsonElement o, string name) => Has(o, name, out var v) ? v.GetInt64() : 0;
    private static long? OptI64(JsonElement o, string name) => Has(o, name, out var v) ? v.GetInt64() : null;
    private static ulong U64(JsonElement o, string name) => Has(o, name, out var v) ? v.GetUInt64() : 0;
    private static ulong? OptU64(JsonElement o, string name) => Has(o, name, out var v) ? v.GetUInt64() : null;
    private static ushort? OptU16(JsonElement o, string name) => Has(o, name, out var v) ? v.GetUInt16() : null;

    private static List<T>? List<T>(JsonElement v, Func<JsonElement, T> item)
    {
        if (Null(v)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new JsonException($"expected an array, got {v.ValueKind}");
        var l = new List<T>(v.GetArrayLength());
        foreach (var e in v.EnumerateArray()) l.Add(item(e));
        return l;
    }

    private static List<T>? List<T>(JsonElement o, string name, Func<JsonElement, T> item) => Has(o, name, out var v) ? List(v, item) : null;
    private static List<string>? Strs(JsonElement o, string name) => List(o, name, e => AsStr(e) ?? "");

    private static Dictionary<string, string>? StrMap(JsonElement v)
    {
        if (Null(v)) return null;
        var d = new Dictionary<string, string>();
        foreach (var p in v.EnumerateObject()) d[p.Name] = AsStr(p.Value) ?? "";
        return d;
    }

    private static Dictionary<string, JsonElement>? ElemMap(JsonElement o, string name)
    {
        if (!Has(o, name, out var v)) return null;
        var d = new Dictionary<string, JsonElement>();
        foreach (var p in v.EnumerateObject()) d[p.Name] = p.Value.Clone();
        return d;
    }

    private static Dictionary<string, JsonElement>? Extra(JsonElement o, params string[] known)
    {
        Dictionary<string, JsonElement>? d = null;
        foreach (var p in o.EnumerateObject())
            if (Array.IndexOf(known, p.Name) < 0) (d ??= new())[p.Name] = p.Value.Clone();
        return d;
    }

    // ---- objects ----

    private static SpecProcess Process(JsonElement v) => new()
    {
        Terminal = Bool(v, "terminal"),
        ConsoleSize = Has(v, "consoleSize", out var cs) ? new SpecBox { Height = U32(cs, "height"), Width = U32(cs, "width") } : null,
        User = Has(v, "user", out var u) ? new SpecUser
        {
            Uid = U32(u, "uid"), Gid = U32(u, "gid"), Umask = OptU32(u, "umask"),
            AdditionalGids = List(u, "additionalGids", e => e.GetUInt32()), Username = Str(u, "username"),
        } : new SpecUser(),
        Args = Strs(v, "args"),
        CommandLine = Str(v, "commandLine"),
        Env = Strs(v, "env"),
        Cwd = Str(v, "cwd") ?? "",
        Capabilities = Has(v, "capabilities", out var c) ? new SpecCapabilities
        {
            Bounding = Strs(c, "bounding"), Effective = Strs(c, "effective"), Inheritable = Strs(c, "inheritable"),
            Permitted = Strs(c, "permitted"), Ambient = Strs(c, "ambient"),
        } : null,
        Rlimits = List(v, "rlimits", e => new SpecRlimit { Type = Str(e, "type") ?? "", Hard = U64(e, "hard"), Soft = U64(e, "soft") }),
        NoNewPrivileges = Bool(v, "noNewPrivileges"),
        ApparmorProfile = Str(v, "apparmorProfile"),
        OomScoreAdj = OptI32(v, "oomScoreAdj"),
        SelinuxLabel = Str(v, "selinuxLabel"),
        IoPriority = Has(v, "ioPriority", out var io) ? new SpecIOPriority { Class = Str(io, "class") ?? "", Priority = OptI32(io, "priority") ?? 0 } : null,
        Scheduler = Has(v, "scheduler", out var sc) ? new SpecScheduler
        {
            Policy = Str(sc, "policy") ?? "", Nice = OptI32(sc, "nice") ?? 0, Priority = OptI32(sc, "priority") ?? 0, Flags = Strs(sc, "flags"),
            Runtime = U64(sc, "runtime"), Deadline = U64(sc, "deadline"), Period = U64(sc, "period"),
        } : null,
        Extra = Extra(v, "terminal", "consoleSize", "user", "args", "commandLine", "env", "cwd", "capabilities", "rlimits",
            "noNewPrivileges", "apparmorProfile", "oomScoreAdj", "selinuxLabel", "ioPriority", "scheduler"),
    };

    private static SpecIdMapping IdMap(JsonElement e) => new() { ContainerID = U32(e, "containerID"), HostID = U32(e, "hostID"), Size = U32(e, "size") };

    private static SpecMount Mount(JsonElement e) => new()
    {
        Destination = Str(e, "destination") ?? "", Type = Str(e, "type"), Source = Str(e, "source"), Options = Strs(e, "options"),
        UidMappings = List(e, "uidMappings", IdMap), GidMappings = List(e, "gidMappings", IdMap),
    };

    private static SpecHook Hook(JsonElement e) => new() { Path = Str(e, "path") ?? "", Args = Strs(e, "args"), Env = Strs(e, "env"), Timeout = OptI32(e, "timeout") };

    private static SpecHooks Hooks(JsonElement v) => new()
    {
        Prestart = List(v, "prestart", Hook), CreateRuntime = List(v, "createRuntime", Hook), CreateContainer = List(v, "createContainer", Hook),
        StartContainer = List(v, "startContainer", Hook), Poststart = List(v, "poststart", Hook), Poststop = List(v, "poststop", Hook),
    };

    private static SpecLinux Linux(JsonElement v) => new()
    {
        UidMappings = List(v, "uidMappings", IdMap),
        GidMappings = List(v, "gidMappings", IdMap),
        Sysctl = Has(v, "sysctl", out var sy) ? StrMap(sy) : null,
        Resources = Has(v, "resources", out var r) ? Resources(r) : null,
        CgroupsPath = Str(v, "cgroupsPath"),
        Namespaces = List(v, "namespaces", e => new SpecNamespace { Type = Str(e, "type") ?? "", Path = Str(e, "path") }),
        Devices = List(v, "devices", e => new SpecDevice
        {
            Path = Str(e, "path") ?? "", Type = Str(e, "type") ?? "", Major = I64(e, "major"), Minor = I64(e, "minor"),
            FileMode = OptU32(e, "fileMode"), Uid = OptU32(e, "uid"), Gid = OptU32(e, "gid"),
        }),
        Seccomp = Has(v, "seccomp", out var sc) ? Seccomp(sc) : null,
        RootfsPropagation = Str(v, "rootfsPropagation"),
        MaskedPaths = Strs(v, "maskedPaths"),
        ReadonlyPaths = Strs(v, "readonlyPaths"),
        MountLabel = Str(v, "mountLabel"),
        IntelRdt = Has(v, "intelRdt", out var rdt) ? rdt.Clone() : null,
        Personality = Has(v, "personality", out var per) ? per.Clone() : null,
        TimeOffsets = ElemMap(v, "timeOffsets"),
        Extra = Extra(v, "uidMappings", "gidMappings", "sysctl", "resources", "cgroupsPath", "namespaces", "devices", "seccomp",
            "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel", "intelRdt", "personality", "timeOffsets"),
    };

    private static SpecSeccomp Seccomp(JsonElement v) => new()
    {
        DefaultAction = Str(v, "defaultAction") ?? "",
        DefaultErrnoRet = OptU32(v, "defaultErrnoRet"),
        Architectures = Strs(v, "architectures"),
        Flags = Strs(v, "flags"),
        ListenerPath = Str(v, "listenerPath"),
        ListenerMetadata = Str(v, "listenerMetadata"),
        Syscalls = List(v, "syscalls", e => new SpecSyscall
        {
            Names = Strs(e, "names") ?? new(), Action = Str(e, "action") ?? "", ErrnoRet = OptU32(e, "errnoRet"),
            Args = List(e, "args", a => new SpecSyscallArg { Index = U32(a, "index"), Value = U64(a, "value"), ValueTwo = U64(a, "valueTwo"), Op = Str(a, "op") ?? "" }),
        }),
    };

    private static SpecResources Resources(JsonElement v) => new()
    {
        Devices = List(v, "devices", e => new SpecDeviceCgroup { Allow = Bool(e, "allow"), Type = Str(e, "type"), Major = OptI64(e, "major"), Minor = OptI64(e, "minor"), Access = Str(e, "access") }),
        Memory = Has(v, "memory", out var m) ? new SpecMemory
        {
            Limit = OptI64(m, "limit"), Reservation = OptI64(m, "reservation"), Swap = OptI64(m, "swap"), Kernel = OptI64(m, "kernel"),
            KernelTcp = OptI64(m, "kernelTCP"), Swappiness = OptU64(m, "swappiness"), DisableOomKiller = OptBool(m, "disableOOMKiller"),
            UseHierarchy = OptBool(m, "useHierarchy"), CheckBeforeUpdate = OptBool(m, "checkBeforeUpdate"),
        } : null,
        Cpu = Has(v, "cpu", out var c) ? new SpecCpu
        {
            Shares = OptU64(c, "shares"), Quota = OptI64(c, "quota"), Burst = OptU64(c, "burst"), Period = OptU64(c, "period"),
            RealtimeRuntime = OptI64(c, "realtimeRuntime"), RealtimePeriod = OptU64(c, "realtimePeriod"), Cpus = Str(c, "cpus"), Mems = Str(c, "mems"),
            Idle = OptI64(c, "idle"),
        } : null,
        Pids = Has(v, "pids", out var p) ? new SpecPids { Limit = I64(p, "limit") } : null,
        BlockIO = Has(v, "blockIO", out var b) ? new SpecBlockIO
        {
            Weight = OptU16(b, "weight"), LeafWeight = OptU16(b, "leafWeight"),
            WeightDevice = List(b, "weightDevice", e => new SpecWeightDevice { Major = I64(e, "major"), Minor = I64(e, "minor"), Weight = OptU16(e, "weight"), LeafWeight = OptU16(e, "leafWeight") }),
            ThrottleReadBpsDevice = List(b, "throttleReadBpsDevice", Throttle),
            ThrottleWriteBpsDevice = List(b, "throttleWriteBpsDevice", Throttle),
            ThrottleReadIopsDevice = List(b, "throttleReadIOPSDevice", Throttle),
            ThrottleWriteIopsDevice = List(b, "throttleWriteIOPSDevice", Throttle),
        } : null,
        HugepageLimits = List(v, "hugepageLimits", e => new SpecHugepageLimit { PageSize = Str(e, "pageSize") ?? "", Limit = U64(e, "limit") }),
        Network = Has(v, "network", out var n) ? new SpecNetwork
        {
            ClassId = OptU32(n, "classID"),
            Priorities = List(n, "priorities", e => new SpecInterfacePriority { Name = Str(e, "name") ?? "", Priority = U32(e, "priority") }),
        } : null,
        Rdma = ElemMap(v, "rdma"),
        Unified = Has(v, "unified", out var u) ? StrMap(u) : null,
    };

    private static SpecThrottleDevice Throttle(JsonElement e) => new() { Major = I64(e, "major"), Minor = I64(e, "minor"), Rate = U64(e, "rate") };
}
