// The OCI runtime-spec (v1.2) configuration and state models.
// This file is compiled into both PsContainers.Core and pscrun (NativeAOT): keep it free of other dependencies.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Core.Runtime.Spec;

/// <summary>config.json of an OCI bundle (runtime-spec config.md and config-linux.md).</summary>
public sealed class RuntimeSpec
{
    public const string CurrentVersion = "1.2.0";

    public string OciVersion { get; set; } = CurrentVersion;
    public SpecProcess? Process { get; set; }
    public SpecRoot? Root { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public List<SpecMount>? Mounts { get; set; }
    public SpecHooks? Hooks { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public SpecLinux? Linux { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>Parse config.json (a JsonDocument walk: cheap at startup in NativeAOT).</summary>
    public static RuntimeSpec Parse(string json) => RuntimeSpecReader.Parse(json);
    public string ToJson() => JsonSerializer.Serialize(this, SpecJsonContext.Default.RuntimeSpec);
}

public sealed class SpecRoot
{
    public string Path { get; set; } = "rootfs";
    public bool Readonly { get; set; }
}

public sealed class SpecProcess
{
    public bool Terminal { get; set; }
    public SpecBox? ConsoleSize { get; set; }
    public SpecUser User { get; set; } = new();
    public List<string>? Args { get; set; }
    public string? CommandLine { get; set; }
    public List<string>? Env { get; set; }
    public string Cwd { get; set; } = "/";
    public SpecCapabilities? Capabilities { get; set; }
    public List<SpecRlimit>? Rlimits { get; set; }
    public bool NoNewPrivileges { get; set; }
    public string? ApparmorProfile { get; set; }
    public int? OomScoreAdj { get; set; }
    public string? SelinuxLabel { get; set; }
    public SpecIOPriority? IoPriority { get; set; }
    public SpecScheduler? Scheduler { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class SpecBox
{
    public uint Height { get; set; }
    public uint Width { get; set; }
}

public sealed class SpecUser
{
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint? Umask { get; set; }
    public List<uint>? AdditionalGids { get; set; }
    public string? Username { get; set; }
}

public sealed class SpecCapabilities
{
    public List<string>? Bounding { get; set; }
    public List<string>? Effective { get; set; }
    public List<string>? Inheritable { get; set; }
    public List<string>? Permitted { get; set; }
    public List<string>? Ambient { get; set; }
}

public sealed class SpecRlimit
{
    public string Type { get; set; } = "";
    public ulong Hard { get; set; }
    public ulong Soft { get; set; }
}

public sealed class SpecIOPriority
{
    public string Class { get; set; } = "";
    public int Priority { get; set; }
}

public sealed class SpecScheduler
{
    public string Policy { get; set; } = "";
    public int Nice { get; set; }
    public int Priority { get; set; }
    public List<string>? Flags { get; set; }
    public ulong Runtime { get; set; }
    public ulong Deadline { get; set; }
    public ulong Period { get; set; }
}

public sealed class SpecMount
{
    public string Destination { get; set; } = "";
    public string? Type { get; set; }
    public string? Source { get; set; }
    public List<string>? Options { get; set; }
    public List<SpecIdMapping>? UidMappings { get; set; }
    public List<SpecIdMapping>? GidMappings { get; set; }
}

public sealed class SpecIdMapping
{
    public uint ContainerID { get; set; }
    public uint HostID { get; set; }
    public uint Size { get; set; }
}

public sealed class SpecHooks
{
    public List<SpecHook>? Prestart { get; set; }
    public List<SpecHook>? CreateRuntime { get; set; }
    public List<SpecHook>? CreateContainer { get; set; }
    public List<SpecHook>? StartContainer { get; set; }
    public List<SpecHook>? Poststart { get; set; }
    public List<SpecHook>? Poststop { get; set; }
}

public sealed class SpecHook
{
    public string Path { get; set; } = "";
    public List<string>? Args { get; set; }
    public List<string>? Env { get; set; }
    public int? Timeout { get; set; }
}

public sealed class SpecLinux
{
    public List<SpecIdMapping>? UidMappings { get; set; }
    public List<SpecIdMapping>? GidMappings { get; set; }
    public Dictionary<string, string>? Sysctl { get; set; }
    public SpecResources? Resources { get; set; }
    public string? CgroupsPath { get; set; }
    public List<SpecNamespace>? Namespaces { get; set; }
    public List<SpecDevice>? Devices { get; set; }
    public SpecSeccomp? Seccomp { get; set; }
    public string? RootfsPropagation { get; set; }
    public List<string>? MaskedPaths { get; set; }
    public List<string>? ReadonlyPaths { get; set; }
    public string? MountLabel { get; set; }
    public JsonElement? IntelRdt { get; set; }
    public JsonElement? Personality { get; set; }
    public Dictionary<string, JsonElement>? TimeOffsets { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class SpecNamespace
{
    public string Type { get; set; } = "";
    public string? Path { get; set; }
}

public sealed class SpecDevice
{
    public string Path { get; set; } = "";
    public string Type { get; set; } = "c";
    public long Major { get; set; }
    public long Minor { get; set; }
    public uint? FileMode { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
}

public sealed class SpecResources
{
    public List<SpecDeviceCgroup>? Devices { get; set; }
    public SpecMemory? Memory { get; set; }
    public SpecCpu? Cpu { get; set; }
    public SpecPids? Pids { get; set; }
    public SpecBlockIO? BlockIO { get; set; }
    public List<SpecHugepageLimit>? HugepageLimits { get; set; }
    public SpecNetwork? Network { get; set; }
    public Dictionary<string, JsonElement>? Rdma { get; set; }
    public Dictionary<string, string>? Unified { get; set; }
}

public sealed class SpecDeviceCgroup
{
    public bool Allow { get; set; }
    public string? Type { get; set; }
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public string? Access { get; set; }
}

public sealed class SpecMemory
{
    public long? Limit { get; set; }
    public long? Reservation { get; set; }
    public long? Swap { get; set; }
    public long? Kernel { get; set; }
    [JsonPropertyName("kernelTCP")] public long? KernelTcp { get; set; }
    public ulong? Swappiness { get; set; }
    [JsonPropertyName("disableOOMKiller")] public bool? DisableOomKiller { get; set; }
    public bool? UseHierarchy { get; set; }
    public bool? CheckBeforeUpdate { get; set; }
}

public sealed class SpecCpu
{
    public ulong? Shares { get; set; }
    public long? Quota { get; set; }
    public ulong? Burst { get; set; }
    public ulong? Period { get; set; }
    public long? RealtimeRuntime { get; set; }
    public ulong? RealtimePeriod { get; set; }
    public string? Cpus { get; set; }
    public string? Mems { get; set; }
    public long? Idle { get; set; }
}

public sealed class SpecPids
{
    public long Limit { get; set; }
}

public sealed class SpecBlockIO
{
    public ushort? Weight { get; set; }
    public ushort? LeafWeight { get; set; }
    public List<SpecWeightDevice>? WeightDevice { get; set; }
    public List<SpecThrottleDevice>? ThrottleReadBpsDevice { get; set; }
    public List<SpecThrottleDevice>? ThrottleWriteBpsDevice { get; set; }
    [JsonPropertyName("throttleReadIOPSDevice")] public List<SpecThrottleDevice>? ThrottleReadIopsDevice { get; set; }
    [JsonPropertyName("throttleWriteIOPSDevice")] public List<SpecThrottleDevice>? ThrottleWriteIopsDevice { get; set; }
}

public sealed class SpecWeightDevice
{
    public long Major { get; set; }
    public long Minor { get; set; }
    public ushort? Weight { get; set; }
    public ushort? LeafWeight { get; set; }
}

public sealed class SpecThrottleDevice
{
    public long Major { get; set; }
    public long Minor { get; set; }
    public ulong Rate { get; set; }
}

public sealed class SpecHugepageLimit
{
    public string PageSize { get; set; } = "";
    public ulong Limit { get; set; }
}

public sealed class SpecNetwork
{
    [JsonPropertyName("classID")] public uint? ClassId { get; set; }
    public List<SpecInterfacePriority>? Priorities { get; set; }
}

public sealed class SpecInterfacePriority
{
    public string Name { get; set; } = "";
    public uint Priority { get; set; }
}

public sealed class SpecSeccomp
{
    public string DefaultAction { get; set; } = "SCMP_ACT_ALLOW";
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Flags { get; set; }
    public string? ListenerPath { get; set; }
    public string? ListenerMetadata { get; set; }
    public List<SpecSyscall>? Syscalls { get; set; }
}

public sealed class SpecSyscall
{
    public List<string> Names { get; set; } = new();
    public string Action { get; set; } = "SCMP_ACT_ALLOW";
    public uint? ErrnoRet { get; set; }
    public List<SpecSyscallArg>? Args { get; set; }
}

public sealed class SpecSyscallArg
{
    public uint Index { get; set; }
    public ulong Value { get; set; }
    public ulong ValueTwo { get; set; }
    public string Op { get; set; } = "SCMP_CMP_EQ";
}

/// <summary>The runtime-spec state (runtime.md "State"), as printed by `state`.</summary>
public sealed class ContainerRuntimeState
{
    public string OciVersion { get; set; } = RuntimeSpec.CurrentVersion;
    public string Id { get; set; } = "";
    /// <summary>creating, created, running, stopped (paused is a runc extension).</summary>
    public string Status { get; set; } = "";
    public int Pid { get; set; }
    public string Bundle { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
    // runc adds these to `state` output; harmless extras for other callers
    public string? Rootfs { get; set; }
    public DateTime? Created { get; set; }
    public string? Owner { get; set; }

    public static ContainerRuntimeState Parse(string json) =>
        JsonSerializer.Deserialize(json, SpecJsonContext.Default.ContainerRuntimeState) ?? throw new JsonException("state is empty (null)");
    /// <summary>The state JSON (written by hand: no serializer metadata to build in a short-lived process).</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("ociVersion", OciVersion);
            w.WriteString("id", Id);
            w.WriteString("status", Status);
            w.WriteNumber("pid", Pid);
            w.WriteString("bundle", Bundle);
            if (Annotations is not null)
            {
                w.WriteStartObject("annotations");
                foreach (var (k, v) in Annotations) w.WriteString(k, v);
                w.WriteEndObject();
            }
            if (Rootfs is not null) w.WriteString("rootfs", Rootfs);
            if (Created is DateTime c) w.WriteString("created", c);
            if (Owner is not null) w.WriteString("owner", Owner);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false,
    ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(RuntimeSpec))]
[JsonSerializable(typeof(SpecProcess))]
[JsonSerializable(typeof(ContainerRuntimeState))]
[JsonSerializable(typeof(List<ContainerRuntimeState>))]
[JsonSerializable(typeof(SpecSeccomp))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public partial class SpecJsonContext : JsonSerializerContext
{
}
