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
}
