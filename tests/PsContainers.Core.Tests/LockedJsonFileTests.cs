using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests;

/// <summary>
/// <see cref="LockedJsonFile{T}"/>: read-modify-write of a JSON file under its lock loses no update between
/// concurrent writers (threads with their own open lock files, and another process holding the lock), and a torn or
/// corrupt file is read as empty (a cache) or refused with the owner's error, left as it was (settings, credentials).
/// </summary>
public sealed class LockedJsonFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-ljf-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }

    private string FilePath => Path.Combine(_dir, "sub", "doc.json");
    private string LockPath => Path.Combine(_dir, "sub", "doc.lock");

    private LockedJsonFile<Dictionary<string, int>> Counters() => new(FilePath, LockPath, () => new());

    private static bool Increment(Dictionary<string, int> d, string key)
    {
        d[key] = d.GetValueOrDefault(key) + 1;
        return true;
    }

    [Fact]
    public void ConcurrentWritersOnTheirOwnLockFilesLoseNoUpdate()
    {
        const int writers = 4, each = 40;
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            var file = Counters(); // its own instance: each Update opens its own lock file descriptor
            for (int i = 0; i < each; i++)
            {
                file.Update(d => Increment(d, "all"));
                file.Update(d => Increment(d, "w" + w));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var result = Counters().Read();
        Assert.Equal(writers * each, result["all"]);
        for (int w = 0; w < writers; w++) Assert.Equal(each, result["w" + w]);
        // the atomic replace leaves no temp file behind
        Assert.Equal(["doc.json", "doc.lock"], Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public void AnUpdateWaitsForAnotherProcessHoldingTheLockAndKeepsItsWrite()
    {
        var file = Counters();
        file.Update(d => Increment(d, "n"));
        // another process (flock(1)) holds the lock and, while holding it, writes its own document
        var psi = new ProcessStartInfo("flock", [LockPath, "sh", "-c", $"echo held; sleep 0.6; printf '{{\"n\":10,\"other\":1}}' > '{FilePath}'"])
        { RedirectStandardOutput = true };
        using var other = Process.Start(psi)!;
        Assert.Equal("held", other.StandardOutput.ReadLine());
        var sw = Stopwatch.StartNew();
        file.Update(d => Increment(d, "n"));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(300), $"the update did not wait for the lock ({sw.Elapsed})");
        other.WaitForExit();
        Assert.Equal(0, other.ExitCode);
        var result = file.Read();
        Assert.Equal(11, result["n"]); // read after the other writer released the lock: its write is kept
        Assert.Equal(1, result["other"]);
    }

    [Fact]
    public void AChangeThatReturnsFalseWritesNothing()
    {
        var file = Counters();
        Assert.False(file.Update(_ => false));
        Assert.False(File.Exists(FilePath));
        Assert.True(file.Update(d => Increment(d, "x")));
        var before = File.GetLastWriteTimeUtc(FilePath);
        string text = File.ReadAllText(FilePath);
        Assert.False(file.Update(d => { d["x"] = 99; return false; }));
        Assert.Equal(text, File.ReadAllText(FilePath));
        Assert.Equal(before, File.GetLastWriteTimeUtc(FilePath));
    }

    [Theory]
    [InlineData("{\"n\":")] // torn
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    public void WithoutOnCorruptADamagedFileReadsAsEmptyAndIsReplacedByTheNextUpdate(string damaged)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, damaged);
        var file = Counters();
        Assert.Empty(file.Read());
        file.Update(d => Increment(d, "n"));
        Assert.Equal(new Dictionary<string, int> { ["n"] = 1 }, JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(FilePath)));
    }

    [Fact]
    public void WithOnCorruptADamagedFileIsRefusedWithTheOwnersErrorAndLeftAsItWas()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "{\"auths\": {");
        var file = new LockedJsonFile<JsonObject>(FilePath, LockPath, () => new JsonObject(), t => JsonNode.Parse(t) as JsonObject)
        {
            OnCorrupt = e => new InvalidDataException("damaged: " + e.Message, e),
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        var read = Assert.Throws<InvalidDataException>(() => file.Read());
        Assert.IsAssignableFrom<JsonException>(read.InnerException);
        bool called = false;
        Assert.Throws<InvalidDataException>(() => file.Update(_ => called = true));
        Assert.False(called);
        Assert.Equal("{\"auths\": {", File.ReadAllText(FilePath));
        // a valid file is written with the given mode; the lock was released after the refusal
        File.WriteAllText(FilePath, "{\"keep\":1}");
        Assert.True(file.Update(o => { o["added"] = 2; return true; }));
        var doc = JsonNode.Parse(File.ReadAllText(FilePath))!.AsObject();
        Assert.Equal(1, (int)doc["keep"]!);
        Assert.Equal(2, (int)doc["added"]!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void WithOnCorruptAnUnreadableFileIsAnIOExceptionNotAnEmptyDocument()
    {
        Directory.CreateDirectory(FilePath); // a directory where the file should be: reading it fails
        var strict = new LockedJsonFile<JsonObject>(FilePath, LockPath, () => new JsonObject(), t => JsonNode.Parse(t) as JsonObject)
        { OnCorrupt = e => new InvalidDataException(e.Message) };
        Assert.False(File.Exists(FilePath));
        // File.Exists is false for a directory: it reads as missing, as the owners' code did
        Assert.Empty(strict.Read());
        Assert.ThrowsAny<IOException>(() => strict.Update(o => { o["x"] = 1; return true; }));
    }
}
