using PsContainers.FileSystem;

namespace PsContainers.Contract;

/// <summary>
/// The engine's event journal: <c>&lt;root&gt;/events/events.log</c>, one <see cref="EngineEvent"/> per line, written by
/// the engine (cmdlets) and by every pscmon, read by <c>Get-ContainerEvent</c>. Daemonless docker's <c>events</c>.
/// <list type="bullet">
/// <item>Many writers: each append takes <c>events.lock</c> (flock, exclusive), writes its whole line with one
///   O_APPEND write and lets go, so lines never interleave and a rotation never races a write.</item>
/// <item>Bounded: when a line would take <c>events.log</c> past <see cref="MaxBytes"/>, the file is renamed to
///   <c>events.log.1</c> (replacing the older one) and a new one starts: at most about 2 × MaxBytes on disk.</item>
/// <item>Never follows a link: the directory and the files are opened with O_NOFOLLOW under the store root.</item>
/// <item>Best effort for the writers that must not fail because of it (<see cref="TryAppend"/>): an event that
///   cannot be written never fails a container's start or a monitor.</item>
/// </list>
/// </summary>
public sealed class EventJournal
{
    public const string DirectoryName = "events", FileName = "events.log", RotatedName = "events.log.1", LockName = "events.lock";

    /// <summary>1 MiB per file (about 4,000 events).</summary>
    public const long DefaultMaxBytes = 1L << 20;

    /// <param name="storeRoot">The store root (PscPaths.Root).</param>
    /// <param name="maxBytes">The size at which the journal rotates (bytes, at least 1).</param>
    public EventJournal(string storeRoot, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        StoreRoot = storeRoot;
        MaxBytes = maxBytes;
    }

