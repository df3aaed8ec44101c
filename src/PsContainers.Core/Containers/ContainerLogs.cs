using System.Globalization;
using System.Text;
using System.Text.Json;
using PsContainers.Contract;

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
            if (complete && text.EndsWith('\r')) text = text[..^1]; // a partial part keeps it: the line goes on
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
                Project = c?.Project,
                Service = c?.Service,
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
    /// The log entries of a container, one per line the program wrote: the partial records the json-file log holds
    /// for a line longer than 16 KiB are rejoined into one entry (<see cref="LogLineJoiner"/>), as <c>docker logs</c>
    /// shows them. <paramref name="tail"/> gives the last lines in that order (docker's --tail), <paramref name="since"/> and
    /// <paramref name="until"/> filter on the time of a line's first part. <paramref name="follow"/> keeps reading new
    /// records until the container stops (and its log is drained) or <paramref name="ct"/> is cancelled; a line still
    /// without its last part when reading ends is returned as it is, with <see cref="ContainerLogEntry.Complete"/> false.
    /// </summary>
    /// <param name="caughtUp">Called once, when the lines already in the log have been returned (before following).</param>
    /// <param name="cursor">Where to begin (its byte offset in the log, a record boundary; <paramref name="tail"/> is
    /// then ignored) when it is past 0, and kept up to date with how far the log has been read, so a later
    /// <see cref="Read"/> goes on where this one ended.</param>
    public static IEnumerable<ContainerLogEntry> Read(ContainerStore store, Container c, int? tail = null, DateTime? since = null,
        DateTime? until = null, bool follow = false, CancellationToken ct = default, Action? caughtUp = null, LogCursor? cursor = null)
    {
        string path = Path.Combine(store.DirOf(c.Id), ContainerMarkers.LogFile);
        var joiner = new LogLineJoiner();
        long offset = cursor?.Offset ?? 0;
        if (offset > 0)
        {
            foreach (var e in Join(joiner, File.Exists(path) ? ReadFrom(path, c, ref offset, cursor) : [], since, until)) yield return e;
        }
        else if (tail is int t)
        {
            // tail counts lines before the since/until filters, like docker
            long len = File.Exists(path) ? new FileInfo(path).Length : 0;
            foreach (var e in Join(joiner, TailRecords(path, t, c), since, until)) yield return e;
            offset = len;
            if (cursor is not null) cursor.Offset = len;
            // records appended between the length probe and the tail read may repeat; acceptable for a tail
        }
        else if (File.Exists(path))
        {
            foreach (var e in Join(joiner, ReadFrom(path, c, ref offset, cursor), since, until)) yield return e;
        }
        caughtUp?.Invoke();
        if (follow)
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = File.Exists(path) ? ReadFrom(path, c, ref offset, cursor) : new List<ContainerLogEntry>();
                foreach (var e in Join(joiner, batch, since, until)) yield return e;
                if (until is DateTime u && DateTime.UtcNow > u) break;
                if (batch.Count == 0)
                {
                    var cur = store.Load(c.Id);
                    if (cur is null || !cur.State.Running)
                    {
                        // drain what the monitor wrote last, then stop
                        var last = File.Exists(path) ? ReadFrom(path, c, ref offset, cursor) : new List<ContainerLogEntry>();
                        foreach (var e in Join(joiner, last, since, until)) yield return e;
                        break;
                    }
                    ct.WaitHandle.WaitOne(50);
                }
            }
        }
        foreach (var e in joiner.Flush()) if (Keep(e, since, until)) yield return e;
    }

    /// <summary>
    /// The logs of several containers as one stream (docker compose logs): what each log already holds (each with
    /// <paramref name="tail"/>, <paramref name="since"/>, <paramref name="until"/> as <see cref="Read"/>) merged in time
    /// order (equal times keep the order of <paramref name="containers"/>), then, with <paramref name="follow"/>, new
    /// lines of any of them as they are written, until every container has stopped or <paramref name="ct"/> is
    /// cancelled. Each container is read on its own thread; ending the enumeration early stops them.
    /// </summary>
    /// <param name="discover">
    /// With <paramref name="follow"/>: the containers to follow now (e.g. a compose project's, from the store), asked
    /// every <see cref="DiscoverInterval"/>, so lines of containers that start later are followed too, as docker compose
    /// logs -f attaches to them: a container not seen before (a new replica of a scale-up, the new container of a
    /// recreate, a one-off) from the first line of its log (<paramref name="since"/>/<paramref name="until"/> still
    /// apply; <paramref name="tail"/> does not), and a seen one that runs again after its reader ended (a restart)
    /// from where its reader stopped, so no line is written twice. The stream then ends only when no reader is left,
    /// no discovered container is running, and none has been running for <paramref name="settle"/> (3 s when null:
    /// the gap between the stop and the start of a restart or recreate).
    /// </param>
    public static IEnumerable<ContainerLogEntry> ReadMany(ContainerStore store, IReadOnlyList<Container> containers, int? tail = null,
        DateTime? since = null, DateTime? until = null, bool follow = false, CancellationToken ct = default,
        Func<IReadOnlyList<Container>>? discover = null, TimeSpan? settle = null)
    {
        if (containers.Count == 0) yield break;
        if (!follow) discover = null;
        if (containers.Count == 1 && discover is null)
        {
            foreach (var e in Read(store, containers[0], tail, since, until, follow, ct)) yield return e;
            yield break;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // (source, entry): an entry; (source, null) with caught-up or done counted below
        using var queue = new System.Collections.Concurrent.BlockingCollection<(int Source, ContainerLogEntry? Entry, bool Done)>();
        var readers = new List<Task>();
        var sources = new List<Container>();
        var cursors = new List<LogCursor>();
        var reading = new List<bool>();
        void Start(int source, int? sourceTail)
        {
            reading[source] = true;
            readers.Add(Task.Run(() =>
            {
                bool caught = false;
                try
                {
                    foreach (var e in Read(store, sources[source], sourceTail, since, until, follow, cts.Token,
                                 () => { caught = true; queue.Add((source, null, false)); }, cursors[source]))
                        queue.Add((source, e, false));
                }
                catch (OperationCanceledException) { }
                catch (InvalidOperationException) when (queue.IsAddingCompleted) { }
                finally
                {
                    try
                    {
                        if (!caught) queue.Add((source, null, false));
                        queue.Add((source, null, true));
                    }
                    catch (InvalidOperationException) { }
                }
            }));
        }
        int Add(Container c) { sources.Add(c); cursors.Add(new LogCursor()); reading.Add(false); return sources.Count - 1; }
        foreach (var c in containers) Add(c);
        for (int i = 0; i < containers.Count; i++) Start(i, tail);
        try
        {
            var history = new List<(int Source, ContainerLogEntry Entry)>();
            int caughtUp = 0, active = containers.Count;
            // until every reader has returned what its log held: collect, then sort by time
            while (caughtUp < containers.Count)
            {
                if (!TryTake(queue, cts.Token, out var item)) yield break;
                if (item.Entry is { } e) history.Add((item.Source, e));
                else if (item.Done) { active--; reading[item.Source] = false; }
                else caughtUp++;
            }
            foreach (var h in history.OrderBy(h => h.Entry.Time).ThenBy(h => h.Source)) yield return h.Entry;
            var lastLive = DateTime.UtcNow;
            var nextPoll = DateTime.UtcNow;
            var quiet = settle ?? TimeSpan.FromSeconds(3);
            while (true)
            {
                if (discover is null)
                {
                    if (active == 0) break;
                    if (!TryTake(queue, cts.Token, out var item)) yield break;
                    if (item.Entry is { } e) yield return e;
                    else if (item.Done) active--;
                    continue;
                }
                var wait = nextPoll - DateTime.UtcNow;
                bool got;
                (int Source, ContainerLogEntry? Entry, bool Done) next;
                try { got = queue.TryTake(out next, (int)Math.Max(0, Math.Ceiling(wait.TotalMilliseconds)), cts.Token); }
                catch (OperationCanceledException) { yield break; }
                if (got)
                {
                    if (next.Entry is { } e) yield return e;
                    else if (next.Done) { active--; reading[next.Source] = false; }
                    continue;
                }
                nextPoll = DateTime.UtcNow + DiscoverInterval;
                bool anyRunning = false;
                foreach (var c in discover())
                {
                    anyRunning |= c.State.Running;
                    int i = sources.FindIndex(x => x.Id == c.Id);
                    if (i < 0) { i = Add(c); Start(i, null); active++; }
                    else if (!reading[i] && c.State.Running) { sources[i] = c; Start(i, null); active++; }
                }
                if (active > 0 || anyRunning) lastLive = DateTime.UtcNow;
                else if (DateTime.UtcNow - lastLive >= quiet) break;
            }
        }
        finally
        {
            cts.Cancel();
            try { Task.WaitAll(readers.ToArray(), TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
            queue.CompleteAdding();
        }
    }

    /// <summary>How often <see cref="ReadMany"/> asks its discover callback for containers to follow.</summary>
    public static readonly TimeSpan DiscoverInterval = TimeSpan.FromMilliseconds(250);

    private static bool TryTake<T>(System.Collections.Concurrent.BlockingCollection<T> queue, CancellationToken ct, out T item)
    {
        try { item = queue.Take(ct); return true; }
        catch (OperationCanceledException) { item = default!; return false; }
    }

    private static IEnumerable<ContainerLogEntry> Join(LogLineJoiner joiner, IEnumerable<ContainerLogEntry> records, DateTime? since, DateTime? until)
    {
        foreach (var r in records)
            if (joiner.Add(r) is { } e && Keep(e, since, until)) yield return e;
    }

    /// <summary>
    /// The records of the last <paramref name="n"/> lines of the log, in the order <see cref="Read"/> returns lines
    /// (a line, a run of partial records of one stream closed by a complete one, comes when its last part does; one
    /// still open at the end comes last). Reads a window of records from the end, doubling it until the last n lines
    /// are known from their first part (or it holds the whole file).
    /// </summary>
    private static List<ContainerLogEntry> TailRecords(string path, int n, Container c)
    {
        if (n <= 0) return new();
        for (int k = n; ; k = k > int.MaxValue / 2 ? int.MaxValue : k * 2)
        {
            var lines = TailLines(path, k);
            bool whole = lines.Count < k || k == int.MaxValue;
            var recs = new List<ContainerLogEntry>();
            foreach (var l in lines) if (ParseLine(l, c) is { } r) recs.Add(r);
            // head: the index of the first part of each record's line, -1 when that part may be before the window
            var head = new int[recs.Count];
            var open = new Dictionary<string, int>(StringComparer.Ordinal); // stream -> head of its unfinished line
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var known = new List<(int Head, long End)>();   // lines begun in the window, by where they end
            long lastUnknownEnd = -1;                       // where the last line begun before the window ends
            for (int i = 0; i < recs.Count; i++)
            {
                string st = recs[i].Stream;
                if (open.TryGetValue(st, out int h)) head[i] = h;
                else head[i] = seen.Contains(st) || whole ? i : -1;
                seen.Add(st);
                if (!recs[i].Complete) { open[st] = head[i]; continue; }
                open.Remove(st);
                if (head[i] >= 0) known.Add((head[i], i)); else lastUnknownEnd = i;
            }
            foreach (var (st, h) in open.OrderBy(o => o.Value)) // still open: they come last, oldest first
            {
                if (h >= 0) known.Add((h, recs.Count + (long)h)); else lastUnknownEnd = long.MaxValue;
            }
            known.Sort((x, y) => x.End.CompareTo(y.End));
            bool enough = known.Count >= n && known[known.Count - n].End > lastUnknownEnd;
            if (!enough && !whole) continue;
            var chosen = new HashSet<int>(known.Skip(Math.Max(0, known.Count - n)).Select(x => x.Head));
            var result = new List<ContainerLogEntry>();
            for (int i = 0; i < recs.Count; i++) if (chosen.Contains(head[i])) result.Add(recs[i]);
            return result;
        }
    }

    private static bool Keep(ContainerLogEntry e, DateTime? since, DateTime? until) =>
        (since is null || e.Time >= since.Value.ToUniversalTime()) && (until is null || e.Time <= until.Value.ToUniversalTime());

    private static List<ContainerLogEntry> ReadFrom(string path, Container c, ref long offset, LogCursor? cursor)
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
            if (e is not null) list.Add(e);
            start = i + 1;
        }
        offset += start; // a partially written last record is read next time
        if (cursor is not null) cursor.Offset = offset;
        return list;
    }
}
