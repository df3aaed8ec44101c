using System.Globalization;
using System.Management.Automation;
using PsContainers.Contract;

namespace PsContainers.Transformations;

/// <summary>
/// Turns a duration parameter's argument into a TimeSpan, the way docker's flags read durations (Go's
/// time.ParseDuration, see <see cref="GoDuration"/>): a TimeSpan is kept; a string is "30s", "1m30s", "500ms", "2h",
/// "0", or a TimeSpan text ("00:01:30"). PowerShell reads an unquoted 30s as the number 30 of type short (its "s"
/// literal suffix), so a short is taken as seconds; any other bare number is refused (docker refuses it too: the
/// unit would be a guess). Unquoted 2.5s arrives as the short 2 (PowerShell rounds it): the help says to quote fractions.
/// Anything else fails parameter binding (ParameterArgumentTransformationError) with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object v = inputData is PSObject p ? p.BaseObject : inputData;
        switch (v)
        {
            case null: return null!;
            case TimeSpan t: return t;
            case string s when GoDuration.TryParse(s, out var d): return d;
            case string s when s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts): return ts;
            case short sec when sec >= 0: return TimeSpan.FromSeconds(sec); // 30s, read by PowerShell as [short]30
            case int or long when Convert.ToInt64(v, CultureInfo.InvariantCulture) == 0: return TimeSpan.Zero;
            default: throw new ArgumentTransformationMetadataException($"'{v}' is not a duration: give a TimeSpan or a duration with a unit such as 500ms, 30s, 1m30s or 2h.");
        }
    }
}
