using System.Globalization;
using System.Management.Automation;
using PsContainers.Core.Util;

namespace PsContainers.Transformations;

/// <summary>
/// Turns a size parameter's argument into bytes (a long), the way docker's command line reads sizes
/// (units.RAMInBytes, see <see cref="ByteSize"/>): a whole number is bytes (PowerShell's 64MB literal included);
/// a string may carry a unit: "256m", "1g", "512MB", "1.5GiB". Anything else fails parameter binding
/// (ParameterArgumentTransformationError) with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ByteSizeTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Also take -1 (or "-1"): "unlimited", as docker's --memory-swap -1.</summary>
    public bool AllowUnlimited { get; set; }

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object v = inputData is PSObject p ? p.BaseObject : inputData;
        switch (v)
        {
            case null: return null!;
            case long or int or short or byte or sbyte or ushort or uint:
                long n = Convert.ToInt64(v, CultureInfo.InvariantCulture);
                return n >= 0 || (AllowUnlimited && n == -1) ? n : throw Bad(v);
            case ulong u when u <= long.MaxValue: return (long)u;
            case double or float or decimal:
                decimal d = Convert.ToDecimal(v, CultureInfo.InvariantCulture);
                return d >= 0 && d <= long.MaxValue && d == decimal.Truncate(d) ? (long)d : throw Bad(v);
            case string s when ByteSize.TryParse(s, out long bytes): return bytes;
            case string s when AllowUnlimited && s.Trim() == "-1": return -1L;
            default: throw Bad(v);
        }
    }

    private static ArgumentTransformationMetadataException Bad(object v) =>
        new($"'{v}' is not a size: give bytes, or a number with a unit such as 512k, 256m, 1g or 512MB.");
}
