using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PsContainers.Core.Images;
using PsContainers.Core.Runtime;
using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// COPY and ADD into a stage's root file system with BuildKit's semantics (Dockerfile reference, COPY/ADD):
/// wildcards per path component, a directory source copies its contents (not itself), a trailing "/" on the
/// destination makes it a directory, several sources need one, a relative destination is under WORKDIR, missing
/// parent directories are created, files belong to root unless <c>--chown</c> (names looked up in the destination's
/// /etc/passwd and /etc/group), <c>--chmod</c> sets the permission bits, modes and modification times are kept, and an
/// ADD of a local tar (plain, gzip, zstd, bzip2, xz) is extracted.
/// <para>
/// Safety: sources are resolved inside the source root and destinations inside the destination root with the one
/// secure join (<see cref="RootedPath"/>); trees are read with <see cref="SafeTree.Walk"/>, which never follows a link;
/// every entry is created relative to a directory descriptor and an existing non-directory in the way is removed
/// first, never written through.
/// </para>
/// Errors (<see cref="PscException"/>): BuildSourceNotFound (a source or wildcard matches nothing),
/// BuildDestinationNotDirectory (several sources and the destination does not end with "/"), InvalidBuildChmod,
/// UserNotFound/GroupNotFound (from the <c>--chown</c> lookup), BuildCopyFailed (a file system error).
/// </summary>
public static class BuildCopier
{
    /// <summary>One thing to copy: where it lands (absolute, in the destination root) and what it is.</summary>
    private readonly record struct Item(byte[] Destination, byte[] ContextPath, SafeFd Parent, byte[] Name, FsStat Status, bool IsTopDirectory, bool IsArchive);

