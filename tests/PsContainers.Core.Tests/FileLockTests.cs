using PsContainers.Core.Util;

namespace PsContainers.Core.Tests;

/// <summary>
/// <see cref="FileLock"/> and <see cref="AtomicFile"/> over the shared libc table (src/Shared/FileSystem/Libc): flock(2)
/// semantics between open files, cancellation of a wait, release on dispose, and the durable replace.
/// </summary>
public sealed class FileLockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-lock-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }

    private string LockPath => Path.Combine(_dir, "sub", "x.lock");

    [Fact]
    public void AnExclusiveLockShutsOutOthersUntilDisposed()
    {
        var held = FileLock.Exclusive(LockPath); // creates the missing directory and the file
        Assert.True(File.Exists(LockPath));
        Assert.Null(FileLock.TryExclusive(LockPath)); // another open file of the same lock: EWOULDBLOCK
        Assert.Null(FileLock.TryExclusive(LockPath, attempts: 3));
        held.Dispose();
        using var again = FileLock.TryExclusive(LockPath);
        Assert.NotNull(again);
        held.Dispose(); // a second dispose closes nothing (the descriptor may belong to someone else by now)
        Assert.Null(FileLock.TryExclusive(LockPath));
    }

    [Fact]
    public void SharedLocksCoexistAndKeepAnExclusiveOneOut()
    {
        using var a = FileLock.Shared(LockPath);
        using var b = FileLock.Shared(LockPath);
        Assert.Null(FileLock.TryExclusive(LockPath));
    }

    [Fact]
    public void AWaitForAHeldLockEndsWithCancellation()
    {
        using var held = FileLock.Exclusive(LockPath);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => FileLock.Exclusive(LockPath, cts.Token));
        Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(80), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void ALockFileThatCannotBeOpenedIsAnIOExceptionNamingIt()
    {
        Directory.CreateDirectory(LockPath); // a directory cannot be opened O_RDWR: EISDIR
        var e = Assert.Throws<IOException>(() => FileLock.Exclusive(LockPath));
        Assert.Contains(LockPath, e.Message);
        Assert.Contains("errno 21", e.Message);
    }

    [Fact]
    public void AtomicReplaceWritesTheNewContentAndLeavesNoTempFile()
    {
        Directory.CreateDirectory(_dir);
        string f = Path.Combine(_dir, "state.json");
        AtomicFile.WriteAllText(f, "old");
        AtomicFile.WriteAllText(f, "new");
        Assert.Equal("new", File.ReadAllText(f));
        Assert.Equal(["state.json"], Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray());
        AtomicFile.Fsync(f);
        AtomicFile.FsyncDirectory(_dir);
        AtomicFile.Fsync(Path.Combine(_dir, "missing")); // nothing to flush: no error
        AtomicFile.FsyncDirectory(Path.Combine(_dir, "missing"));
    }
}
