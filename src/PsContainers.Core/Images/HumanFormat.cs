namespace PsContainers.Core.Images;

/// <summary>docker-style human output: "2 hours ago", "4.3MB".</summary>
public static class HumanFormat
{
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

    private static string Plural(int n, string unit) => n == 1 ? $"{(unit == "hour" ? "An" : "1")} {unit} ago" : $"{n} {unit}s ago";
}
