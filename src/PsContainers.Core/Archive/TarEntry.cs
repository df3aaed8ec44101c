namespace PsContainers.Core.Archive;

/// <summary>The kind of file an entry describes (POSIX ustar typeflag, pax spec "ustar Interchange Format").</summary>
public enum TarEntryKind
{
    /// <summary>A regular file ('0', NUL, or '7' contiguous; also GNU 'S' old sparse files). Data follows the header.</summary>
    RegularFile,
    /// <summary>A directory ('5', or a V7 / NUL-typed entry whose name ends in '/').</summary>
    Directory,
    /// <summary>A symbolic link ('2'); the target is <see cref="TarEntry.LinkName"/>.</summary>
    Symlink,
    /// <summary>A hard link ('1') to an earlier entry named <see cref="TarEntry.LinkName"/>.</summary>
    HardLink,
    /// <summary>A character device ('3') with <see cref="TarEntry.DevMajor"/>/<see cref="TarEntry.DevMinor"/>.</summary>
    CharDevice,
    /// <summary>A block device ('4') with <see cref="TarEntry.DevMajor"/>/<see cref="TarEntry.DevMinor"/>.</summary>
    BlockDevice,
    /// <summary>A FIFO ('6').</summary>
    Fifo,
    /// <summary>A typeflag this codec does not know (a vendor letter, a reserved digit). The raw flag is in
    /// <see cref="TarEntry.TypeFlag"/>; the header's size is honoured (the data can be read or skipped), so a caller can
    /// refuse it with a clear error or skip it. Never written by <see cref="TarArchiveWriter"/>.</summary>
    Unknown,
}

/// <summary>Which header layout an entry was read from (informative; the writer always writes <see cref="Pax"/>/<see cref="Ustar"/>).</summary>
public enum TarHeaderFormat
{
    /// <summary>Unix V7: no magic, no owner names, no prefix.</summary>
    V7,
    /// <summary>POSIX ustar ("ustar\0" "00"), names joined as prefix + "/" + name.</summary>
    Ustar,
    /// <summary>ustar with at least one pax extended header ('x' or 'g') applying.</summary>
    Pax,
    /// <summary>GNU ("ustar  \0" magic): old GNU and GNU formats, with 'L'/'K' long names and base-256 numbers.</summary>
    Gnu,
}

/// <summary>One extended attribute: its name (e.g. "user.comment", "security.capability") and its exact value bytes.</summary>
/// <param name="Name">The attribute name, namespace included.</param>
/// <param name="Value">The value, binary-exact (may contain NUL and bytes &gt;= 0x80).</param>
public readonly record struct TarXattr(string Name, byte[] Value);

/// <summary>A data segment of a sparse file: <paramref name="Length"/> bytes at byte <paramref name="Offset"/> of the file.
/// Bytes of the file outside every segment are holes (read as zeros).</summary>
/// <param name="Offset">Byte offset in the file, &gt;= 0.</param>
/// <param name="Length">Byte count, &gt;= 0 (GNU tar ends its maps with a zero-length segment at the file size).</param>
public readonly record struct TarSparseSegment(long Offset, long Length);

/// <summary>
/// The metadata of one archive member, as read by <see cref="TarArchiveReader"/> or to be written by
/// <see cref="TarArchiveWriter"/>. Names and owner names are raw bytes, never decoded, so every byte tar can express is kept.
/// </summary>
public sealed class TarEntry
{
    /// <summary>What the entry is. <see cref="TarEntryKind.Unknown"/> for a typeflag this codec does not know.</summary>
    public TarEntryKind Kind { get; set; }

    /// <summary>The raw typeflag byte of the main header ('0', '5', 'S', ...). Informative; the writer derives the flag from <see cref="Kind"/>.</summary>
    public byte TypeFlag { get; set; }

    /// <summary>The member name exactly as stored (ustar prefix + "/" + name, a GNU 'L' long name, a pax "path" or a
    /// "GNU.sparse.name"), without terminating NUL. Directories usually end in '/'. Never decoded as text.</summary>
    public byte[] Name { get; set; } = [];

    /// <summary>The link target (symlink target or hard-link source name) as raw bytes; empty when none.
    /// From the ustar linkname, a GNU 'K' long link name or a pax "linkpath".</summary>
    public byte[] LinkName { get; set; } = [];

