using System.Globalization;
using System.Text.RegularExpressions;

namespace PsContainers.Core.Kube;

/// <summary>
/// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal number with an optional
/// binary suffix (Ki Mi Gi Ti Pi Ei: powers of 1024), decimal suffix (n u m k M G T P E: powers of 1000) or exponent
/// (e3, E-2). "64Mi" = 67108864, "500m" = 0.5, "1e3" = 1000.
/// </summary>
public static partial class KubeQuantity
{
    [GeneratedRegex("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$")]
    private static partial Regex QuantityRegex();

    /// <summary>The value of <paramref name="text"/>, or false when it is not a quantity.</summary>
    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        var m = QuantityRegex().Match(text.Trim());
        if (!m.Success || !decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
        string suffix = m.Groups[2].Value;
        try
        {
            value = suffix switch
            {
                "" => n,
                "Ki" => n * 1024m, "Mi" => n * 1024m * 1024, "Gi" => n * 1024m * 1024 * 1024, "Ti" => n * 1024m * 1024 * 1024 * 1024,
                "Pi" => n * 1024m * 1024 * 1024 * 1024 * 1024, "Ei" => n * 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
                "n" => n / 1_000_000_000m, "u" => n / 1_000_000m, "m" => n / 1000m,
                "k" => n * 1e3m, "M" => n * 1e6m, "G" => n * 1e9m, "T" => n * 1e12m, "P" => n * 1e15m, "E" => n * 1e18m,
                _ => n * Pow10(int.Parse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            };
            return true;
        }
        catch (OverflowException) { return false; }
    }

    private static decimal Pow10(int e)
    {
        if (e is > 28 or < -28) throw new OverflowException();
        decimal r = 1;
        for (int i = 0; i < Math.Abs(e); i++) r *= 10;
        return e < 0 ? 1 / r : r;
    }
}
