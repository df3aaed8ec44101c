using System.Diagnostics;
using System.Text.Json;
using PsContainers.Contract;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.Contract;

public sealed class EventJournalTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("psc-events-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static EngineEvent Ev(int i, string action = "start") => EngineEvent.Now(EventType.Container, action, $"id{i:D4}",
        new Dictionary<string, string> { ["name"] = $"c{i}", ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [Fact]
    public void A_line_has_dockers_event_shape()
    {
        var e = new EngineEvent
        {
            Type = EventType.Container, Action = "die", ActorId = "abc",
            Attributes = new Dictionary<string, string> { ["name"] = "web", ["exitCode"] = "3" },
            TimeNano = 1_764_480_000_123_456_789,
        };
        byte[] line = e.ToJsonLine();
        Assert.Equal((byte)'\n', line[^1]);
        Assert.Equal(1, line.Count(b => b == '\n'));
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        Assert.Equal("container", r.GetProperty("Type").GetString());
        Assert.Equal("die", r.GetProperty("Action").GetString());
        Assert.Equal("abc", r.GetProperty("Actor").GetProperty("ID").GetString());
        Assert.Equal("3", r.GetProperty("Actor").GetProperty("Attributes").GetProperty("exitCode").GetString());
        Assert.Equal("local", r.GetProperty("scope").GetString());
        Assert.Equal(1_764_480_000, r.GetProperty("time").GetInt64());
        Assert.Equal(1_764_480_000_123_456_789, r.GetProperty("timeNano").GetInt64());

        var back = EngineEvent.TryParse(line)!;
        Assert.Equal(e.Type, back.Type);
        Assert.Equal(e.Action, back.Action);
        Assert.Equal(e.ActorId, back.ActorId);
        Assert.Equal("web", back.ActorName);
        Assert.Equal(e.TimeNano, back.TimeNano);
        Assert.Equal(new DateTime(2025, 11, 30, 5, 20, 0, DateTimeKind.Utc).AddTicks(1234567), back.Time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"Type\":\"daemon\",\"Action\":\"reload\"}")]
    [InlineData("{\"Type\":\"container\"}")]
    [InlineData("{\"Type\":\"container\",\"Action\":\"start\",\"timeNano\":\"x\"}")]
    [InlineData("{\"Type\":\"container\",\"Action\":\"st")]
    public void A_line_that_is_not_an_event_reads_as_null(string line) =>
        Assert.Null(EngineEvent.TryParse(System.Text.Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void The_action_word_drops_the_detail() =>
        Assert.Equal("health_status", (Ev(1) with { Action = "health_status: healthy" }).ActionWord);

    [Fact]
    public void Appended_events_read_back_in_order_and_an_absent_journal_is_empty()
    {
        var j = new EventJournal(_root);
        Assert.Empty(j.Read());
        Assert.False(Directory.Exists(j.DirectoryPath)); // reading creates nothing
        for (int i = 0; i < 20; i++) j.Append(Ev(i));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"id{i:D4}"), j.Read().Select(e => e.ActorId));
        var mode = File.GetUnixFileMode(Path.Combine(j.DirectoryPath, EventJournal.FileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void Torn_and_foreign_lines_are_skipped()
    {
        var j = new EventJournal(_root);
        j.Append(Ev(1));
        File.AppendAllText(Path.Combine(j.DirectoryPath, EventJournal.FileName), "garbage\n{\"Type\":\"cont");
        // a writer that died mid-line leaves a fragment: the next event starts on the same line, so it is lost,
        // but the ones after it are read
        j.Append(Ev(2));
        j.Append(Ev(3));
        Assert.Equal(new[] { "id0001", "id0003" }, j.Read().Select(e => e.ActorId));
    }

    [Fact]
    public void The_journal_rotates_and_stays_bounded_keeping_the_newest()
    {
        int lineLength = Ev(0).ToJsonLine().Length;
        var j = new EventJournal(_root, maxBytes: lineLength * 10);
        for (int i = 0; i < 95; i++) j.Append(Ev(i));
        var files = Directory.GetFiles(j.DirectoryPath).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { EventJournal.LockName, EventJournal.FileName, EventJournal.RotatedName }.Order(StringComparer.Ordinal), files);
        foreach (var f in new[] { EventJournal.FileName, EventJournal.RotatedName })
            Assert.InRange(new FileInfo(Path.Combine(j.DirectoryPath, f)).Length, 1, lineLength * 10);
        var ids = j.Read().Select(e => e.ActorId).ToList();
        Assert.Equal(ids.Order(), ids); // oldest first, across the two files
        Assert.Equal("id0094", ids[^1]);
        Assert.InRange(ids.Count, 11, 20); // the rotated file and the current one
        Assert.Equal(Enumerable.Range(95 - ids.Count, ids.Count).Select(i => $"id{i:D4}"), ids); // contiguous: nothing lost between the two
    }

    [Fact]
    public void Concurrent_writers_in_threads_and_processes_never_interleave_lines()
    {
        var j = new EventJournal(_root, maxBytes: 1 << 30);
        // each append opens its own descriptor, so threads contend for the flock exactly as processes do (the Pester
        // suite has pscmon processes and pwsh writing to one journal)
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 250; i++) j.Append(Ev(t * 1000 + i));
        });
        var all = j.Read().ToList();
        Assert.Equal(2000, all.Count);
        Assert.Equal(2000, all.Select(e => e.ActorId).Distinct().Count());
        // each writer's own events keep their order
        foreach (var g in all.GroupBy(e => int.Parse(e.ActorId[2..], System.Globalization.CultureInfo.InvariantCulture) / 1000))
            Assert.Equal(g.Select(e => e.ActorId).Order(), g.Select(e => e.ActorId));
        int lines = File.ReadAllLines(Path.Combine(j.DirectoryPath, EventJournal.FileName)).Length;
        Assert.Equal(2000, lines);
    }

    [Fact]
    public void Follow_sees_new_events_across_a_rotation_and_stops_when_cancelled()
    {
        int lineLength = Ev(0).ToJsonLine().Length;
        var j = new EventJournal(_root, maxBytes: lineLength * 5);
        j.Append(Ev(0));
        using var cts = new CancellationTokenSource();
        var seen = new List<string>();
        using var started = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            foreach (var e in j.Read(follow: true, cts.Token, TimeSpan.FromMilliseconds(10)))
            {
                lock (seen) seen.Add(e.ActorId);
                started.Set();
                if (e.ActorId == "id0012") cts.Cancel();
            }
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the follower did not start");
        // written one at a time, slower than the poll, so no two rotations fall within one poll
        for (int i = 1; i <= 12; i++)
        {
            Thread.Sleep(60);
            j.Append(Ev(i));
        }
        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "the follower did not see the last event");
        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"id{i:D4}"), seen);
    }

    [Fact]
    public void Follow_with_only_new_skips_the_recorded_events_of_both_files_and_sees_every_later_one()
    {
        int lineLength = Ev(0).ToJsonLine().Length;
        var j = new EventJournal(_root, maxBytes: lineLength * 3);
        for (int i = 0; i < 5; i++) j.Append(Ev(i)); // rotated: events.log.1 and events.log both hold old events
        Assert.True(File.Exists(Path.Combine(j.DirectoryPath, EventJournal.RotatedName)));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        var reader = Task.Run(() =>
        {
            foreach (var e in j.Read(follow: true, cts.Token, TimeSpan.FromMilliseconds(10), onlyNew: true))
            {
                lock (seen) seen.Add(e.ActorId);
                if (e.ActorId == "id0019") cts.Cancel();
            }
        });
        // warm-up events (ids 100+) until the follower shows it is reading: it may start late on a busy machine
        for (int w = 100; ; w++)
        {
            j.Append(Ev(w));
            Thread.Sleep(50);
            lock (seen) if (seen.Count > 0) break;
            Assert.True(w < 700, "the follower never started");
        }
        for (int i = 10; i < 20; i++) { Thread.Sleep(30); j.Append(Ev(i)); }
        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "the follower did not see the last event");
        Assert.DoesNotContain(seen, id => string.CompareOrdinal(id, "id0005") < 0); // nothing recorded before it started
        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"id{i:D4}"), seen.Where(id => string.CompareOrdinal(id, "id0100") < 0));
        // without follow, onlyNew changes nothing: the journal reads whole
        Assert.Equal(j.Read().Select(e => e.ActorId), j.Read(onlyNew: true).Select(e => e.ActorId));
        Assert.NotEmpty(j.Read());
    }

    [Fact]
    public void Follow_ends_when_cancelled_while_nothing_happens()
    {
        var j = new EventJournal(_root);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        Assert.Empty(j.Read(follow: true, cts.Token, TimeSpan.FromMilliseconds(20)).ToList());
        Assert.True(Directory.Exists(j.DirectoryPath)); // a follower creates the journal to wait on it
    }

    [Fact]
    public void A_link_in_place_of_the_journal_is_refused_and_nothing_is_written_through_it()
    {
        string elsewhere = Directory.CreateTempSubdirectory("psc-events-target-").FullName;
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(_root, EventJournal.DirectoryName), elsewhere);
            var j = new EventJournal(_root);
            Assert.Throws<FsException>(() => j.Append(Ev(1)));
            Assert.False(j.TryAppend(Ev(1)));
            Assert.Throws<FsException>(() => j.Read().ToList());
            Assert.Empty(Directory.GetFileSystemEntries(elsewhere));

            Directory.Delete(Path.Combine(_root, EventJournal.DirectoryName));
            Directory.CreateDirectory(Path.Combine(_root, EventJournal.DirectoryName));
            string target = Path.Combine(elsewhere, "victim");
            File.WriteAllText(target, "keep");
            File.CreateSymbolicLink(Path.Combine(_root, EventJournal.DirectoryName, EventJournal.FileName), target);
            Assert.False(j.TryAppend(Ev(2)));
            Assert.Equal("keep", File.ReadAllText(target));
        }
        finally { Directory.Delete(elsewhere, recursive: true); }
    }

    [Fact]
    public void The_journal_of_a_container_directory_is_its_store_roots()
    {
        var j = EventJournal.ForContainerDirectory(Path.Combine(_root, "containers", "abc") + "/");
        Assert.Equal(_root, j.StoreRoot);
    }
}
