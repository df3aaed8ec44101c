using System.Globalization;
using System.Text.RegularExpressions;

namespace PsContainers.Views;

/// <summary>
/// The texts the table views of module/formats/*.format.ps1xml compute from a property, shared by a view and its
/// Remote* twin (the default view of the same type deserialized, which leaves the PSComputerName column room) so both
/// write the same text. Each takes the raw property values, so it serves live objects and the property bags of
/// deserialized ones alike.
/// </summary>
public static partial class ViewText
{
    /// <summary>
    /// <paramref name="text"/> in at most <paramref name="width"/> characters: whole when it fits, else its start and
    /// "..." (docker's cut of a command in docker history and docker ps --no-trunc=false). Runs of white space become
    /// one space first, so a multi-line RUN step stays on one row. Null is "". A width under 4 is taken as 4.
    /// </summary>
    public static string Cut(string? text, int width)
    {
        var t = Spaces().Replace(text ?? "", " ");
        width = Math.Max(4, width);
        return t.Length <= width ? t : t[..(width - 3)] + "...";
    }

    /// <summary>
    /// <paramref name="text"/> in at most <paramref name="width"/> characters: whole when it fits, else "..." and its
    /// end, as an image reference is cut where its name (the end) matters more than its registry. Null is "". A width
    /// under 4 is taken as 4.
    /// </summary>
    public static string CutStart(string? text, int width)
    {
        var t = text ?? "";
        width = Math.Max(4, width);
        return t.Length <= width ? t : "..." + t[^(width - 3)..];
    }

    /// <summary>
    /// <paramref name="text"/> (an image repository, a path) in lines of at most <paramref name="width"/> characters
    /// joined by "\n", each line ending after the last '/' or space that falls within it (else cut at the width; a
    /// space at a line's end is dropped), so a table with &lt;Wrap /&gt; shows a long repository whole and broken
    /// between its parts: "registry.example.com:5000/platform-team/" then "web-frontend". Text that fits is returned
    /// as is; null is "".
    /// A width under 1 is taken as 1.
    /// </summary>
    public static string WrapPath(string? text, int width)
    {
        var t = text ?? "";
        width = Math.Max(1, width);
        if (t.Length <= width) return t;
        var lines = new List<string>();
        int start = 0;
        while (t.Length - start > width)
        {
            int brk = t.LastIndexOfAny(Breaks, start + width - 1, width);
            int end = brk > start ? brk + 1 : start + width;
            lines.Add(t[start..end].TrimEnd(' '));
            start = end;
        }
        lines.Add(t[start..]);
        return string.Join('\n', lines);
    }

    /// <summary>
    /// docker stats' MEM USAGE / LIMIT: "428KiB / unlimited", "12.50MiB / 1.00GiB" (1024-based units, two decimals
    /// from MiB up, whole KiB below; the number format of the current culture). A limit of null or 0 (none set) is
    /// "unlimited".
    /// </summary>
    public static string MemoryUsage(long usage, long? limit) =>
        BinarySize(usage) + " / " + (limit is > 0 ? BinarySize(limit.Value) : "unlimited");

    /// <summary>docker stats' BLOCK I/O: bytes read and written in MB (2^20 bytes, one decimal): "0.0MB / 1.5MB".</summary>
    public static string BlockIO(long read, long written) =>
        string.Format(CultureInfo.CurrentCulture, "{0:N1}MB / {1:N1}MB", read / 1048576.0, written / 1048576.0);

    /// <summary>
    /// A volume's size as Get-ContainerVolume's table shows it: 1024-based, one decimal, "kB", "MB", "GB" (docker
    /// system df -v's volume sizes): "24B", "4.0kB", "1.5GB".
    /// </summary>
    public static string VolumeSize(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Format(CultureInfo.CurrentCulture, "{0:N1}GB", bytes / (double)(1L << 30)),
        >= 1L << 20 => string.Format(CultureInfo.CurrentCulture, "{0:N1}MB", bytes / (double)(1L << 20)),
        >= 1L << 10 => string.Format(CultureInfo.CurrentCulture, "{0:N1}kB", bytes / (double)(1L << 10)),
        _ => bytes.ToString(CultureInfo.InvariantCulture) + "B",
    };

    /// <summary>
    /// docker events' actor: "name (short id)" when the actor has a name other than its ID, else the ID; an ID of 64
    /// hex digits (with or without "sha256:") is shortened to its first 12. Null is "".
    /// </summary>
    public static string Actor(string? id, string? name)
    {
        var shown = id ?? "";
        var m = LongId().Match(shown);
        if (m.Success) shown = m.Groups[1].Value;
        return !string.IsNullOrEmpty(name) && name != id ? $"{name} ({shown})" : shown;
    }

    private static string BinarySize(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Format(CultureInfo.CurrentCulture, "{0:N2}GiB", bytes / (double)(1L << 30)),
        >= 1L << 20 => string.Format(CultureInfo.CurrentCulture, "{0:N2}MiB", bytes / (double)(1L << 20)),
        _ => string.Format(CultureInfo.CurrentCulture, "{0:N0}KiB", bytes / 1024.0),
    };

    private static readonly char[] Breaks = ['/', ' '];

    [GeneratedRegex("^(?:sha256:)?([0-9a-f]{12})[0-9a-f]{52}$")]
    private static partial Regex LongId();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
