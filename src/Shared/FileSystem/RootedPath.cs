namespace PsContainers.FileSystem;

/// <summary>
/// THE secure join: resolves paths inside a root directory as if that directory were "/" (chroot semantics), the way
/// a process inside the container would see them. Symlinks are followed inside the root, an absolute link target
/// restarts at the root, ".." never climbs above it, and at most <see cref="MaxSymlinkHops"/> symlinks are followed
/// (then ELOOP). Nothing is ever resolved through a path string on the host: every step is relative to a descriptor.
/// <para>
/// Where the kernel has openat2(2) (5.6+) it is used with RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS (so /proc magic links
/// such as dev/fd -> /proc/self/fd/3 can never jump out). Otherwise, or when forced with
/// <see cref="FsFeatures.ForceFallbackOnThisThread"/>, the same answers come from a component-by-component walk:
/// each component opened O_PATH|O_NOFOLLOW relative to the previous one, symlinks read with readlinkat(2) and their
/// targets spliced into the remaining path, ".." handled by dropping the last opened directory (never below the root)
/// - the scheme of runc's SecureJoin (filepath-securejoin) and libpathrs' O_PATH resolver.
/// </para>
/// Paths are bytes; a leading "/" is optional (every path is relative to the root). A trailing "/" means the final
/// component must be (and is resolved as) a directory, like open(2).
/// </summary>
public sealed class RootedPath : IDisposable
{
    /// <summary>
    /// The most symlinks one resolution follows (Linux itself stops at 40; runc and the engine allow 255: when openat2
    /// answers ELOOP the component walker retries, so both paths accept the same chains).
    /// </summary>
    public const int MaxSymlinkHops = 255;

    private readonly bool _ownsRoot;

    /// <summary>The root directory descriptor everything is resolved in.</summary>
    public SafeFd Root { get; }

    /// <summary>Resolve inside an already open directory descriptor (not closed by <see cref="Dispose"/> unless <paramref name="ownsRoot"/>).</summary>
    public RootedPath(SafeFd root, bool ownsRoot = false)
    {
        Root = root;
        _ownsRoot = ownsRoot;
    }

    /// <summary>Open a trusted host directory (a container rootfs, a layer directory) as the root. Throws <see cref="FsException"/>.</summary>
    public static RootedPath Open(string hostRoot) => new(SafeFd.OpenDirectory(hostRoot), ownsRoot: true);

    /// <inheritdoc/>
    public void Dispose() { if (_ownsRoot) Root.Dispose(); }

    // ------------------------------------------------------------------ public operations

    /// <summary>
    /// Open the object at <paramref name="path"/> with the given O_* <paramref name="flags"/> (default O_PATH: a handle
    /// for *at calls, mount(2) through <see cref="SafeFd.ProcPath"/>, or <see cref="Fs.Stat(SafeFd)"/>).
    /// With <paramref name="followFinal"/> false (or O_NOFOLLOW in the flags) a symlink in the final component is not
    /// followed: O_PATH gives the link itself, other flags fail with ELOOP. O_CREAT is not allowed here: use
    /// <see cref="OpenParent(ReadOnlySpan{byte}, out byte[], bool, uint)"/> and create under the parent.
    /// Errors (<see cref="FsException"/>): ENOENT, ENOTDIR, ELOOP (too many links, or a final link when not following), EACCES.
    /// </summary>
    public SafeFd Open(ReadOnlySpan<byte> path, int flags = OpenFlags.Path, bool followFinal = true)
    {
        if ((flags & (OpenFlags.Create | 0x400000 /* O_TMPFILE */)) != 0) throw new ArgumentException("O_CREAT is not allowed: create under OpenParent.", nameof(flags));
        if ((flags & OpenFlags.NoFollow) != 0) followFinal = false;
        flags &= ~OpenFlags.NoFollow;
        if (FsFeatures.UseOpenat2)
        {
            int e = Openat2(Root, path.IsEmpty ? "."u8 : path, flags | (followFinal ? 0 : OpenFlags.NoFollow),
                Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS, out var fd);
            if (e == 0) return fd!;
            // ELOOP: the kernel stops after 40 links; the walker allows MaxSymlinkHops, so both paths give one answer
            if (e != Errno.ENOSYS && e != Errno.ELOOP) throw new FsException(e, "openat2", path);
        }
        using var w = new Walker(Root);
        int err = w.Resolve(Components(path), followFinal, MissingPolicy.Fail, 0, createFinal: false);
        if (err != 0) throw new FsException(err, "resolve", path);
        return w.OpenFinal(flags, path);
    }