    /// <summary>
    /// Copy the sources of <paramref name="o"/> from <paramref name="source"/> into the root file system mounted at
    /// <paramref name="destinationRootfs"/>. Returns the number of entries written.
    /// </summary>
    public static int Copy(BuildCopySource source, BuildCopyOptions o, string destinationRootfs, CancellationToken ct = default)
    {
        uint? mode = ParseChmod(o.Chmod, o.Where);
        (uint Uid, uint Gid)? owner = ResolveChown(o.Chown, destinationRootfs);
        using var dest = RootedPath.Open(destinationRootfs);
        int count = 0;
        var ensured = new HashSet<string>(StringComparer.Ordinal);
        var links = new Dictionary<(ulong, ulong), byte[]>();
        try
        {
            foreach (var item in Enumerate(source, o, dest, ct))
            {
                ct.ThrowIfCancellationRequested();
                if (item.IsArchive) { CreateOwnedDirectories(dest, item.Destination, includeFinal: true, owner, ensured); count += Extract(item, dest); continue; }
                CreateOwnedDirectories(dest, item.Destination, includeFinal: false, owner, ensured);
                Write(item, dest, source.IsContext, owner, mode, links);
                count++;
            }
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.BuildCopyFailed, PscErrorCategory.WriteError, $"{o.Where}: cannot copy: {e.Message}", o.Where, e);
        }
        return count;
    }

    /// <summary>
    /// The digest ("sha256:…") of everything <paramref name="o"/> would copy: per entry its destination path, type,
    /// permission bits, owner (only outside the context: the context's owners never reach the image), size, content
    /// and link target. Modification times take no part (BuildKit's cache ignores them), so touching a file hits the
    /// cache, changing a byte misses it. A file's content hash comes from <see cref="BuildCopySource.ContentHashes"/>
    /// when the source has them and the file is unchanged since it was last hashed.
    /// </summary>
    public static string ComputeDigest(BuildCopySource source, BuildCopyOptions o, CancellationToken ct = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var seen = new Dictionary<(ulong, ulong), int>();
        try
        {
            foreach (var item in Enumerate(source, o, destination: null, ct))
            {
                ct.ThrowIfCancellationRequested();
                var st = item.Status;
                sha.AppendData(item.Destination);
                sha.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"\0{st.Type:x}:{Convert.ToString(st.Permissions, 8)}:{(source.IsContext ? "" : $"{st.Uid}:{st.Gid}")}:{st.Size}:{(item.IsArchive ? "x" : "")}\0")));
                if (st.IsRegular && source.ContentHashes is { } hashes) sha.AppendData(hashes.Sha256(item.Parent, item.Name, st));
                else if (st.IsRegular)
                {
                    using var f = Fs.OpenRead(item.Parent, item.Name);
                    sha.AppendData(SHA256.HashData(f));
                }
                else if (st.IsSymlink) sha.AppendData(Fs.ReadLink(item.Parent, item.Name));
                // extended attributes and hard links are copied, so they take part (nothing is added without them)
                foreach (var (attr, value) in Xattrs(item)) { sha.AppendData("\0x:"u8); sha.AppendData(attr); sha.AppendData([0]); sha.AppendData(value); }
                if (!st.IsDirectory && st.Nlink > 1 && !seen.TryAdd(st.Identity, seen.Count)) sha.AppendData(Encoding.ASCII.GetBytes($"\0h:{seen[st.Identity]}"));
                sha.AppendData([0]);
            }
        }
        catch (FsException e)
        {
            throw new PscException(ErrorIds.BuildCopyFailed, PscErrorCategory.ReadError, $"{o.Where}: cannot read the sources: {e.Message}", o.Where, e);
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // ------------------------------------------------------------------ sources

    /// <summary>
    /// Every entry to copy, in a stable order (sources as given, wildcard matches sorted, trees pre-order sorted by
    /// name). With <paramref name="destination"/> null the "existing directory" rule for a single file source is not
    /// checked (the digest does not depend on it).
    /// </summary>
    private static IEnumerable<Item> Enumerate(BuildCopySource source, BuildCopyOptions o, RootedPath? destination, CancellationToken ct)
    {
        var matches = new List<string>();
        bool wildcard = false;
        foreach (var s in o.Sources)
        {
            var found = Expand(source.Root, s, out bool isPattern);
            wildcard |= isPattern;
            // a source the ignore file excludes is not in the context at all
            found.RemoveAll(m => source.Excluded is { } ex && m.Length > 0 && ex(m) && !IsDirectory(source.Root, m));
            if (found.Count == 0)
                throw PscException.NotFound(ErrorIds.BuildSourceNotFound,
                    isPattern ? $"{o.Where}: no source files were specified: '{s}' matches nothing." : $"{o.Where}: '{s}' was not found in the {(source.IsContext ? "build context" : "source stage")}.", s);
            matches.AddRange(found);
        }
        string destText = o.Destination.Length == 0 ? "." : o.Destination;
        bool destIsDir = destText.EndsWith('/') || destText is "." or ".." || destText.EndsWith("/.", StringComparison.Ordinal);
        string destAbs = Clean(destText.StartsWith('/') ? destText : o.WorkingDirectory.TrimEnd('/') + "/" + destText);
        if (matches.Count > 1 && !destIsDir)
            throw PscException.InvalidArgument(ErrorIds.BuildDestinationNotDirectory,
                $"{o.Where}: when copying more than one source the destination must be a directory and end with a '/' ('{o.Destination}').", o.Destination);

        foreach (var m in matches)
        {
            var mBytes = BytePath.FromString(m);
            using var top = source.Root.Open(mBytes, OpenFlags.Path, followFinal: true);
            var topStat = Fs.Stat(top);
            if (topStat.IsDirectory)
            {
                using var dir = source.Root.Open(mBytes, OpenFlags.ReadOnly | OpenFlags.Directory, followFinal: true);
                foreach (var e in SafeTree.Walk(dir))
                {
                    ct.ThrowIfCancellationRequested();
                    var ctxPath = e.RelativePath.Length == 0 ? mBytes : BytePath.Combine(mBytes, e.RelativePath);
                    if (e.RelativePath.Length > 0 && source.Excluded is { } ex && ex(BytePath.Display(ctxPath))) continue;
                    var d = e.RelativePath.Length == 0 ? BytePath.FromString(destAbs) : BytePath.Combine(BytePath.FromString(destAbs), e.RelativePath);
                    yield return new Item(d, ctxPath, e.Parent, e.Name, e.Status, e.RelativePath.Length == 0, false);
                }
                continue;
            }
            // a file (a final symlink was followed inside the root): open its parent to read it without following
            var resolved = source.Root.ResolveBytes(mBytes, followFinal: true);
            using var parent = source.Root.OpenParent(resolved, out var name);
            var st = Fs.Stat(parent, name);
            string baseName = BytePath.Display(name);
            bool archive = o.IsAdd && source.IsContext && st.IsRegular && IsTarArchive(parent, name);
            string target;
            if (archive) target = destAbs;
            else if (destIsDir || matches.Count > 1 || (destination is not null && IsDirectory(destination, destAbs))) target = destAbs.TrimEnd('/') + "/" + baseName;
            else target = destAbs;
            yield return new Item(BytePath.FromString(target), mBytes, parent, name, st, false, archive);
        }
    }

    /// <summary>
    /// The paths a source names: itself when it has no wildcard (if it exists), else every path whose components
    /// match the pattern's (Go filepath.Match per component), sorted. Results are root-relative, without a leading "/".
    /// </summary>
    private static List<string> Expand(RootedPath root, string pattern, out bool isPattern)
    {
        var comps = Clean(pattern).Split('/', StringSplitOptions.RemoveEmptyEntries);
        isPattern = comps.Any(HasMeta);
        var current = new List<string> { "" };
        foreach (var c in comps)
        {
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!HasMeta(c)) { next.Add(dir.Length == 0 ? Unescape(c) : dir + "/" + Unescape(c)); continue; }
                SafeFd d;
                try { d = root.Open(dir.Length == 0 ? "." : dir, OpenFlags.ReadOnly | OpenFlags.Directory); }
                catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR) { continue; }
                using (d)
                {
                    var names = Fs.ReadDirectory(d).Select(e => BytePath.Display(e.Name)).Where(n => n is not "." and not "..").ToList();
                    names.Sort(StringComparer.Ordinal);
                    foreach (var n in names)
                        if (GoMatch(c, n)) next.Add(dir.Length == 0 ? n : dir + "/" + n);
                }
            }
            current = next;
        }
        return current.Where(p => Exists(root, p)).ToList();
    }

    private static bool Exists(RootedPath root, string path)
    {
        try { using var _ = root.Open(path.Length == 0 ? "." : path, OpenFlags.Path); return true; }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP) { return false; }
    }

    private static bool IsDirectory(RootedPath root, string path)
    {
        try { using var fd = root.Open(path.Length == 0 ? "." : path, OpenFlags.Path); return Fs.Stat(fd).IsDirectory; }
        catch (FsException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR or Errno.ELOOP) { return false; }
    }

    /// <summary>Lexical clean of a slash path ("." dropped, ".." pops, never above the root); absolute in, absolute out.</summary>
    internal static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return (path.StartsWith('/') ? "/" : "") + string.Join('/', parts);
    }

    private static bool HasMeta(string component)
    {
        for (int i = 0; i < component.Length; i++)
        {
            if (component[i] == '\\') { i++; continue; }
            if (component[i] is '*' or '?' or '[') return true;
        }
        return false;
    }

    private static string Unescape(string s) => s.Contains('\\') ? System.Text.RegularExpressions.Regex.Replace(s, @"\\(.)", "$1") : s;

    /// <summary>
    /// Go's path.Match for one component: <c>*</c> any run of characters, <c>?</c> one character, <c>[...]</c> a class
    /// (ranges, <c>^</c> negation), <c>\</c> escapes the next character. A malformed class matches nothing.
    /// </summary>
    internal static bool GoMatch(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { starP = ++p; starN = n; continue; }
            if (p < pattern.Length && MatchOne(pattern, ref p, name[n])) { n++; continue; }
            if (starP < 0) return false;
            p = starP; n = ++starN;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Whether the single-character element at <paramref name="p"/> matches <paramref name="c"/>; advances past it on a match.</summary>
    private static bool MatchOne(string pat, ref int p, char c)
    {
        int i = p;
        char pc = pat[i];
        if (pc == '?') { p = i + 1; return true; }
        if (pc == '\\') { if (i + 1 >= pat.Length) return false; if (pat[i + 1] != c) return false; p = i + 2; return true; }
        if (pc != '[') { if (pc != c) return false; p = i + 1; return true; }
        i++;
        bool negate = i < pat.Length && pat[i] == '^';
        if (negate) i++;
        bool matched = false, first = true;
        while (i < pat.Length && (pat[i] != ']' || first))
        {
            first = false;
            char lo = pat[i];
            if (lo == '\\' && i + 1 < pat.Length) lo = pat[++i];
            i++;
            char hi = lo;
            if (i + 1 < pat.Length && pat[i] == '-' && pat[i + 1] != ']')
            {
                hi = pat[i + 1];
                if (hi == '\\' && i + 2 < pat.Length) { hi = pat[i + 2]; i++; }
                i += 2;
            }
            if (lo <= c && c <= hi) matched = true;
        }
        if (i >= pat.Length) return false; // no closing ']'
        if (matched == negate) return false;
        p = i + 1;
        return true;
    }

    // ------------------------------------------------------------------ destination

    /// <summary>
    /// mkdir -p of the directories leading to <paramref name="path"/> (and of <paramref name="path"/> itself with
    /// <paramref name="includeFinal"/>), mode 0755, each directory this call creates owned by <paramref name="owner"/>:
    /// BuildKit's copy (tonistiigi/fsutil copy.MkdirAll) chowns every directory it creates, not only the last, and
    /// leaves existing ones alone. Without an owner they stay root's (mkdirat as root), as the Dockerfile reference
    /// says. Each directory is created by name under its already-resolved parent (secure join), never through a link
    /// out of the root. <paramref name="ensured"/> remembers the prefixes already handled in this copy.
    /// </summary>
    private static void CreateOwnedDirectories(RootedPath dest, byte[] path, bool includeFinal, (uint Uid, uint Gid)? owner, HashSet<string> ensured)
    {
        if (owner is not { } ow) return; // OpenParent(createParents) makes root-owned ones as it writes
        var comps = BytePath.Split(path);
        if (!includeFinal && comps.Count > 0) comps.RemoveAt(comps.Count - 1);
        var prefix = new List<byte[]>();
        foreach (var c in comps)
        {
            prefix.Add(c);
            var p = BytePath.Join(prefix);
            if (!ensured.Add(BytePath.Display(p))) continue;
            try { using var fd = dest.Open(p, OpenFlags.Path); if (Fs.Stat(fd).IsDirectory) continue; }
            catch (FsException x) when (x.Errno is Errno.ENOENT) { }
            using var parent = dest.OpenParent(p, out var name);
            if (!Fs.TryMkdir(parent, name, 0x1ed, out int e))
            {
                if (e == Errno.EEXIST) continue; // a dangling link or a file: the writer decides, as before
                throw new FsException(e, "mkdirat", p);
            }
            Fs.Chown(parent, name, ow.Uid, ow.Gid);
            Fs.Chmod(parent, name, 0x1ed);
        }
    }

    /// <param name="links">Source inode → where its first name was written in this copy: a second name of the same
    /// inode becomes a hard link to that copy (one inode, nlink 2, as buildah and BuildKit keep hard links).</param>
    private static void Write(Item item, RootedPath dest, bool fromContext, (uint Uid, uint Gid)? owner, uint? mode, Dictionary<(ulong, ulong), byte[]> links)
    {
        var st = item.Status;
        // "COPY dir /": the top directory is the root itself, which exists and keeps what it has (as an existing
        // destination directory does); only the contents are written
        if (item.IsTopDirectory && item.Destination.AsSpan().TrimEnd((byte)'/').Length == 0) return;
        using var parent = dest.OpenParent(item.Destination, out var name, createParents: true);
        bool created = true;
        if (st.IsDirectory)
        {
            if (!Fs.TryMkdir(parent, name, 0x1c0, out int e))
            {
                if (e != Errno.EEXIST) throw new FsException(e, "mkdirat", item.Destination);
                var existing = Fs.Stat(parent, name);
                if (existing.IsSymlink && IsDirectory(dest, BytePath.Display(item.Destination))) return; // a link to a directory inside the root: merge through it
                if (!existing.IsDirectory) { Fs.Unlink(parent, name); Fs.Mkdir(parent, name, 0x1c0); }
                else created = false;
            }
            // the destination directory of "copy the contents" keeps what it had when it existed, as BuildKit does
            if (item.IsTopDirectory && !created) { if (owner is { } ow) Fs.Chown(parent, name, ow.Uid, ow.Gid); return; }
            if (item.IsTopDirectory)
            {
                var (u, g) = owner ?? (0u, 0u);
                Fs.Chown(parent, name, u, g);
                Fs.Chmod(parent, name, mode ?? 0x1ed);
                return;
            }
        }
        else
        {
            if (Fs.TryStat(parent, name, out var existing))
            {
                if (existing.IsDirectory) throw new FsException(Errno.EISDIR, "copy", item.Destination, "a directory is in the way of a file");
                Fs.Unlink(parent, name);
            }
            if (st.Nlink > 1 && links.TryGetValue(st.Identity, out var first))
            {
                using var firstParent = dest.OpenParent(first, out var firstName);
                try { Fs.Link(firstParent, firstName, parent, name); return; } // owner, mode, xattrs and times are the inode's
                catch (FsException e) when (e.Errno is Errno.EMLINK or Errno.ENOENT) { } // too many links, or gone: copy the data
            }
            if (st.IsRegular)
            {
                using var src = Fs.OpenRead(item.Parent, item.Name);
                using var dst = Fs.CreateFile(parent, name, 0x180);
                src.CopyTo(dst);
            }
            else if (st.IsSymlink) Fs.Symlink(Fs.ReadLink(item.Parent, item.Name), parent, name);
            else if (st.IsFifo || st.IsCharDevice || st.IsBlockDevice) Fs.Mknod(parent, name, st.Mode, st.Rdev);
            else return; // sockets are not copied
        }
        var (uid, gid) = owner ?? (fromContext ? (0u, 0u) : (st.Uid, st.Gid));
        Fs.Chown(parent, name, uid, gid);
        CopyXattrs(item, parent, name); // after chown, which clears security.capability
        if (!st.IsSymlink) Fs.Chmod(parent, name, mode ?? st.Permissions);
        Fs.SetTimes(parent, name, st.Atime, st.Mtime);
        if (!st.IsDirectory && st.Nlink > 1) links.TryAdd(st.Identity, item.Destination);
    }

    /// <summary>
    /// Copy the extended attributes of the source entry (user.*, security.capability, ...) byte-exact, as buildah and
    /// BuildKit do, so "setcap in one stage, COPY --from into the next" keeps the capability. trusted.overlay.* (an
    /// overlay's own markers) are never copied; trusted.* refused with EPERM and any attribute the destination file
    /// system cannot hold (EOPNOTSUPP) are skipped quietly, as buildah does. Both ends are named under directory
    /// descriptors (no link is followed).
    /// </summary>
    private static void CopyXattrs(Item item, SafeFd parent, byte[] name)
    {
        foreach (var (attr, value) in Xattrs(item))
        {
            try { Fs.SetXattr(parent, name, attr, value); }
            catch (FsException e) when (e.Errno == Errno.EOPNOTSUPP || (e.Errno == Errno.EPERM && attr.AsSpan().StartsWith("trusted."u8))) { }
        }
    }

    /// <summary>The source entry's extended attributes worth copying (trusted.overlay.* left out), sorted by name.</summary>
    private static List<KeyValuePair<byte[], byte[]>> Xattrs(Item item)
    {
        var all = Fs.GetAllXattrs(item.Parent, item.Name);
        all.RemoveAll(a => a.Key.AsSpan().StartsWith("trusted.overlay."u8));
        all.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return all;
    }

    /// <summary>ADD of a local archive: extract it into the destination directory with the engine's hardened extractor.</summary>
    private static int Extract(Item item, RootedPath dest)
    {
        using var dir = dest.CreateDirectories(item.Destination);
        using var raw = BuildArchive.Open(Fs.OpenRead(item.Parent, item.Name));
        return LayerExtractor.Unpack(raw, dir.ProcPath).Entries;
    }

    /// <summary>A tar, plain or compressed (gzip, zstd, bzip2, xz: <see cref="BuildArchive"/>), recognised by content, not by name.</summary>
    private static bool IsTarArchive(SafeFd parent, byte[] name)
    {
        try
        {
            using var raw = Fs.OpenRead(parent, name);
            using var unwrapped = BuildArchive.Open(raw);
            using var s = Compression.OpenDecompressed(unwrapped, out _, leaveOpen: true);
            var head = new byte[512];
            int n = s.ReadAtLeast(head, 512, throwOnEndOfStream: false);
            return n == 512 && head.AsSpan(257, 5).SequenceEqual("ustar"u8);
        }
        catch (Exception e) when (BuildArchive.IsNotAnArchive(e)) { return false; }
    }

    // ------------------------------------------------------------------ flags

    /// <summary>--chmod: octal permission bits (up to 07777).</summary>
    /// <exception cref="PscException">InvalidBuildChmod.</exception>
    public static uint? ParseChmod(string? chmod, string where = "")
    {
        if (string.IsNullOrEmpty(chmod)) return null;
        try
        {
            uint v = Convert.ToUInt32(chmod, 8);
            if (v <= 0xFFF) return v;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException) { }
        throw PscException.InvalidArgument(ErrorIds.InvalidBuildChmod, $"{where}: --chmod={chmod} is not an octal mode (such as 755 or 0640).", chmod);
    }

    /// <summary>
    /// --chown=user[:group] → numbers, names looked up in the destination's /etc/passwd and /etc/group
    /// (<see cref="SpecBuilder.ResolveUser"/>); without a group the GID is the UID (Dockerfile reference, COPY --chown).
    /// </summary>
    public static (uint Uid, uint Gid)? ResolveChown(string? chown, string rootfs)
    {
        if (string.IsNullOrEmpty(chown)) return null;
        var u = SpecBuilder.ResolveUser(chown, rootfs);
        return chown.Contains(':') ? (u.Uid, u.Gid) : (u.Uid, u.Uid);
    }
}
