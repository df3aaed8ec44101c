using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// Where a build puts directories it gives up (a step's scratch directory or working container's upper directory the
/// store did not take as a layer, because it holds that layer already), so that deleting them is off the build's path:
/// <see cref="Discard"/> renames the directory into <c>ROOT/tmp/trash/&lt;random&gt;</c> (the same file system as the
/// store, so one rename(2), whatever the size) and deletes it on a background thread. An entry being deleted is guarded
/// by an flock on <c>&lt;entry&gt;.lock</c>, which the kernel drops when the process dies: what a Ctrl+C, an exit of
/// PowerShell or a crash leaves half deleted is an unguarded entry, which the next build (<see cref="CollectInBackground"/>)
/// or Clear-ContainerSystem (<see cref="Collect"/>) deletes. Deletion is <see cref="SafeTree.Delete(string)"/>: a
/// symlink is an entry to remove, never a directory to enter, and a mount inside the tree is left alone. A build's
/// scratch directories in ROOT/tmp are guarded the same way while the build runs (<see cref="NewScratch"/>), so what a
/// build that died left there is collected too.
/// </summary>
public sealed class BuildTrash
{
    private const string LockSuffix = ".lock";

    /// <param name="paths">The store root (its tmp directory holds the trash).</param>
    public BuildTrash(PscPaths paths) => Directory = Path.Combine(paths.Tmp, "trash");

    /// <summary>The trash directory, ROOT/tmp/trash.</summary>
    public string Directory { get; }

    /// <summary>
    /// The prefix of the guarded scratch directories in ROOT/tmp (<see cref="NewScratch"/>); only these are collected
    /// (RUN --mount's build-bind-* and build-cache-private-* directories have no guard and are their owner's to delete).
    /// </summary>
    public const string ScratchPrefix = "scratch-";

    private string Tmp => Path.GetDirectoryName(Directory)!;

    /// <summary>
    /// A new scratch directory ROOT/tmp/scratch-&lt;<paramref name="kind"/>&gt;&lt;random&gt; for a build step, guarded by an
    /// flock on &lt;directory&gt;.lock that is taken before the directory exists and held until the returned object is
    /// disposed: a scratch directory whose lock nobody holds was left by a build that died (a crash, a killed
    /// PowerShell), and <see cref="Collect"/> deletes it. Dispose the guard only once the directory is gone (deleted,
    /// discarded or taken by the store).
    /// </summary>
    /// <param name="kind">What the directory is for, in its name ("" for a scratch step, "add-" for staged ADD sources).</param>
    /// <exception cref="IOException">ROOT/tmp cannot be written.</exception>
    public ScratchDirectory NewScratch(string kind)
    {
        TreeDirectory.Ensure(Tmp);
        string dir = Path.Combine(Tmp, ScratchPrefix + kind + Guid.NewGuid().ToString("N"));
        var guard = FileLock.TryExclusive(dir + LockSuffix) ?? throw new IOException($"Cannot lock the new scratch directory '{dir}'.");
        try { System.IO.Directory.CreateDirectory(dir); }
        catch { guard.Dispose(); TryDeleteFile(dir + LockSuffix); throw; }
        return new ScratchDirectory(dir, guard);
    }

    /// <summary>A build's scratch directory and the lock that marks it in use (<see cref="NewScratch"/>).</summary>
    public sealed class ScratchDirectory : IDisposable
    {
        private FileLock? _guard;

        internal ScratchDirectory(string path, FileLock guard) { Path = path; _guard = guard; }

        /// <summary>The directory.</summary>
        public string Path { get; }

        /// <summary>Release the guard and delete the lock file (the directory itself is the owner's to delete or hand on).</summary>
        public void Dispose()
        {
            if (_guard is null) return;
            TryDeleteFile(Path + LockSuffix); // unlinked while held: a later locker makes a new file and finds no directory
            _guard.Dispose();
            _guard = null;
        }
    }

    /// <summary>
    /// Take <paramref name="directory"/> out of the way at once and delete it in the background. Returns the deletion
    /// (completed when the directory could not be renamed, e.g. it is on another file system, and was deleted here).
    /// A failed background deletion leaves the entry to the next collection; the task then carries the error.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be renamed and cannot be deleted in place either.</exception>
    public Task Discard(string directory)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string entry = Path.Combine(Directory, Guid.NewGuid().ToString("N"));
        try { System.IO.Directory.Move(directory, entry); }
        catch (IOException)
        {
            SafeTree.Delete(directory);
            return Task.CompletedTask;
        }
        return Task.Run(() => DeleteEntry(entry));
    }

    /// <summary>
    /// Delete every entry of the trash that nobody is deleting now (an entry whose lock is held is left to its owner).
    /// Returns how many were deleted.
    /// </summary>
    /// <exception cref="IOException">An entry cannot be deleted.</exception>
    public int Collect(CancellationToken ct = default)
    {
        int n = CollectAbandonedScratch(ct);
        if (!System.IO.Directory.Exists(Directory)) return n;
        foreach (var entry in System.IO.Directory.EnumerateDirectories(Directory).ToList())
        {
            ct.ThrowIfCancellationRequested();
            if (DeleteEntry(entry)) n++;
        }
        // a lock file whose entry is gone (its deleter died between the two unlinks)
        foreach (var l in System.IO.Directory.EnumerateFiles(Directory, "*" + LockSuffix).ToList())
        {
            if (System.IO.Directory.Exists(l[..^LockSuffix.Length])) continue;
            using var held = FileLock.TryExclusive(l);
            if (held is not null) TryDeleteFile(l);
        }
        return n;
    }

    /// <summary>
    /// <see cref="Collect"/> on a background thread when the trash or ROOT/tmp holds anything a build may have left;
    /// null when there is nothing to do.
    /// </summary>
    public Task? CollectInBackground()
    {
        bool trash = System.IO.Directory.Exists(Directory) && System.IO.Directory.EnumerateFileSystemEntries(Directory).Any();
        bool scratch = System.IO.Directory.Exists(Tmp) && System.IO.Directory.EnumerateDirectories(Tmp, ScratchPrefix + "*").Any();
        if (!trash && !scratch) return null;
        return Task.Run(() => Collect());
    }

    /// <summary>The scratch directories (ROOT/tmp/scratch-*) whose lock nobody holds: each is deleted under its lock.</summary>
    private int CollectAbandonedScratch(CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(Tmp)) return 0;
        int n = 0;
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Tmp, ScratchPrefix + "*").ToList())
        {
            ct.ThrowIfCancellationRequested();
            using var held = FileLock.TryExclusive(dir + LockSuffix);
            if (held is null) continue; // a running build's
            if (SafeTree.Delete(dir)) n++;
            TryDeleteFile(dir + LockSuffix);
        }
        return n;
    }

    /// <summary>Delete one entry under its lock; false when someone else holds the lock (deleting it) or it is gone.</summary>
    private static bool DeleteEntry(string entry)
    {
        string lockPath = entry + LockSuffix;
        using var l = FileLock.TryExclusive(lockPath);
        if (l is null) return false;
        bool deleted = SafeTree.Delete(entry);
        TryDeleteFile(lockPath); // unlinked while held: a later locker makes a new file and finds no entry
        return deleted;
    }

    private static void TryDeleteFile(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
