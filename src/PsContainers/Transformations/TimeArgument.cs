using System.Globalization;
using System.Management.Automation;
using PsContainers.Contract;
using PsContainers.Core;

namespace PsContainers.Transformations;

/// <summary>
/// The time arguments of -Since/-Until (Get-ContainerLog, Get-ContainerEvent), as docker's --since/--until take them:
/// a DateTime or DateTimeOffset; a TimeSpan (that long ago); a number (Unix seconds); or a string: a duration such as
/// '10s', '10m', '1h30m' (Go's syntax, as docker) or '2d' (that long ago), 'hh:mm:ss' (that long ago) or a date/time ('2026-01-01T10:00:00', local
/// unless it says otherwise). PowerShell reads an unquoted 30s as the number 30 of type short and 2d as the decimal 2
/// before a cmdlet sees them; those two types are taken as the seconds and the days they were written as, so docker's
/// forms work unquoted too (another number is Unix seconds).
/// </summary>
public static class TimeArgument
{
    /// <summary>The argument as a UTC time; null for null.</summary>
    /// <exception cref="PscException">InvalidTime: the value is none of the accepted forms.</exception>
    public static DateTime? ToTime(object? v, string param)
    {
        if (v is null) return null;
        if (v is PSObject p) v = p.BaseObject;
        switch (v)
        {
            case DateTime d: return d.ToUniversalTime();
            case DateTimeOffset o: return o.UtcDateTime;
            case TimeSpan t: return DateTime.UtcNow - t.Duration();
            case short seconds: return DateTime.UtcNow - TimeSpan.FromSeconds(Math.Abs((int)seconds)); // 30s unquoted
            case decimal dayCount: return DateTime.UtcNow - TimeSpan.FromDays((double)Math.Abs(dayCount));     // 2d unquoted
            case int or long or double:
                return DateTimeOffset.FromUnixTimeMilliseconds((long)(Convert.ToDouble(v, CultureInfo.InvariantCulture) * 1000)).UtcDateTime;
            case string s:
                s = s.Trim();
                // docker's durations ("10s", "1h30m", "500ms": Go's time.ParseDuration), plus days ("2d")
                if (GoDuration.TryParse(s, out var span)) return DateTime.UtcNow - span.Duration();
                if (s.Length > 1 && s[^1] == 'd' && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double days))
                    return DateTime.UtcNow - TimeSpan.FromDays(days);
                if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts) && s.Contains(':') && !s.Contains('-')) return DateTime.UtcNow - ts;
                if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeLocal, out var dt)) return dt;
                break;
        }
        throw PscException.InvalidArgument(ErrorIds.InvalidTime, $"-{param} '{v}' is not a date, a TimeSpan, or a duration such as '10m'.", v);
    }
}
