namespace PsContainers.Core.Images;

/// <summary>docker-style human output: "2 hours ago", "4.3MB".</summary>
public static class HumanFormat
{
    /// <summary>
    /// A size in decimal units as docker prints it (go-units HumanSize: 1000-based, "B", "kB", "MB", "GB", "TB", no
    /// space): "512B", "4.3MB", "123MB". Used by every table and by pull/push progress ("4.3MB of 28MB at 9.1MB/s").
    /// </summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.Length - 1) { v /= 1000; u++; }
        return u == 0 ? $"{bytes}B" : (v >= 100 ? v.ToString("0") : v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)) + units[u];
    }

    public static string Ago(DateTime? when) => when is null ? "N/A" : Ago(when.Value, DateTime.UtcNow);

    public static string Ago(DateTime when, DateTime now)
    {
        var d = now - when.ToUniversalTime();
        if (d.TotalSeconds < 1) return "Less than a second ago";
        if (d.TotalSeconds < 60) return Plural((int)d.TotalSeconds, "second");
        if (d.TotalMinutes < 60) return Plural((int)d.TotalMinutes, "minute");
        if (d.TotalHours < 48) return (int)d.TotalHours == 1 ? "About an hour ago" : Plural((int)d.TotalHours, "hour");
        if (d.TotalDays < 14) return Plural((int)d.TotalDays, "day");
        if (d.TotalDays < 60) return Plural((int)(d.TotalDays / 7), "week");
        if (d.TotalDays < 730) return Plural((int)(d.TotalDays / 30), "month");
        return Plural((int)(d.TotalDays / 365), "year");
    }

    /// <summary>
    /// A duration in at most four characters for tables that must fit 80 columns: "0s" under a second, then "45s",
    /// "12m", "5h", "3d", "2w", "4mo", "1y" (whole units, rounded down; the unit changes at 60 s, 60 min, 48 h, 14 d,
    /// 60 d and 730 d, as <see cref="Ago(DateTime, DateTime)"/>). A negative duration (a clock set back) is "0s".
    /// </summary>
    public static string Short(TimeSpan d)
    {
        if (d.TotalSeconds < 60) return $"{Math.Max(0, (int)d.TotalSeconds)}s";
        if (d.TotalMinutes < 60) return $"{(int)d.TotalMinutes}m";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h";
        if (d.TotalDays < 14) return $"{(int)d.TotalDays}d";
        if (d.TotalDays < 60) return $"{(int)(d.TotalDays / 7)}w";
        if (d.TotalDays < 730) return $"{(int)(d.TotalDays / 30)}mo";
        return $"{(int)(d.TotalDays / 365)}y";
    }

    /// <summary>"3s ago", "2h ago" (<see cref="Short"/>); "N/A" for no time.</summary>
    public static string ShortAgo(DateTime? when) => when is null ? "N/A" : Short(DateTime.UtcNow - when.Value.ToUniversalTime()) + " ago";

    private static string Plural(int n, string unit) => n == 1 ? $"{(unit == "hour" ? "An" : "1")} {unit} ago" : $"{n} {unit}s ago";
}
