using System.Management.Automation;
using PsContainers.Core.Compose;

namespace PsContainers.Transformations;

/// <summary>
/// Lets a project that crossed a process boundary bind where a <see cref="ContainerProjectSummary"/> is taken from the
/// pipeline (<c>Get-ContainerProject shop | Get-Container</c> in a remote session, with the summary or a loaded
/// <see cref="ContainerProject"/> sent from the console): PowerShell remoting, jobs and Import-Clixml deliver property
/// bags whose type names are <c>Deserialized.PsContainers.Core.Compose.ContainerProjectSummary</c> or
/// <c>...ContainerProject</c>, which no typed parameter takes, so without this the bag's Name bound to -Name as a
/// container name. The bag becomes a summary with its Name, ConfigFiles and WorkingDirectory (counts and status are
/// the store's to say, not the copy's). Anything else passes through unchanged, for the binder to judge. PowerShell
/// runs transformations before its type check, also in the binder's first pass (no coercion), so a deserialized
/// project binds here before any parameter could take its Name by property name.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DeserializedProjectTransformationAttribute : ArgumentTransformationAttribute
{
    private static readonly string[] TypeNames =
    [
        "Deserialized." + typeof(ContainerProjectSummary).FullName,
        "Deserialized." + typeof(ContainerProject).FullName,
    ];

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is not PSObject bag || bag.BaseObject is ContainerProjectSummary || !bag.TypeNames.Any(TypeNames.Contains))
            return inputData;
        string name = bag.Properties["Name"]?.Value?.ToString() ?? "";
        if (name.Length == 0) return inputData;
        List<string> files = bag.Properties["ConfigFiles"]?.Value switch
        {
            null => [],
            string one => [one],
            PSObject { BaseObject: string one } => [one],
            object many => LanguagePrimitives.GetEnumerable(many) is { } items
                ? items.Cast<object?>().Select(o => o?.ToString() ?? "").Where(s => s.Length > 0).ToList()
                : [],
        };
        return new ContainerProjectSummary
        {
            Name = name,
            ConfigFiles = files,
            WorkingDirectory = bag.Properties["WorkingDirectory"]?.Value?.ToString(),
        };
    }
}
