// Part of the contract (src/Shared/Contract) but in the engine's namespace: the engine's public type, which pscmon
// compiles from the same file to write state.json.
using System.Runtime.Serialization;

namespace PsContainers.Core.Containers;

/// <summary>
/// Lifecycle states, as docker names them (State.Status). state.json records them in lower case ("running");
/// the engine may report a recorded Running as Paused (the paused marker) or as Exited (its monitor is gone).
/// ConvertTo-Json writes docker's lower-case words too (<see cref="EnumMemberAttribute"/>, which Json.NET's enum
/// converter reads): <c>"Status": "running"</c>, as docker inspect; in PowerShell the value stays this enum.
/// </summary>
public enum ContainerStatus
{
    [EnumMember(Value = "created")] Created,
    [EnumMember(Value = "running")] Running,
    [EnumMember(Value = "paused")] Paused,
    [EnumMember(Value = "restarting")] Restarting,
    [EnumMember(Value = "removing")] Removing,
    [EnumMember(Value = "exited")] Exited,
    [EnumMember(Value = "dead")] Dead,
}
