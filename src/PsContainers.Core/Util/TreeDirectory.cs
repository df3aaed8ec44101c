using PsContainers.FileSystem;

namespace PsContainers.Core.Util;

/// <summary>
/// The store's directories whose subdirectories are unrelated trees, each made, filled and deleted on its own: the
/// containers (one directory per container, its overlay upper directory inside), the image store's temporary work
/// (a pull's or commit's layers are unpacked there before they are renamed into layers/), the build scratch
/// directories and trash (ROOT/tmp) and the named volumes.
/// <para>Each is marked FS_TOPDIR_FL (chattr +T, <see cref="Fs.TryMarkTopDirectory"/>), the hint chattr(1) suggests for
/// /home: on ext2/3/4 the Orlov allocator then places each new subdirectory (and the files made in it) in a block
/// group of its own choosing (one with few directories and free inodes and blocks), instead of next to its siblings.
/// A layer unpacked or a container's files written then land in fresh groups, apart from the trees other builds and
/// containers made and deleted. This matters on ext4 without a journal: there, for about 35 seconds after an inode
/// is freed, every new inode in its group skips it (ext4's recently_deleted check), at the cost of a buffer lookup
/// per skipped inode, so unpacking a 6,800-file layer next to a tree of the same size deleted a moment before took
/// 2.1 s instead of 0.33 s on this project's CI hosts (GNU tar showed the same). Elsewhere the flag only spreads
/// unrelated trees, as for /home; file systems without inode flags (tmpfs, xfs, btrfs, overlayfs) are left as
/// they are.</para>
/// </summary>
public static class TreeDirectory
{
    /// <summary>
    /// Create <paramref name="path"/> (and its parents) when missing and mark it FS_TOPDIR_FL when its file system
    /// has the flag. Returns whether the directory has the flag. The mark is a hint: a file system that has no such
    /// flag or refuses it, or a directory that cannot be opened to mark it, is not an error.
    /// </summary>
    /// <exception cref="IOException">The directory cannot be created (as <see cref="Directory.CreateDirectory(string)"/>).</exception>
    public static bool Ensure(string path)
    {
        Directory.CreateDirectory(path);
        // the last component is not followed: a symlink put in the place of the directory is not the store's to mark
        if (!Fs.TryOpenAt(null, System.Text.Encoding.UTF8.GetBytes(path), Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW, out var fd, out _))
            return false;
        using (fd!)
        {
            try { return Fs.TryMarkTopDirectory(fd!); }
            catch (FsException) { return false; }
        }
    }
}