    /// <summary>Permission bits, 12 bits (0 to 0xFFF = 07777): rwx for user/group/other plus setuid (04000),
    /// setgid (02000) and sticky (01000). File-type bits some writers put in the mode field are dropped.</summary>
    public int Mode { get; set; }

    /// <summary>Numeric owner id (pax "uid", or the header field; base-256 accepted). Up to 2^63-1.</summary>
    public long Uid { get; set; }

    /// <summary>Numeric group id (pax "gid", or the header field; base-256 accepted).</summary>
    public long Gid { get; set; }

    /// <summary>Owner user name bytes (pax "uname" or the 32-byte header field), empty when none.</summary>
    public byte[] UserName { get; set; } = [];

    /// <summary>Owner group name bytes (pax "gname" or the 32-byte header field), empty when none.</summary>
    public byte[] GroupName { get; set; } = [];

    /// <summary>The logical size of the file in bytes: for a regular file the length of its content, for a sparse file
    /// its full size including holes ("realsize"). 0 for directories, links, devices and FIFOs (their headers carry no
    /// data even if a size is recorded, as in Go's and Python's readers).</summary>
    public long Size { get; set; }

    /// <summary>Modification time with nanoseconds (pax "mtime", else the header's seconds).</summary>
    public TarTimestamp ModificationTime { get; set; }

    /// <summary>Access time (pax "atime" or the GNU header's atime field), or null when not recorded.</summary>
    public TarTimestamp? AccessTime { get; set; }

    /// <summary>Status change time (pax "ctime" or the GNU header's ctime field), or null when not recorded.</summary>
    public TarTimestamp? ChangeTime { get; set; }

    /// <summary>Device major number for character and block devices (header field or pax "SCHILY.devmajor").</summary>
    public long DevMajor { get; set; }

    /// <summary>Device minor number for character and block devices (header field or pax "SCHILY.devminor").</summary>
    public long DevMinor { get; set; }

    /// <summary>Extended attributes in archive order, values binary-exact: from pax "SCHILY.xattr.NAME" (raw value; GNU tar's
    /// %3D / %25 escapes of '=' and '%' in NAME are undone) and "LIBARCHIVE.xattr.URL-ENCODED-NAME" (base64 value).
    /// A name given by both keeps its first position and the last value. An empty "SCHILY.xattr.NAME" value in a per-file header
    /// is an attribute with an empty value (as GNU tar writes and restores it), not a pax deletion.</summary>
    public List<TarXattr> Xattrs { get; set; } = new();

    /// <summary>Every pax record that applies to this entry (global 'g' records, then per-file 'x' records overriding them) and that
    /// the reader did not turn into a property above (e.g. "comment", "charset", "SCHILY.acl.access", vendor keys), in order,
    /// values as raw bytes. The writer writes these back verbatim (after the records it generates itself).</summary>
    public List<KeyValuePair<string, byte[]>> PaxRecords { get; set; } = new();

    /// <summary>For a sparse file, its data segments in increasing offset order (ends of the file not covered are holes);
    /// null for a file stored whole. From old GNU 'S' headers or GNU pax sparse formats 0.0, 0.1 and 1.0.</summary>
    public IReadOnlyList<TarSparseSegment>? SparseMap { get; set; }

    /// <summary>The header layout the entry was read from. Ignored by the writer.</summary>
    public TarHeaderFormat Format { get; set; }

    /// <summary>Byte offset, in the reader's stream, of the first header block of this entry (its first extended header if any); -1 for entries not read from an archive.</summary>
    public long HeaderOffset { get; set; } = -1;

    /// <summary><see cref="Name"/> as displayable text: valid UTF-8 kept, invalid bytes and control characters as \xNN, a backslash as \\.
    /// For messages only: two different names can never display the same, but the display is not a file name.</summary>
    public string DisplayName => TarText.Display(Name);

    /// <summary><see cref="LinkName"/> as displayable text (same escaping as <see cref="DisplayName"/>).</summary>
    public string DisplayLinkName => TarText.Display(LinkName);

    /// <summary>Value of the pax record <paramref name="key"/> among <see cref="PaxRecords"/>, or null.</summary>
    public byte[]? GetPaxRecord(string key)
    {
        foreach (var kv in PaxRecords) if (kv.Key == key) return kv.Value;
        return null;
    }
}