    /// <summary>The journal of the store a container directory (<c>&lt;root&gt;/containers/&lt;id&gt;</c>) belongs to; pscmon's view.</summary>
    public static EventJournal ForContainerDirectory(string containerDir, long maxBytes = DefaultMaxBytes) =>
        new(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(containerDir).TrimEnd('/'))!)!, maxBytes);

    public string StoreRoot { get; }
    public long MaxBytes { get; }

    /// <summary>&lt;root&gt;/events.</summary>
    public string DirectoryPath => Path.Combine(StoreRoot, DirectoryName);

    /// <summary>Append; false (and nothing thrown) when the journal cannot be written (no root, disk full, a link in the way).</summary>
    public bool TryAppend(EngineEvent e)
    {
        try { Append(e); return true; }
        catch (FsException) { return false; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Append one event (see the class remarks for locking and rotation).</summary>
    /// <exception cref="FsException">The store root is missing, or the journal cannot be created or written.</exception>
    public void Append(EngineEvent e)
    {
        byte[] line = e.ToJsonLine();
        using var dir = OpenDirectory(create: true)!;
        using var lk = Fs.OpenAt(dir, BytePath.FromString(LockName), OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.NoFollow, 0x180);
        Fs.LockExclusive(lk);
        byte[] name = BytePath.FromString(FileName);
        var f = Fs.OpenAt(dir, name, OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.Create | OpenFlags.NoFollow, 0x180);
        try
        {
            long size = Fs.Stat(f).Size;
            if (size > 0 && size + line.Length > MaxBytes)
            {
                Fs.Rename(dir, name, dir, BytePath.FromString(RotatedName));
                f.Dispose();
                f = Fs.OpenAt(dir, name, OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.Create | OpenFlags.NoFollow, 0x180);
            }
            Fs.WriteAll(f, line);
        }
        finally { f.Dispose(); }
    }

    /// <summary>
    /// The journal's events, oldest first (the rotated file, then the current one); with <paramref name="follow"/>,
    /// then every new event as it is written, until <paramref name="ct"/> is cancelled (polls every
    /// <paramref name="pollInterval"/>, 100 ms by default; a rotation while following loses nothing unless the journal
    /// rotates twice within one poll). Lines that are not events are skipped. An absent journal reads as empty.
    /// With <paramref name="onlyNew"/> (and <paramref name="follow"/>) the events already recorded are skipped: only those
    /// written after the call are returned (docker <c>events --follow</c> without <c>--since</c>); the position is taken
    /// at the end of the journal when the call starts, so an event written after that is never lost.
    /// </summary>
    /// <exception cref="FsException">The journal exists but cannot be read (a link in its place, permissions).</exception>
    public IEnumerable<EngineEvent> Read(bool follow = false, CancellationToken ct = default, TimeSpan? pollInterval = null, bool onlyNew = false)
    {
        onlyNew &= follow;
        var poll = pollInterval ?? TimeSpan.FromMilliseconds(100);
        SafeFd? dir = OpenDirectory(create: follow);
        if (dir is null) yield break;
        using var _ = dir;
        byte[] name = BytePath.FromString(FileName), rotated = BytePath.FromString(RotatedName);
        var current = OpenFile(dir, name, create: follow);
        try
        {
            // the rotated file first, unless a rotation since we opened made it the file we hold
            var rot = onlyNew ? null : OpenFile(dir, rotated, create: false);
            if (rot is not null)
            {
                using (rot)
                {
                    if (current is null || Fs.Stat(rot).Inode != Fs.Stat(current).Inode)
                        foreach (var e in new LineReader(rot).ReadAvailable()) yield return e;
                }
            }
            if (current is null) yield break;
            var reader = new LineReader(current);
            if (onlyNew) Fs.Seek(current, 0, Libc.SEEK_END);
            else foreach (var e in reader.ReadAvailable()) yield return e;
            while (follow && !ct.IsCancellationRequested)
            {
                if (ct.WaitHandle.WaitOne(poll)) yield break;
                bool any = false;
                foreach (var e in reader.ReadAvailable()) { any = true; yield return e; }
                if (any) continue;
                // rotated? then our file is events.log.1 now: drain it, then go on with the new events.log
                if (Fs.TryStat(dir, name, out var st) && st.Inode != Fs.Stat(current).Inode)
                {
                    foreach (var e in reader.ReadAvailable()) yield return e;
                    var next = OpenFile(dir, name, create: false);
                    if (next is null) continue;
                    current.Dispose();
                    current = next;
                    reader = new LineReader(current);
                }
            }
        }
        finally { current?.Dispose(); }
    }

    private SafeFd? OpenDirectory(bool create)
    {
        using var root = Fs.OpenAt(null, BytePath.FromString(StoreRoot), OpenFlags.ReadOnly | OpenFlags.Directory);
        byte[] name = BytePath.FromString(DirectoryName);
        if (create && !Fs.TryMkdir(root, name, 0x1C0 /* 0700 */, out int me) && me != Errno.EEXIST) throw new FsException(me, "mkdir", name);
        if (Fs.TryOpenAt(root, name, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow, out var fd, out int e)) return fd;
        if (e == Errno.ENOENT && !create) return null;
        throw new FsException(e, "openat", name);
    }

    private static SafeFd? OpenFile(SafeFd dir, byte[] name, bool create)
    {
        int flags = OpenFlags.ReadOnly | OpenFlags.NoFollow | (create ? OpenFlags.Create : 0);
        if (Fs.TryOpenAt(dir, name, flags, out var fd, out int e, 0x180)) return fd;
        if (e == Errno.ENOENT) return null;
        throw new FsException(e, "openat", name);
    }

    /// <summary>Reads whole lines from where it stopped; a line still being written stays for the next call.</summary>
    private sealed class LineReader(SafeFd fd)
    {
        private readonly List<byte> _partial = new();
        private readonly byte[] _buf = new byte[64 * 1024];

        public List<EngineEvent> ReadAvailable()
        {
            var events = new List<EngineEvent>();
            int n;
            while ((n = Fs.Read(fd, _buf)) > 0)
            {
                var span = _buf.AsSpan(0, n);
                int nl;
                while ((nl = span.IndexOf((byte)'\n')) >= 0)
                {
                    ReadOnlySpan<byte> line;
                    byte[]? joined = null;
                    if (_partial.Count > 0) { _partial.AddRange(span[..nl]); joined = _partial.ToArray(); _partial.Clear(); line = joined; }
                    else line = span[..nl];
                    if (EngineEvent.TryParse(line) is EngineEvent e) events.Add(e);
                    span = span[(nl + 1)..];
                }
                _partial.AddRange(span);
            }
            return events;
        }
    }
}
