using System.Management.Automation;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace PsContainers;

/// <summary>
/// Makes PowerShell's ConvertTo-Json write the module's enums by name ("Healthy", "Container", "Added"), not as
/// numbers, without -EnumsAsStrings. ConvertTo-Json hands enum values to Json.NET (the copy PowerShell loads), whose
/// serializer starts from <see cref="JsonConvert.DefaultSettings"/>; at import the module adds to those settings a
/// converter that only takes enums declared in the PsContainers assemblies, so every other enum in the session keeps
/// PowerShell's behaviour. Settings already installed by someone else are kept and extended. Installed once per process.
/// </summary>
public sealed class EnumNamesInJson : IModuleAssemblyInitializer
{
    private static int s_installed;

    /// <summary>Called by PowerShell when the module is imported.</summary>
    public void OnImport()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 1) return;
        var previous = JsonConvert.DefaultSettings;
        JsonConvert.DefaultSettings = () =>
        {
            var settings = previous?.Invoke() ?? new JsonSerializerSettings();
            settings.Converters.Add(new ModuleEnumConverter());
            return settings;
        };
    }

    /// <summary>StringEnumConverter for the enums of this module's assemblies only (names as declared).</summary>
    private sealed class ModuleEnumConverter : StringEnumConverter
    {
        public override bool CanConvert(Type objectType)
        {
            var t = Nullable.GetUnderlyingType(objectType) ?? objectType;
            return t.IsEnum && t.Assembly.GetName().Name is string n && n.StartsWith("PsContainers", StringComparison.Ordinal);
        }
    }
}
