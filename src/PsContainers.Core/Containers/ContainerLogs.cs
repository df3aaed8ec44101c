using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Containers;

/// <summary>Reads a container's json-file log (docker's format): tail, since/until, follow.</summary>
public static class ContainerLogs
{
    /// <summary>Parse one json-file line; null when it is not a valid record.</summary>
    public static ContainerLogEntry? ParseLine(string line, Container? c = null)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            string text = r.TryGetProperty("log", out var l) ? l.GetString() ?? "" : "";
            bool complete = text.EndsWith('\n');
            if (complete) text = text[..^1];
            if (text.EndsWith('\r')) text = text[..^1];
            var t = r.TryGetProperty("time", out var tm) && tm.GetString() is string ts
                ? DateTime.Parse(TruncateNanos(ts), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
                : DateTime.MinValue;
            return new ContainerLogEntry
            {
                Time = t,
                Stream = r.TryGetProperty("stream", out var s) ? s.GetString() ?? "stdout" : "stdout",
                Text = text,
                Complete = complete,
                ContainerId = c?.Id ?? "",
                ContainerName = c?.Name ?? "",
            };
        }
        catch (JsonException) { return null; }
        catch (FormatException) { return null; }
    }

    /// <summary>RFC3339Nano has 9 fraction digits, .NET 7: truncate (never round up past a later record).</summary>
    private static string TruncateNanos(string ts)
    {
        int dot = ts.IndexOf('.');
        if (dot < 0) return ts;
        int end = dot + 1;
        while (end < ts.Length && char.IsAsciiDigit(ts[end])) end++;
        return end - dot - 1 > 7 ? ts[..(dot + 8)] + ts[end..] : ts;
    }

    /// <summary>The last <paramref name="n"/> complete lines of a file, read backwards in blocks.</summary>
    public static List<string> TailLines(string path, int n)
    {
        var result = new List<string>();
        if (n <= 0 || !File.Exists(path)) return result;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long pos = fs.Length;
        var pending = new List<byte>();
        byte[] buf = new byte[64 * 1024];
        bool skippedTrailing = false;
        while (pos > 0 && result.Count < n)
        {
            int len = (int)Math.Min(buf.Length, pos);
            pos -= len;
            fs.Position = pos;
            fs.ReadExactly(buf, 0, len);
            for (int i = len - 1; i >= 0; i--)
            {
                if (buf[i] == '\n')
                {
                    if (!skippedTrailing && pending.Count == 0 && pos + i == fs.Length - 1) { skippedTrailing = true; continue; }
                    if (pending.Count > 0) { pending.Reverse(); result.Add(Encoding.UTF8.GetString(pending.ToArray())); pending.Clear(); }
                    if (result.Count >= n) break;
                }
                else pending.Add(buf[i]);
            }
        }
        if (pos == 0 && pending.Count > 0 && result.Count < n) { pending.Reverse(); result.Add(Encoding.UTF8.GetString(pending.ToArray())); }
        result.Reverse();
        return result;
    }

    /// <summary>
    /// The log entries of a container. <paramref name="follow"/> keeps reading new records until the
    /// container stops (and its log is drained) or <paramref name="ct"/> is cancelled.
    /// </summary>
    public static IEnumerable<ContainerLogEntry> Read(ContainerStore store, Container c, int? tail = null, DateTime? since = null,
        DateTime? until = null, bool follow = false, CancellationToken ct = default)
    {
        string path = Path.Combine(store.DirOf(c.Id), "json.log");
        long offset = 0;
        if (tail is int t)
        {
            // tail counts records before the since/until filters, like docker
            long len = File.Exists(path) ? new FileInfo(path).Length : 0;
            foreach (var line in TailLines(path, t))
            {
                var e = ParseLine(line, c);
                if (e is not null && Keep(e, since, until)) yield return e;
            }
            offset = len;
            // records appended between the length probe and the tail read may repeat; acceptable for a tail
        }
        else if (File.Exists(path))
        {
            foreach (var e in ReadFrom(path, c, ref offset, since, until)) yield return e;
        }
        if (!follow) yield break;
        while (!ct.IsCancellationRequested)
        {
            var batch = File.Exists(path) ? ReadFrom(path, c, ref offset, since, until) : new List<ContainerLogEntry>();
            foreach (var e in batch) yield return e;
            if (until is DateTime u && DateTime.UtcNow > u) yield break;
            if (batch.Count == 0)
            {
                var cur = store.Load(c.Id);
                if (cur is null || !cur.State.Running)
                {
                    // drain what the monitor wrote last, then stop
                    foreach (var e in File.Exists(path) ? ReadFrom(path, c, ref offset, since, until) : new List<ContainerLogEntry>()) yield return e;
                    yield break;
                }
                ct.WaitHandle.WaitOne(50);
            }
        }
    }

    private static bool Keep(ContainerLogEntry e, DateTime? since, DateTime? until) =>
        (since is null || e.Time >= since.Value.ToUniversalTime()) && (until is null || e.Time <= until.Value.ToUniversalTime());

    private static List<ContainerLogEntry> ReadFrom(string path, Container c, ref long offset, DateTime? since, DateTime? until)
    {
        var list = new List<ContainerLogEntry>();
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (fs.Length <= offset) return list;
        fs.Position = offset;
        byte[] data = new byte[fs.Length - offset];
        int got = 0;
        while (got < data.Length) { int n = fs.Read(data, got, data.Length - got); if (n <= 0) break; got += n; }
        int start = 0;
        for (int i = 0; i < got; i++)
        {
            if (data[i] != '\n') continue;
            var e = ParseLine(Encoding.UTF8.GetString(data, start, i - start), c);
            if (e is not null && Keep(e, since, until)) list.Add(e);
            start = i + 1;
        }
        offset += start; // a partially written last record is read next time
        return list;
    }
}
