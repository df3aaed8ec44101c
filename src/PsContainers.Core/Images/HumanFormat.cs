using System.Globalization;

namespace PsContainers.Core.Images;

/// <summary>
/// docker-style human output: "2 hours ago", "4.3MB". The one owner of docker's size and percent renderings (the views'
/// ViewText calls these): every number is written with '.' as its decimal separator and no group separator, whatever
/// the current culture, as docker writes them (Go's fmt knows no locale).
/// </summary>
public static class HumanFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] BinaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    private static readonly string[] DecimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>
    /// A size in decimal units (1000-based, "B", "kB", "MB", "GB", "TB", no space): bytes as they are, then at most two
    /// decimals without trailing zeros, none from 100 on: "512B", "1.98MB", "4.3GB", "123MB". Used by every table and by
    /// pull/push progress ("4.3MB of 28MB at 9.1MB/s") and prune ("Total reclaimed space: 1.98MB").
    /// </summary>
    public static string Size(long bytes)
    {
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < 4) { v /= 1000; u++; }
        return u == 0 ? bytes.ToString(Invariant) + "B" : v.ToString(v >= 100 ? "0" : "0.##", Invariant) + DecimalUnits[u];
    }

    /// <summary>
    /// A size in bytes as docker's units.BytesSize (docker stats' MEM USAGE / LIMIT, docker info's Total Memory):
    /// divided by 1024 while it is 1024 or more, then at most 4 significant digits (Go's "%.4g") and B, KiB, MiB, GiB,
    /// TiB, PiB or EiB: 0 is "0B", 1023 is "1023B", 1572864 is "1.5MiB", 8284000000 is "7.715GiB".
    /// </summary>
    public static string BytesSize(long bytes) => Scaled(bytes, 1024, BinaryUnits, "g4");

    /// <summary>
    /// A size in bytes as docker's units.HumanSizeWithPrecision(size, 3) (docker stats' NET I/O and BLOCK I/O):
    /// divided by 1000 while it is 1000 or more, then at most 3 significant digits (Go's "%.3g") and B, kB, MB, GB, TB,
    /// PB or EB: 648 is "648B", 1234 is "1.23kB", 999999 is "1e+03kB" (Go's %g, as docker prints it).
    /// </summary>
    public static string HumanSize(long bytes) => Scaled(bytes, 1000, DecimalUnits, "g3");

    /// <summary>
    /// A percentage as docker stats writes CPU % and MEM % (Go's "%.2f%%"): two decimals, no group separator: 0 is
    /// "0.00%", 12.345 is "12.35%", 1234.5 is "1234.50%". NaN is "--" (docker's text for no value).
    /// </summary>
    public static string Percent(double percent) => double.IsNaN(percent) ? "--" : percent.ToString("0.00", Invariant) + "%";

    /// <summary>
    /// A number with <paramref name="decimals"/> decimals (0 to 15), '.' as separator and no group separator: the size
    /// and percent texts of tables that are not docker's units (a volume's "1.5GB").
    /// </summary>
    public static string Fixed(double value, int decimals) =>
        value.ToString("F" + Math.Clamp(decimals, 0, 15).ToString(Invariant), Invariant);

    private static string Scaled(long bytes, double unit, string[] units, string format)
    {
        double size = bytes;
        int i = 0;
        while (Math.Abs(size) >= unit && i < units.Length - 1) { size /= unit; i++; }
        return size.ToString(format, Invariant) + units[i];
    }

    public static string Ago(DateTime? when) => when is null ? "N/A" : Ago(when.Value, DateTime.UtcNow);

    /// <summary>
    /// <see cref="Ago(DateTime?)"/> for the image table's CREATED column, 14 characters wide so that the table fits 80
    /// columns: the same words, except the two phrases longer than the column, "Less than a second ago" (as
    /// "&lt; 1 second ago") and "About an hour ago" (as "1 hour ago"). The object keeps the time itself (Created).
    /// </summary>
    public static string AgoColumn(DateTime? when) => Column(Ago(when));

    internal static string Column(string ago) => ago switch
    {
        "Less than a second ago" => "< 1 second ago",
        "About an hour ago" => "1 hour ago",
        _ => ago,
    };

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
