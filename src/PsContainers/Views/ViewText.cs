using System.Globalization;
using System.Text.RegularExpressions;
using PsContainers.Core.Images;

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
    /// A container's image as docker ps shows it: a full image id ("sha256:" and 64 hex digits, as a build's working
    /// container or <c>Invoke-ContainerImage &lt;id&gt;</c> records it) is its 12-digit short id; any other reference is
    /// left as it is. Null is "".
    /// </summary>
    public static string ContainerImage(string? image) =>
        image is not null && Core.Util.Digest.IsValid(image) ? Core.Util.Digest.Short(image) : image ?? "";

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
    public static string WrapPath(string? text, int width) =>
        WrapLines(text, width, (line, start, w) =>
        {
            int brk = line.LastIndexOfAny(Breaks, start + w - 1, w);
            return brk > start ? brk + 1 : start + w;
        });

    /// <summary>
    /// docker stats' MEM USAGE / LIMIT: both sizes as docker's units.BytesSize writes them ("0B / 7.714GiB",
    /// "1.5MiB / 1GiB", "428KiB / 512MiB": 1024-based units, at most 4 significant digits, no trailing zeros; '.' in
    /// every culture). A limit of null or 0 (none could be read) is "unlimited".
    /// </summary>
    public static string MemoryUsage(long usage, long? limit) =>
        BytesSize(usage) + " / " + (limit is > 0 ? BytesSize(limit.Value) : "unlimited");

    /// <summary>docker stats' BLOCK I/O: bytes read and written as <see cref="HumanSize"/> writes them: "0B / 1.57MB".</summary>
    public static string BlockIO(long read, long written) => HumanSize(read) + " / " + HumanSize(written);

    /// <summary>docker stats' NET I/O: bytes received and sent as <see cref="HumanSize"/> writes them: "1.23kB / 648B".</summary>
    public static string NetIO(long received, long sent) => HumanSize(received) + " / " + HumanSize(sent);

    /// <summary>docker's units.BytesSize ("1.5MiB"): <see cref="HumanFormat.BytesSize"/>, whose rule this is.</summary>
    public static string BytesSize(long bytes) => HumanFormat.BytesSize(bytes);

    /// <summary>docker's units.HumanSizeWithPrecision(size, 3) ("1.23kB"): <see cref="HumanFormat.HumanSize"/>, whose rule this is.</summary>
    public static string HumanSize(long bytes) => HumanFormat.HumanSize(bytes);

    /// <summary>docker stats' CPU % and MEM % ("12.35%"): <see cref="HumanFormat.Percent"/>, whose rule this is.</summary>
    public static string Percent(double percent) => HumanFormat.Percent(percent);

    /// <summary>
    /// <paramref name="text"/> in lines of at most <paramref name="width"/> characters joined by "\n", so a table row
    /// with &lt;Wrap /&gt; (which PowerShell breaks at the column width, mid-word) shows it whole and broken between its
    /// parts. Lines already in the text ("\n") stay lines. A line longer than the width ends after a space or one of
    /// <paramref name="breaks"/>: the first of them, in their order, that leaves a line of at least half the width (a
    /// space just after a line of the whole width counts: "Exited (137) 2 hours ago" at 20 is "Exited (137) 2 hours" and "ago"),
    /// else the last break of any, else it is cut at the width; a space at a line's end is dropped. Breaks for a
    /// name: "-_."; for an image reference: "/:@.-"; for words: "". Text that fits is returned as is; null is "". A
    /// width under 1 is taken as 1.
    /// </summary>
    public static string Wrap(string? text, int width, string? breaks)
    {
        var order = (" " + (breaks ?? "")).ToCharArray();
        return WrapLines(text, width, (line, start, w) =>
        {
            int end = -1, any = -1;
            foreach (var b in order)
            {
                // a space right after a full line is a break too: it is dropped, so the line keeps the whole width
                int at = b == ' ' ? line.LastIndexOf(b, start + w, w + 1) : line.LastIndexOf(b, start + w - 1, w);
                if (at < start) continue;
                any = Math.Max(any, at);
                if (end < 0 && at + 1 - start >= (w + 1) / 2) end = at + 1;
            }
            return end >= 0 ? end : any >= start ? any + 1 : start + w;
        });
    }

    /// <summary>
    /// The one wrapping loop of <see cref="WrapPath"/> and <see cref="Wrap"/>: each "\n" line of <paramref name="text"/>
    /// longer than <paramref name="width"/> is cut where <paramref name="endOf"/>(line, start, width) says (the index
    /// after the break), a space at a line's end dropped; text that fits is returned as is, null is "", a width under 1
    /// is 1.
    /// </summary>
    private static string WrapLines(string? text, int width, Func<string, int, int, int> endOf)
    {
        var t = text ?? "";
        width = Math.Max(1, width);
        if (t.Length <= width && !t.Contains('\n')) return t;
        var lines = new List<string>();
        foreach (var line in t.Split('\n'))
        {
            int start = 0;
            while (line.Length - start > width)
            {
                int end = endOf(line, start, width);
                lines.Add(line[start..end].TrimEnd(' '));
                start = end;
            }
            lines.Add(line[start..]);
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The items of a list one per line, each wrapped by <see cref="Wrap"/> (a container's published ports, a
    /// network's containers): <paramref name="items"/> is an array, or one text whose items are separated by ", "
    /// (Container.Ports). Null or empty is "".
    /// </summary>
    public static string Lines(object? items, int width, string? breaks)
    {
        if (items is System.Management.Automation.PSObject p) items = p.BaseObject;
        var list = items switch
        {
            null => [],
            string s => s.Split(", ", StringSplitOptions.RemoveEmptyEntries),
            System.Collections.IEnumerable e => e.Cast<object?>().Select(o => o?.ToString() ?? "").Where(x => x.Length > 0).ToArray(),
            _ => [items.ToString() ?? ""],
        };
        return Wrap(string.Join('\n', list), width, breaks);
    }

    /// <summary>
    /// A volume's size as Get-ContainerVolume's table shows it: 1024-based, one decimal, "kB", "MB", "GB" (docker
    /// system df -v's volume sizes): "24B", "4.0kB", "1.5GB" ('.' in every culture).
    /// </summary>
    public static string VolumeSize(long bytes) => bytes switch
    {
        >= 1L << 30 => HumanFormat.Fixed(bytes / (double)(1L << 30), 1) + "GB",
        >= 1L << 20 => HumanFormat.Fixed(bytes / (double)(1L << 20), 1) + "MB",
        >= 1L << 10 => HumanFormat.Fixed(bytes / (double)(1L << 10), 1) + "kB",
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

    private static readonly char[] Breaks = ['/', ' '];

    [GeneratedRegex("^(?:sha256:)?([0-9a-f]{12})[0-9a-f]{52}$")]
    private static partial Regex LongId();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