    /// <inheritdoc cref="Open(ReadOnlySpan{byte}, int, bool)"/>
    public SafeFd Open(string path, int flags = OpenFlags.Path, bool followFinal = true) => Open(BytePath.FromString(path), flags, followFinal);

    /// <summary>
    /// Resolve every component but the last and return the directory that holds it (an O_PATH directory descriptor
    /// for *at calls) plus the final name, never resolved: the caller creates, replaces or removes exactly that entry
    /// (for example with <see cref="Fs.Unlink"/> then <see cref="Fs.Symlink"/>, so an existing symlink is replaced,
    /// never written through). Trailing slashes are ignored. With <paramref name="createParents"/> missing directories
    /// are created one by one with mkdirat(2) (mode <paramref name="mode"/>, umask applies), each created inside the
    /// directory just resolved, so never through a link (a dangling link is followed inside the root, like mkdir -p
    /// in a chroot). Errors: EINVAL when the path has no final name ("/", ".", ".."), ENOENT, ENOTDIR, ELOOP.
    /// </summary>
    public SafeFd OpenParent(ReadOnlySpan<byte> path, out byte[] name, bool createParents = false, uint mode = 0x1ed /* 0755 */)
    {
        var comps = BytePath.Split(path);
        if (comps.Count == 0 || BytePath.IsDotOrDotDot(comps[^1]))
            throw new FsException(Errno.EINVAL, "resolve", path, "the path has no final name");
        name = comps[^1];
        comps.RemoveAt(comps.Count - 1);
        if (FsFeatures.UseOpenat2)
        {
            var dirPath = comps.Count == 0 ? "."u8.ToArray() : BytePath.Join(comps);
            int e = Openat2(Root, dirPath, OpenFlags.Path | OpenFlags.Directory, Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS, out var fd);
            if (e == 0) return fd!;
            if (e != Errno.ENOSYS && e != Errno.ELOOP && !(e == Errno.ENOENT && createParents)) throw new FsException(e, "openat2", path);
        }
        using var w = new Walker(Root);
        int err = w.Resolve(comps, followFinal: true, createParents ? MissingPolicy.Create : MissingPolicy.Fail, mode, createFinal: true);
        if (err != 0) throw new FsException(err, "resolve", path);
        return w.OpenFinal(OpenFlags.Path | OpenFlags.Directory, path);
    }

    /// <inheritdoc cref="OpenParent(ReadOnlySpan{byte}, out byte[], bool, uint)"/>
    public SafeFd OpenParent(string path, out byte[] name, bool createParents = false, uint mode = 0x1ed) =>
        OpenParent(BytePath.FromString(path), out name, createParents, mode);

    /// <summary>
    /// mkdir -p inside the root: resolve <paramref name="path"/>, creating every missing directory (the last one too)
    /// with mkdirat(2), and return an O_PATH descriptor of the directory. ENOTDIR when something that is not a
    /// directory is in the way.
    /// </summary>
    public SafeFd CreateDirectories(ReadOnlySpan<byte> path, uint mode = 0x1ed)
    {
        using var w = new Walker(Root);
        int err = w.Resolve(Components(path), followFinal: true, MissingPolicy.Create, mode, createFinal: true);
        if (err != 0) throw new FsException(err, "resolve", path);
        return w.OpenFinal(OpenFlags.Path | OpenFlags.Directory, path);
    }

    /// <inheritdoc cref="CreateDirectories(ReadOnlySpan{byte}, uint)"/>
    public SafeFd CreateDirectories(string path, uint mode = 0x1ed) => CreateDirectories(BytePath.FromString(path), mode);

