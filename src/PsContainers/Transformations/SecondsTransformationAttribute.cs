using System.Globalization;
using System.Management.Automation;

namespace PsContainers.Transformations;

/// <summary>
/// Turns a timeout parameter's argument into a TimeSpan where the engine's cmdlets count in seconds (Stop-Container
/// -Timeout, Start-ContainerProject -WaitTimeout, docker's <c>--time</c>/<c>-t</c>): a number (int, long, double,
/// decimal, or a string that is one) is seconds; a TimeSpan is kept; a duration string ("30s", "1m30s", "500ms") or a
/// TimeSpan text ("00:01:30") is read as <see cref="DurationTransformationAttribute"/> reads it. A negative value, NaN
/// or infinity, or anything else fails parameter binding (ParameterArgumentTransformationError) with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object v = inputData is PSObject p ? p.BaseObject : inputData;
        double? seconds = v switch
        {
            byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDouble(v, CultureInfo.InvariantCulture),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        if (seconds is { } n)
        {
            if (double.IsNaN(n) || double.IsInfinity(n) || n < 0 || n > TimeSpan.MaxValue.TotalSeconds)
                throw new ArgumentTransformationMetadataException($"'{v}' is not a timeout: give a number of seconds (0 or more), a TimeSpan, or a duration such as 30s or 1m30s.");
            return TimeSpan.FromSeconds(n);
        }
        try { return new DurationTransformationAttribute().Transform(engineIntrinsics, v); }
        catch (ArgumentTransformationMetadataException)
        {
            throw new ArgumentTransformationMetadataException($"'{v}' is not a timeout: give a number of seconds, a TimeSpan, or a duration such as 30s or 1m30s.");
        }
    }
}
