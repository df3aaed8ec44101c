namespace PsContainers.FileSystem;

/// <summary>
/// What a directory's inode says about who last touched it, as <see cref="DirectoryStamps"/> records it: the full mode
/// (type and permission bits, st_mode), the owner (uid, gid) and the modification and change times (st_mtime,
/// st_ctime, with nanoseconds). The change time moves with any change of the inode (times set with touch -d, chmod,
/// chown, an xattr, an entry made or removed), so two equal stamps of the same inode mean nobody changed it between
/// them.
/// </summary>
public readonly record struct DirectoryStamp(uint Mode, uint Uid, uint Gid, FsTime Mtime, FsTime Ctime)
{
    /// <summary>The stamp of the object <paramref name="st"/> describes.</summary>
    public static DirectoryStamp Of(in FsStat st) => new(st.Mode, st.Uid, st.Gid, st.Mtime, st.Ctime);
}
