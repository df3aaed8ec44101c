using System.Text;
using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class ContainerLogsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-log-" + Guid.NewGuid().ToString("N")[..10]);

    public ContainerLogsTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }

    private static string Rec(string text, string stream, DateTime t) =>
        $$"""{"log":{{System.Text.Json.JsonSerializer.Serialize(text)}},"stream":"{{stream}}","time":"{{t:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}}"}""";

    [Fact]
    public void ParsesADockerJsonFileRecord()
    {
        var e = ContainerLogs.ParseLine("""{"log":"hello \"x\"\n","stream":"stderr","time":"2026-11-28T01:02:03.123456789Z"}""")!;
        Assert.Equal("hello \"x\"", e.Text);
        Assert.Equal("stderr", e.Stream);
        Assert.True(e.Complete);
        Assert.Equal(new DateTime(2026, 11, 28, 1, 2, 3, DateTimeKind.Utc).AddTicks(1234567), e.Time);
        Assert.Equal(DateTimeKind.Utc, e.Time.Kind);
        Assert.Equal("hello \"x\"", e.ToString());
        e.ShowTimestamp = true;
        Assert.Equal("2026-11-28T01:02:03.1234567Z hello \"x\"", e.ToString());
    }

    [Fact]
    public void APartialLineIsMarkedIncomplete()
    {
        var e = ContainerLogs.ParseLine("""{"log":"no newline","stream":"stdout","time":"2026-11-28T01:02:03Z"}""")!;
        Assert.False(e.Complete);
        Assert.Equal("no newline", e.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"log\":\"x\",\"time\":\"yesterday\"}")]
    public void SkipsGarbage(string line) => Assert.Null(ContainerLogs.ParseLine(line));

    [Theory]
    [InlineData(0, 5, true)]
    [InlineData(3, 10, true)]
    [InlineData(10, 10, true)]
    [InlineData(20, 10, true)]
    [InlineData(7, 5000, false)]
    public void TailsTheLastLines(int n, int total, bool trailingNewline)
    {
        string f = Path.Combine(_dir, "t.log");
        var lines = Enumerable.Range(1, total).Select(i => "line " + i + new string('x', i % 97)).ToList();
        File.WriteAllText(f, string.Join('\n', lines) + (trailingNewline ? "\n" : ""));
        Assert.Equal(lines.Skip(Math.Max(0, total - n)).ToList(), ContainerLogs.TailLines(f, n));
    }

    [Fact]
    public void TailOfAMissingFileIsEmpty() => Assert.Empty(ContainerLogs.TailLines(Path.Combine(_dir, "none"), 5));

    private (ContainerStore, Container) LogOf(params string[] records)
    {
        var store = new ContainerStore(new PscPaths(_dir));
        var c = new Container { Id = new string('b', 64), Name = "logs" };
        Directory.CreateDirectory(store.DirOf(c.Id));
        File.WriteAllText(Path.Combine(store.DirOf(c.Id), "json.log"), string.Join("", records.Select(r => r + "\n")));
        return (store, c);
    }

    [Fact]
    public void ReadsWithTailSinceAndUntil()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var (store, c) = LogOf(Rec("a\n", "stdout", t0), Rec("b\n", "stderr", t0.AddSeconds(1)), Rec("c\n", "stdout", t0.AddSeconds(2)), Rec("d\n", "stdout", t0.AddSeconds(3)));
        Assert.Equal(["a", "b", "c", "d"], ContainerLogs.Read(store, c).Select(e => e.Text));
        Assert.Equal(["c", "d"], ContainerLogs.Read(store, c, tail: 2).Select(e => e.Text));
        Assert.Equal(["b", "c", "d"], ContainerLogs.Read(store, c, since: t0.AddSeconds(1)).Select(e => e.Text));
        Assert.Equal(["a", "b"], ContainerLogs.Read(store, c, until: t0.AddSeconds(1.5)).Select(e => e.Text));
        Assert.Equal(["b", "c"], ContainerLogs.Read(store, c, since: t0.AddSeconds(0.5), until: t0.AddSeconds(2)).Select(e => e.Text));
        Assert.Equal(["d"], ContainerLogs.Read(store, c, tail: 3, since: t0.AddSeconds(3)).Select(e => e.Text));
        Assert.All(ContainerLogs.Read(store, c), e => Assert.Equal("logs", e.ContainerName));
    }

    [Fact]
    public void FollowStopsWhenTheContainerIsNotRunningAndTheLogIsDrained()
    {
        var t0 = DateTime.UtcNow;
        var (store, c) = LogOf(Rec("x\n", "stdout", t0));
        // no state.json and no container.json: not running, so -Follow returns what is there
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(["x"], ContainerLogs.Read(store, c, follow: true).Select(e => e.Text));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void FollowEndsOnCancellation()
    {
        var (store, c) = LogOf();
        using var cts = new CancellationTokenSource(200);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(ContainerLogs.Read(store, c, follow: true, ct: cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    // ---- lines longer than 16 KiB: partial records rejoined (docker's json-file format, docker logs output) ----

    private static string[] Split(string line, string stream, DateTime t, int part)
    {
        var recs = new List<string>();
        for (int i = 0; i < line.Length; i += part)
            recs.Add(Rec(line.Substring(i, Math.Min(part, line.Length - i)), stream, t.AddTicks(i)));
        return recs.Append(Rec("\n", stream, t.AddTicks(line.Length))).ToArray();
    }

    [Fact]
    public void PartialRecordsAreRejoinedIntoOneLine()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        string big = string.Concat(Enumerable.Range(0, 100_000).Select(i => (char)('a' + i % 26)));
        var recs = new List<string> { Rec("before\n", "stdout", t0) };
        recs.AddRange(Split(big, "stdout", t0.AddSeconds(1), 16 * 1024));
        recs.Add(Rec("after\n", "stdout", t0.AddSeconds(2)));
        var (store, c) = LogOf(recs.ToArray());
        var all = ContainerLogs.Read(store, c).ToList();
        Assert.Equal(3, all.Count);
        Assert.Equal("before", all[0].Text);
        Assert.Equal(big, all[1].Text);
        Assert.Equal(100_000, all[1].Text.Length);
        Assert.True(all[1].Complete);
        Assert.Equal(t0.AddSeconds(1), all[1].Time); // the time of its first part
        Assert.Equal("after", all[2].Text);
        // tail counts lines, not records; since/until see the line's first part
        Assert.Equal([big, "after"], ContainerLogs.Read(store, c, tail: 2).Select(e => e.Text));
        Assert.Equal(["after"], ContainerLogs.Read(store, c, tail: 1).Select(e => e.Text));
        Assert.Equal(["before", big, "after"], ContainerLogs.Read(store, c, tail: 50).Select(e => e.Text));
        Assert.Equal([big], ContainerLogs.Read(store, c, since: t0.AddSeconds(0.5), until: t0.AddSeconds(1.5)).Select(e => e.Text));
        // -Follow on a stopped container: the same lines
        Assert.Equal(["before", big, "after"], ContainerLogs.Read(store, c, follow: true).Select(e => e.Text));
    }

    [Fact]
    public void PartialsOfTwoStreamsInterleaveAndAreJoinedPerStream()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var (store, c) = LogOf(Rec("out1-", "stdout", t0), Rec("err1-", "stderr", t0.AddTicks(1)), Rec("out2\n", "stdout", t0.AddTicks(2)),
            Rec("whole\n", "stdout", t0.AddTicks(3)), Rec("err2\r", "stderr", t0.AddTicks(4)), Rec("\n", "stderr", t0.AddTicks(5)));
        var all = ContainerLogs.Read(store, c).Select(e => (e.Stream, e.Text)).ToList();
        Assert.Equal([("stdout", "out1-out2"), ("stdout", "whole"), ("stderr", "err1-err2")], all);
        // the tail's window begins inside the stderr line: its first part is found by widening the window
        Assert.Equal([("stdout", "whole"), ("stderr", "err1-err2")], ContainerLogs.Read(store, c, tail: 2).Select(e => (e.Stream, e.Text)));
        Assert.Equal([("stderr", "err1-err2")], ContainerLogs.Read(store, c, tail: 1).Select(e => (e.Stream, e.Text)));
    }

    [Fact]
    public void ALineWithoutItsLastPartIsReturnedIncompleteAtTheEnd()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var (store, c) = LogOf(Rec("par", "stdout", t0), Rec("tial\r", "stdout", t0.AddTicks(1)), Rec("done\n", "stderr", t0.AddTicks(2)));
        var all = ContainerLogs.Read(store, c).ToList();
        Assert.Equal(["done", "partial\r"], all.Select(e => e.Text));
        Assert.True(all[0].Complete);
        Assert.False(all[1].Complete);
        Assert.Equal(["done", "partial\r"], ContainerLogs.Read(store, c, follow: true).Select(e => e.Text));
    }

    [Fact]
    public void TheJoinerKeepsAnUnfinishedLineAcrossBatches()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        ContainerLogEntry R(string text, string stream, int tick) => ContainerLogs.ParseLine(Rec(text, stream, t0.AddTicks(tick)))!;
        var j = new LogLineJoiner();
        Assert.Null(j.Add(R("a", "stdout", 0)));   // first batch ends inside a line
        Assert.True(j.HasPending);
        Assert.Null(j.Add(R("b", "stdout", 1)));   // the next batch goes on with it
        var whole = j.Add(R("c\r\n", "stdout", 2))!;
        Assert.Equal("abc", whole.Text);
        Assert.Equal(t0, whole.Time);
        Assert.True(whole.Complete);
        Assert.False(j.HasPending);
        var single = R("x\n", "stderr", 3);
        Assert.Same(single, j.Add(single));        // a whole record passes through
        Assert.Empty(j.Flush());
    }

    private Container LogFor(ContainerStore store, string name, (string Project, string Service)? compose, params string[] records)
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = name };
        if (compose is var (project, service)) { c.Config.Labels[ComposeLabels.Project] = project; c.Config.Labels[ComposeLabels.Service] = service; }
        Directory.CreateDirectory(store.DirOf(c.Id));
        File.WriteAllText(Path.Combine(store.DirOf(c.Id), "json.log"), string.Join("", records.Select(r => r + "\n")));
        return c;
    }

    [Fact]
    public void ReadManyMergesSeveralLogsInTimeOrderAndCarriesTheService()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var store = new ContainerStore(new PscPaths(_dir));
        var web = LogFor(store, "shop-web-1", ("shop", "web"), Rec("w1\n", "stdout", t0.AddSeconds(1)), Rec("w3\n", "stdout", t0.AddSeconds(3)), Rec("w5\n", "stderr", t0.AddSeconds(5)));
        var db = LogFor(store, "shop-db-1", ("shop", "db"), Rec("d0\n", "stdout", t0), Rec("d3\n", "stdout", t0.AddSeconds(3)), Rec("d4\n", "stdout", t0.AddSeconds(4)));
        var plain = LogFor(store, "loose", null, Rec("p2\n", "stdout", t0.AddSeconds(2)));
        // equal times keep the order the containers were given in
        var all = ContainerLogs.ReadMany(store, [web, db, plain]).ToList();
        Assert.Equal(["d0", "w1", "p2", "w3", "d3", "d4", "w5"], all.Select(e => e.Text));
        Assert.Equal(["db", "web", null, "web", "db", "db", "web"], all.Select(e => e.Service));
        Assert.All(all.Where(e => e.ContainerName != "loose"), e => Assert.Equal("shop", e.Project));
        Assert.Equal(web.Id, all[1].ContainerId);
        // tail, since and until apply to each log, as Read does
        Assert.Equal(["d4", "w5"], ContainerLogs.ReadMany(store, [web, db], tail: 1).Select(e => e.Text));
        Assert.Equal(["w3", "d3", "d4", "w5"], ContainerLogs.ReadMany(store, [web, db], since: t0.AddSeconds(3)).Select(e => e.Text));
        Assert.Equal(["d0", "w1"], ContainerLogs.ReadMany(store, [web, db], until: t0.AddSeconds(1.5)).Select(e => e.Text));
        // a container no longer in the store: following ends once every log is drained
        Assert.Equal(7, ContainerLogs.ReadMany(store, [web, db, plain], follow: true).Count());
        Assert.Empty(ContainerLogs.ReadMany(store, []));
    }

    [Fact]
    public void ACursorGoesOnWhereTheLastReadEnded()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var (store, c) = LogOf(Rec("a\n", "stdout", t0), Rec("b\n", "stdout", t0.AddSeconds(1)));
        string path = Path.Combine(store.DirOf(c.Id), "json.log");
        var cursor = new LogCursor();
        Assert.Equal(["a", "b"], ContainerLogs.Read(store, c, cursor: cursor).Select(e => e.Text));
        Assert.Equal(new FileInfo(path).Length, cursor.Offset);
        File.AppendAllText(path, Rec("c\n", "stdout", t0.AddSeconds(2)) + "\n");
        // from the cursor: only what was appended, and the tail is not applied again
        Assert.Equal(["c"], ContainerLogs.Read(store, c, tail: 5, cursor: cursor).Select(e => e.Text));
        Assert.Empty(ContainerLogs.Read(store, c, cursor: cursor));
        // a tail read leaves a new cursor at the end of the log
        var tailed = new LogCursor();
        Assert.Equal(["c"], ContainerLogs.Read(store, c, tail: 1, cursor: tailed).Select(e => e.Text));
        Assert.Equal(new FileInfo(path).Length, tailed.Offset);
    }

    [Fact]
    public void ReadManyWithDiscoverFollowsContainersThatAppearOrRunAgain()
    {
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        var store = new ContainerStore(new PscPaths(_dir));
        var web = LogFor(store, "shop-web-1", ("shop", "web"), Rec("w1\n", "stdout", t0));
        var db = LogFor(store, "shop-db-1", ("shop", "db"), Rec("d1\n", "stdout", t0.AddSeconds(1)), Rec("d2\n", "stdout", t0.AddSeconds(2)));
        int polls = 0;
        // poll 1: only web (its reader has ended: it does not run); poll 2: db appears; poll 3: web runs again with a new
        // line (a restart); then nothing runs: the stream ends after the settle time
        IReadOnlyList<Container> Discover()
        {
            polls++;
            if (polls == 3) File.AppendAllText(Path.Combine(store.DirOf(web.Id), "json.log"), Rec("w2\n", "stdout", t0.AddSeconds(3)) + "\n");
            var now = new Container { Id = web.Id, Name = web.Name, State = new ContainerState { Status = polls == 3 ? ContainerStatus.Running : ContainerStatus.Exited } };
            now.Config.Labels[ComposeLabels.Project] = "shop";
            now.Config.Labels[ComposeLabels.Service] = "web";
            return polls >= 2 ? [now, db] : [now];
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var all = ContainerLogs.ReadMany(store, [web], follow: true, discover: Discover, settle: TimeSpan.FromMilliseconds(500)).ToList();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(polls >= 4);
        Assert.Equal(["w1", "d1", "d2", "w2"], all.Select(e => e.Text));
        Assert.Equal(["shop-web-1", "shop-db-1", "shop-db-1", "shop-web-1"], all.Select(e => e.ContainerName));
        // without follow the callback is not asked
        polls = 0;
        Assert.Equal(["w1", "w2"], ContainerLogs.ReadMany(store, [web], discover: Discover).Select(e => e.Text));
        Assert.Equal(0, polls);
    }

    [Fact]
    public void ThePrefixComesBeforeTheTimestampAsDockerComposePrintsIt()
    {
        var e = ContainerLogs.ParseLine("""{"log":"ready\n","stream":"stdout","time":"2026-11-28T01:02:03Z"}""")!;
        e.Prefix = "web-1 ";
        Assert.Equal("web-1  | ready", e.ToString());
        e.ShowTimestamp = true;
        Assert.Equal("web-1  | 2026-11-28T01:02:03.0000000Z ready", e.ToString());
    }
}