    /// <summary>
    /// The resolved path in container form ("/a/b", "/" for the root) as bytes: every existing symlink followed inside
    /// the root (the final one only with <paramref name="followFinal"/>); from the first component that does not exist
    /// (or is not a directory) on, the rest is applied lexically ("." dropped, ".." removes the previous component,
    /// never above the root). The answer can go stale as soon as it is returned: hand a descriptor
    /// (<see cref="Open(ReadOnlySpan{byte}, int, bool)"/> + <see cref="SafeFd.ProcPath"/>) to mount(2) when you can.
    /// Throws ELOOP after <see cref="MaxSymlinkHops"/> links.
    /// </summary>
    public byte[] ResolveBytes(ReadOnlySpan<byte> path, bool followFinal = true)
    {
        using var w = new Walker(Root);
        int err = w.Resolve(Components(path), followFinal, MissingPolicy.Lexical, 0, createFinal: false);
        if (err != 0) throw new FsException(err, "resolve", path);
        return BytePath.Join(w.Names.Concat(w.Virtual), absolute: true);
    }

    /// <summary>
    /// <see cref="ResolveBytes"/> as text ("/a/b"). Throws <see cref="FsException"/> (EILSEQ) when the resolved path
    /// is not valid UTF-8 rather than returning a path that names something else.
    /// </summary>
    public string Resolve(string path, bool followFinal = true) => BytePath.ToStringStrict(ResolveBytes(BytePath.FromString(path), followFinal));

    /// <summary>
    /// <see cref="Resolve"/> joined to a host directory: <paramref name="hostRoot"/> + the resolved container path.
    /// Only for callers that must pass a host path string to another program; the path can go stale.
    /// </summary>
    public static string Join(string hostRoot, string path, bool followFinal = true)
    {
        using var rp = Open(hostRoot);
        string r = rp.Resolve(path, followFinal);
        return r == "/" ? hostRoot.TrimEnd('/') : hostRoot.TrimEnd('/') + r;
    }

    /// <summary>
    /// Open <paramref name="path"/> beneath <paramref name="dir"/> with no symlinks at all (for engine-owned trees such
    /// as the image store): openat2(2) with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, or the same
    /// checks component by component. Absolute paths and ".." above <paramref name="dir"/> fail with EXDEV, any
    /// symlink on the way with ELOOP - except a final symlink opened with O_PATH|O_NOFOLLOW, which gives the link itself.
    /// </summary>
    public static SafeFd OpenBeneath(SafeFd dir, ReadOnlySpan<byte> path, int flags = OpenFlags.Path)
    {
        if ((flags & (OpenFlags.Create | 0x400000)) != 0) throw new ArgumentException("O_CREAT is not allowed.", nameof(flags));
        if (FsFeatures.UseOpenat2)
        {
            int e = Openat2(dir, path.IsEmpty ? "."u8 : path, flags,
                Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS, out var fd);
            if (e == 0) return fd!;
            if (e != Errno.ENOSYS) throw new FsException(e, "openat2", path);
        }
        if (BytePath.IsAbsolute(path)) throw new FsException(Errno.EXDEV, "resolve", path, "an absolute path is not beneath the directory");
        var comps = Components(path);
        var stack = new List<SafeFd>();
        try
        {
            SafeFd Top() => stack.Count == 0 ? dir : stack[^1];
            // every component but the last must be a real directory
            int lastReal = comps.Count - 1;
            for (int i = 0; i < comps.Count; i++)
            {
                var c = comps[i];
                bool last = i == lastReal;
                if (c.AsSpan().SequenceEqual("."u8)) { if (last) return Fs.OpenAt(Top(), "."u8, flags & ~OpenFlags.NoFollow); continue; }
                if (c.AsSpan().SequenceEqual(".."u8))
                {
                    if (stack.Count == 0) throw new FsException(Errno.EXDEV, "resolve", path, "'..' climbs above the directory");
                    stack[^1].Dispose(); stack.RemoveAt(stack.Count - 1);
                    if (last) return Fs.OpenAt(Top(), "."u8, flags & ~OpenFlags.NoFollow);
                    continue;
                }
                if (last) return OpenNoSymlink(Top(), c, flags, path);
                var fd = Fs.OpenAt(Top(), c, OpenFlags.Path | OpenFlags.NoFollow);
                var st = Fs.Stat(fd);
                if (st.IsSymlink) { fd.Dispose(); throw new FsException(Errno.ELOOP, "resolve", path, "a symbolic link is on the way"); }
                if (!st.IsDirectory) { fd.Dispose(); throw new FsException(Errno.ENOTDIR, "resolve", path); }
                stack.Add(fd);
            }
            return Fs.OpenAt(Top(), "."u8, flags & ~OpenFlags.NoFollow);
        }
        finally { foreach (var s in stack) s.Dispose(); }
    }

