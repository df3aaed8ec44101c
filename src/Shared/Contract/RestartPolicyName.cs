using System.Runtime.Serialization;

namespace PsContainers.Contract;

/// <summary>
/// docker's restart policy names (HostConfig.RestartPolicy.Name): "no", "always", "unless-stopped", "on-failure".
/// ConvertTo-Json writes those words (<see cref="EnumMemberAttribute"/>, which Json.NET's enum converter reads), as
/// docker inspect; in PowerShell the value stays this enum.
/// </summary>
public enum RestartPolicyName
{
    [EnumMember(Value = "no")] No,
    [EnumMember(Value = "always")] Always,
    [EnumMember(Value = "unless-stopped")] UnlessStopped,
    [EnumMember(Value = "on-failure")] OnFailure,
}
