using System.Globalization;
using System.Text;

namespace PsContainers.Contract;

/// <summary>
/// Durations written as Go's <c>time.ParseDuration</c> reads them and <c>time.Duration.String</c> prints them, the
/// form docker's flags take (<c>--health-interval 1m30s</c>) and its messages show ("Health check exceeded timeout (30s)").
/// </summary>
public static class GoDuration
{
    /// <summary>
    /// Parse "300ms", "1.5s", "1m30s", "2h45m", "0": a sequence of decimal numbers, each with a unit (ns, us, µs, ms,
    /// s, m, h), an optional leading sign; a bare "0" is zero (Go's rules). Precision is 100 ns (a TimeSpan tick).
    /// </summary>
    /// <returns>False when the text is not such a duration, or is out of TimeSpan's range.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string s = text.Trim();
        bool negative = false;
        if (s[0] is '-' or '+') { negative = s[0] == '-'; s = s[1..]; }
        if (s == "0") return true;
        if (s.Length == 0) return false;
        decimal totalNs = 0;
        int i = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            int ustart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            decimal unit = s[ustart..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unit < 0) return false;
            try { totalNs += n * unit; } catch (OverflowException) { return false; }
        }
        decimal ticks = Math.Round(totalNs / 100m);
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Go's <c>Duration.String</c>: "0s", "500ms", "1.5s", "1m30s", "2h0m0s"; below a second in ms, µs or ns.</summary>
    public static string Format(TimeSpan d)
    {
        long ns = d.Ticks * 100;
        if (ns == 0) return "0s";
        var sb = new StringBuilder();
        if (ns < 0) { sb.Append('-'); ns = -ns; }
        if (ns < 1_000_000_000)
        {
            // below a second: the largest unit that keeps a whole part, with its fraction
            (long div, string unit) = ns < 1_000 ? (1L, "ns") : ns < 1_000_000 ? (1_000L, "µs") : (1_000_000L, "ms");
            sb.Append(Fraction(ns, div)).Append(unit);
            return sb.ToString();
        }
        long h = ns / 3_600_000_000_000, rest = ns % 3_600_000_000_000;
        long m = rest / 60_000_000_000; rest %= 60_000_000_000;
        if (h > 0) sb.Append(h.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (h > 0 || m > 0) sb.Append(m.ToString(CultureInfo.InvariantCulture)).Append('m');
        sb.Append(Fraction(rest, 1_000_000_000)).Append('s');
        return sb.ToString();
    }

    private static string Fraction(long value, long div)
    {
        string whole = (value / div).ToString(CultureInfo.InvariantCulture);
        long frac = value % div;
        if (frac == 0) return whole;
        string digits = frac.ToString(CultureInfo.InvariantCulture).PadLeft(div.ToString(CultureInfo.InvariantCulture).Length - 1, '0').TrimEnd('0');
        return whole + "." + digits;
    }
}
