using System.Runtime.Serialization;

namespace PsContainers.Core.Containers;

/// <summary>
/// What a container mount is (docker inspect: Mounts[].Type); stored by name. ConvertTo-Json writes docker's words,
/// "bind", "volume", "tmpfs" (<see cref="EnumMemberAttribute"/>, which Json.NET's enum converter reads); in
/// PowerShell the value stays this enum.
/// </summary>
public enum MountKind
{
    /// <summary>A host directory or file (-Volume /host:/path, -Mount type=bind).</summary>
    [EnumMember(Value = "bind")] Bind,
    /// <summary>A named or anonymous volume of the volume store (-Volume name:/path, -Volume /path, image VOLUMEs).</summary>
    [EnumMember(Value = "volume")] Volume,
    /// <summary>A memory file system (-Tmpfs, -Mount type=tmpfs); its settings are in <see cref="MountSpec.Tmpfs"/>.</summary>
    [EnumMember(Value = "tmpfs")] Tmpfs,
}