    private static SafeFd OpenNoSymlink(SafeFd dir, byte[] name, int flags, ReadOnlySpan<byte> path)
    {
        bool pathNoFollow = (flags & (OpenFlags.Path | OpenFlags.NoFollow)) == (OpenFlags.Path | OpenFlags.NoFollow);
        if (!Fs.TryOpenAt(dir, name, flags | OpenFlags.NoFollow, out var fd, out int e))
            throw new FsException(e, "openat", path);
        if (!pathNoFollow && (flags & OpenFlags.Path) != 0 && Fs.Stat(fd!).IsSymlink)
        {
            fd!.Dispose();
            throw new FsException(Errno.ELOOP, "resolve", path, "a symbolic link is on the way");
        }
        return fd!;
    }

    // ------------------------------------------------------------------ the two resolvers

    private static unsafe int Openat2(SafeFd dir, ReadOnlySpan<byte> path, int flags, ulong resolve, out SafeFd? fd)
    {
        var z = BytePath.Z(path);
        var how = new Libc.OpenHow { flags = (ulong)(uint)(flags | OpenFlags.CloseOnExec), mode = 0, resolve = resolve };
        for (int attempt = 0; ; attempt++)
        {
            int r;
            fixed (byte* p = z) r = Libc.openat2(dir.Fd, p, &how);
            if (r >= 0) { fd = new SafeFd(r); GC.KeepAlive(dir); return 0; }
            int e = Libc.Errno;
            fd = null;
            if (e == Errno.ENOSYS) { FsFeatures.Openat2Missing(); return e; }
            // EAGAIN: a concurrent rename made the kernel give up on a ".." check; retry a few times
            if ((e == Errno.EAGAIN || e == Errno.EINTR) && attempt < 32) continue;
            GC.KeepAlive(dir);
            return e;
        }
    }

    /// <summary>The components of a path for the walker; a trailing slash becomes a final "." so the last name is followed and must be a directory.</summary>
    private static List<byte[]> Components(ReadOnlySpan<byte> path)
    {
        var c = BytePath.Split(path);
        if (path.Length > 0 && path[^1] == (byte)'/' && c.Count > 0) c.Add("."u8.ToArray());
        return c;
    }

    private enum MissingPolicy { Fail, Lexical, Create }

    /// <summary>The O_PATH component walker (the fallback and the text resolver).</summary>
    private sealed class Walker : IDisposable
    {
        private readonly SafeFd _root;
        public readonly List<SafeFd> Fds = new();
        public readonly List<byte[]> Names = new();
        /// <summary>Components below the first missing one (Lexical policy only).</summary>
        public readonly List<byte[]> Virtual = new();

        public Walker(SafeFd root) => _root = root;
        private SafeFd Top => Fds.Count == 0 ? _root : Fds[^1];

        public void Dispose() { foreach (var f in Fds) f.Dispose(); Fds.Clear(); }

        private void Pop() { Fds[^1].Dispose(); Fds.RemoveAt(Fds.Count - 1); Names.RemoveAt(Names.Count - 1); }

