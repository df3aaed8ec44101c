namespace PsContainers.FileSystem;

/// <summary>
/// The chain of open directories of a depth-first walk. Only the deepest <see cref="MaxOpen"/> levels keep their
/// descriptor, so a tree of any depth needs a bounded number of descriptors. A closed level is reopened on the way
/// back up through ".." of its child and must be the same directory (device and inode) as when it was entered; a
/// directory moved away meanwhile stops the walk with ESTALE instead of continuing somewhere else.
/// </summary>
internal sealed class DirStack : IDisposable
{
    internal const int MaxOpen = 48;

    private sealed class Level
    {
        public SafeFd? Fd;
        public bool Owned;
        public ulong Dev, Ino;
        public byte[] Name = [];
    }

    private readonly List<Level> _levels = new();

    public int Count => _levels.Count;

    /// <summary>Level 0: the base directory (not owned: never closed by the stack).</summary>
    public void PushBase(SafeFd fd)
    {
        var st = Fs.Stat(fd);
        _levels.Add(new Level { Fd = fd, Owned = false, Dev = st.Device, Ino = st.Inode });
    }

    public void Push(SafeFd fd, in FsStat st, byte[] name)
    {
        _levels.Add(new Level { Fd = fd, Owned = true, Dev = st.Device, Ino = st.Inode, Name = name });
        int evict = _levels.Count - 1 - MaxOpen;
        if (evict >= 0 && _levels[evict] is { Owned: true, Fd: not null } l) { l.Fd.Dispose(); l.Fd = null; }
    }

    public SafeFd Top => _levels[^1].Fd!;

    /// <summary>The name of level i (its entry name in level i-1).</summary>
    public byte[] NameAt(int i) => _levels[i].Name;

    /// <summary>The path of the top level (plus <paramref name="child"/>) relative to level <paramref name="from"/> (default: the base), joined with '/'.</summary>
    public byte[] RelativePath(ReadOnlySpan<byte> child = default, int from = 0)
    {
        var parts = new List<byte[]>(_levels.Count);
        for (int i = from + 1; i < _levels.Count; i++) parts.Add(_levels[i].Name);
        if (!child.IsEmpty) parts.Add(child.ToArray());
        return BytePath.Join(parts);
    }

    /// <summary>Leave the top level, reopening its parent through ".." if that one was closed.</summary>
    public void Pop()
    {
        var top = _levels[^1];
        if (_levels.Count >= 2 && _levels[^2].Fd is null)
        {
            var parent = _levels[^2];
            var fd = Fs.OpenAt(top.Fd, ".."u8, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow);
            var st = Fs.Stat(fd);
            if (st.Device != parent.Dev || st.Inode != parent.Ino)
            {
                fd.Dispose();
                throw new FsException(Errno.ESTALE, "walk", RelativePath(), "a directory was moved while the tree was being walked");
            }
            parent.Fd = fd;
        }
        if (top.Owned) top.Fd?.Dispose();
        _levels.RemoveAt(_levels.Count - 1);
    }

    public void Dispose()
    {
        foreach (var l in _levels) if (l.Owned) l.Fd?.Dispose();
        _levels.Clear();
    }
}
