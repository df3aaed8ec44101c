using System.Globalization;
using System.Management.Automation;
using PsContainers.Contract;

namespace PsContainers.Transformations;

/// <summary>
/// Binds a -Signal (-StopSignal) argument: a signal number (an int, 1-64) or a name as docker kill accepts it
/// ("KILL", "SIGKILL", "kill", "RTMIN+3"; <see cref="Signals.TryParse"/>). A name is passed on as given (it is what
/// docker records as a stop signal); a number becomes its decimal text. Anything else fails at parameter binding,
/// before any container is touched. $null passes through (the parameter's default applies).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SignalTransformationAttribute : ArgumentTransformationAttribute
{
    /// <exception cref="ArgumentTransformationMetadataException">Not a signal name or a number 1-64.</exception>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? v = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (v is null) return null;
        string text = v switch
        {
            int or long or short or byte or sbyte or uint or ulong or ushort => Convert.ToString(v, CultureInfo.InvariantCulture)!,
            string s => s,
            _ => throw new ArgumentTransformationMetadataException($"'{v}' is not a signal name or number."),
        };
        if (!Signals.TryParse(text, out _))
            throw new ArgumentTransformationMetadataException($"'{text}' is not a signal name or number.");
        return text.Trim();
    }
}
