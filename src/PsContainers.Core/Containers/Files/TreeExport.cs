using PsContainers.Core.Archive;
using PsContainers.FileSystem;

namespace PsContainers.Core.Containers.Files;

/// <summary>A directory tree as a pax tar stream, the way docker export writes a container's root file system.</summary>
public static class TreeExport
{
    /// <summary>
    /// Write the tree under <paramref name="root"/> (a directory descriptor) to <paramref name="output"/> as a pax tar
    /// (<see cref="TarArchiveWriter"/>), the way docker export does: member names relative to the root without a
    /// leading "./" (directories end in "/"; the root itself is not an entry), in byte order, names and link targets as
    /// exact bytes (not UTF-8 is kept). Each entry keeps its numeric owner, full mode (setuid/setgid/sticky), mtime with
    /// nanoseconds and every extended attribute byte-exact (security.capability included; overlayfs' trusted.overlay.*
    /// left out). Symlinks are written as links and never followed; a file with several names is written once and then
    /// as hard-link entries naming the first; character and block devices and FIFOs become device/FIFO entries;
    /// sockets are left out (tar cannot hold them). Only the root's file system is walked
    /// (<see cref="SafeTree.Walk"/> with one-file-system): a mount point inside is written as an empty directory.
    /// A file that shrinks while it is read is padded with zeros to the size in its header. The stream is left open.
    /// Throws <see cref="FsException"/> on I/O errors and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static void Write(SafeFd root, Stream output, CancellationToken ct = default)
    {
        using var w = new TarArchiveWriter(output, leaveOpen: true, new TarWriterOptions { SubsecondTimes = true });
        var links = new Dictionary<(ulong, ulong), byte[]>();
        var buffer = new byte[1 << 16];
        foreach (var e in SafeTree.Walk(root, new WalkOptions { OneFileSystem = true, Sorted = true }))
        {
            ct.ThrowIfCancellationRequested();
            if (e.Depth == 0) continue;
            var st = e.Status;
            if (st.IsSocket) continue;
            var entry = new TarEntry
            {
                Name = st.IsDirectory ? [.. e.RelativePath, (byte)'/'] : e.RelativePath,
                Mode = (int)st.Permissions,
                Uid = st.Uid,
                Gid = st.Gid,
                ModificationTime = new TarTimestamp(st.Mtime.Seconds, (int)st.Mtime.Nanoseconds),
            };
            if (!st.IsDirectory && st.Nlink > 1)
            {
                if (links.TryGetValue(st.Identity, out var first))
                {
                    entry.Kind = TarEntryKind.HardLink;
                    entry.LinkName = first;
                    w.WriteHeader(entry);
                    continue;
                }
                links[st.Identity] = e.RelativePath;
            }
            foreach (var (attr, value) in e.GetXattrs())
            {
                if (attr.AsSpan().StartsWith("trusted.overlay."u8)) continue;
                // an attribute name that is not UTF-8 cannot be written as a pax SCHILY.xattr key: it is left out
                if (BytePath.TryToString(attr, out var an)) entry.Xattrs.Add(new TarXattr(an, value));
            }
            if (st.IsDirectory) { entry.Kind = TarEntryKind.Directory; w.WriteHeader(entry); }
            else if (st.IsSymlink) { entry.Kind = TarEntryKind.Symlink; entry.LinkName = e.ReadLink(); w.WriteHeader(entry); }
            else if (st.IsCharDevice || st.IsBlockDevice)
            {
                entry.Kind = st.IsCharDevice ? TarEntryKind.CharDevice : TarEntryKind.BlockDevice;
                entry.DevMajor = st.RdevMajor;
                entry.DevMinor = st.RdevMinor;
                w.WriteHeader(entry);
            }
            else if (st.IsFifo) { entry.Kind = TarEntryKind.Fifo; w.WriteHeader(entry); }
            else if (st.IsRegular)
            {
                FileStream data;
                try { data = e.OpenRead(); }
                catch (FsException fe) when (fe.Errno is Errno.ENOENT or Errno.ELOOP or Errno.EINVAL) { links.Remove(st.Identity); continue; } // replaced meanwhile
                using (data)
                {
                    entry.Kind = TarEntryKind.RegularFile;
                    entry.Size = data.Length;
                    w.WriteHeader(entry);
                    long left = entry.Size;
                    while (left > 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        int n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (n == 0) { Array.Clear(buffer); n = (int)Math.Min(buffer.Length, left); }
                        w.WriteData(buffer.AsSpan(0, n));
                        left -= n;
                    }
                }
            }
        }
        w.Finish();
    }
}