        /// <summary>Returns 0 or an errno.</summary>
        public int Resolve(List<byte[]> components, bool followFinal, MissingPolicy missing, uint mode, bool createFinal)
        {
            var pending = new Stack<byte[]>();
            for (int i = components.Count - 1; i >= 0; i--) pending.Push(components[i]);
            int hops = 0, creates = 0;
            while (pending.Count > 0)
            {
                var c = pending.Pop();
                if (c.AsSpan().SequenceEqual("."u8)) continue;
                if (c.AsSpan().SequenceEqual(".."u8))
                {
                    if (Virtual.Count > 0) Virtual.RemoveAt(Virtual.Count - 1);
                    else if (Fds.Count > 0) Pop();
                    continue;
                }
                if (Virtual.Count > 0) { Virtual.Add(c); continue; }
                bool last = pending.Count == 0;
                if (!Fs.TryOpenAt(Top, c, OpenFlags.Path | OpenFlags.NoFollow, out var fd, out int e))
                {
                    if (e == Errno.ENOENT && missing == MissingPolicy.Create && (!last || createFinal))
                    {
                        if (++creates > MaxSymlinkHops) return Errno.ELOOP;
                        if (!Fs.TryMkdir(Top, c, mode, out int me) && me != Errno.EEXIST) return me;
                        pending.Push(c); // open what is there now (it may even be a link created meanwhile: then followed)
                        continue;
                    }
                    if (e is Errno.ENOENT or Errno.ENOTDIR && missing == MissingPolicy.Lexical) { Virtual.Add(c); continue; }
                    return e;
                }
                var st = Fs.Stat(fd!);
                if (st.IsSymlink && (!last || followFinal))
                {
                    if (++hops > MaxSymlinkHops) { fd!.Dispose(); return Errno.ELOOP; }
                    byte[] target;
                    try { target = Fs.ReadLink(fd, ""u8); }
                    finally { fd!.Dispose(); }
                    if (target.Length == 0) { if (missing == MissingPolicy.Lexical) { Virtual.Add(c); continue; } return Errno.ENOENT; }
                    if (target[0] == (byte)'/') while (Fds.Count > 0) Pop();
                    var tc = BytePath.Split(target);
                    // "link/" inside a target keeps its directory meaning
                    if (target[^1] == (byte)'/' && tc.Count > 0) tc.Add("."u8.ToArray());
                    for (int i = tc.Count - 1; i >= 0; i--) pending.Push(tc[i]);
                    continue;
                }
                if (!last && !st.IsDirectory)
                {
                    fd!.Dispose();
                    if (missing == MissingPolicy.Lexical) { Virtual.Add(c); continue; }
                    return Errno.ENOTDIR;
                }
                if (last && createFinal && !st.IsDirectory) { fd!.Dispose(); return Errno.ENOTDIR; }
                Fds.Add(fd!);
                Names.Add(c);
            }
            return 0;
        }

        /// <summary>The resolved object opened with <paramref name="flags"/> (reopened by name under its parent, checked to be the same inode).</summary>
        public SafeFd OpenFinal(int flags, ReadOnlySpan<byte> path)
        {
            if (Fds.Count == 0) return Fs.OpenAt(_root, "."u8, flags);
            var obj = Fds[^1];
            var st = Fs.Stat(obj);
            if ((flags & OpenFlags.Directory) != 0 && !st.IsDirectory)
                throw new FsException(st.IsSymlink ? Errno.ELOOP : Errno.ENOTDIR, "resolve", path);
            if ((flags & ~(OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloseOnExec)) == 0 && (flags & OpenFlags.Path) != 0)
            {
                Fds.RemoveAt(Fds.Count - 1);
                return obj;
            }
            if (st.IsSymlink) throw new FsException(Errno.ELOOP, "openat", path);
            var parent = Fds.Count >= 2 ? Fds[^2] : _root;
            var fd = Fs.OpenAt(parent, Names[^1], flags | OpenFlags.NoFollow);
            var fst = Fs.Stat(fd);
            if (fst.Inode != st.Inode || fst.Device != st.Device)
            {
                fd.Dispose();
                throw new FsException(Errno.EAGAIN, "resolve", path, "the file was replaced while it was being opened");
            }
            return fd;
        }
    }
}
