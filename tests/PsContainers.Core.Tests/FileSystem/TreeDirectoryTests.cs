using PsContainers.Core.Build;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Tests.Archive;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>
/// The store's directories of unrelated trees carry FS_TOPDIR_FL (<see cref="TreeDirectory"/>, chattr +T). Checked on
/// an ext4 of the test's own: a sparse 1 GiB image made with mkfs.ext4 without a journal (as this project's CI hosts
/// mount their disk) and without flex groups (so that the Orlov allocator's choice of block group shows in the inode
/// numbers), mounted with util-linux <c>mount -o loop</c> under the test's temporary directory and unmounted after
/// each test. The flag is read back with e2fsprogs' lsattr, not with the engine's own code. tmpfs, which has no such
/// flag, is left as it is.
/// </summary>
public sealed class TreeDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-treedir-").FullName;
    private readonly string _image;
    private readonly string _mnt;
    private readonly int _inodesPerGroup;

    public TreeDirectoryTests()
    {
        _image = Path.Combine(_dir, "ext4.img");
        _mnt = Path.Combine(_dir, "mnt");
        Directory.CreateDirectory(_mnt);
        Run("truncate", "-s", "1G", _image);
        Run("mkfs.ext4", "-q", "-F", "-O", "^has_journal,^flex_bg", "-b", "4096", _image);
        string header = Run("dumpe2fs", "-h", _image);
        _inodesPerGroup = int.Parse(header.Split('\n').Single(l => l.StartsWith("Inodes per group:", StringComparison.Ordinal)).Split(':')[1].Trim());
        Run("mount", "-o", "loop", _image, _mnt);
    }

    public void Dispose()
    {
        try { Run("umount", _mnt); }
        catch (InvalidOperationException) { Run("umount", "-l", _mnt); }
        SafeTree.Delete(_dir);
    }

    private static string Run(string tool, params string[] args) => Tools.Run(tool, args).Stdout;

    /// <summary>lsattr's flag letters of the directory itself (e.g. "-------------Te-------").</summary>
    private static string Attributes(string dir) => Run("lsattr", "-d", dir).Split(' ', 2)[0];

    private int GroupOf(string path) => (int)((Fs.Stat(null, System.Text.Encoding.UTF8.GetBytes(path)).Inode - 1) / (ulong)_inodesPerGroup);

    [Fact]
    public void A_marked_directory_has_the_flag_and_each_new_subdirectory_goes_to_a_block_group_of_its_own()
    {
        string plain = Path.Combine(_mnt, "a", "plain"), marked = Path.Combine(_mnt, "a", "marked");
        Directory.CreateDirectory(plain);
        Assert.True(TreeDirectory.Ensure(marked));
        Assert.True(TreeDirectory.Ensure(marked)); // already marked: read, not written again
        Assert.Contains('T', Attributes(marked));
        Assert.DoesNotContain('T', Attributes(plain));
        Assert.DoesNotContain('T', Attributes(Path.Combine(_mnt, "a")));

        foreach (var n in new[] { "1", "2" })
        {
            Directory.CreateDirectory(Path.Combine(marked, "x" + n));
            Directory.CreateDirectory(Path.Combine(plain, "y" + n));
        }
        // an unmarked directory's subdirectories stay in its group (Orlov keeps related trees together) ...
        Assert.Equal(GroupOf(plain), GroupOf(Path.Combine(plain, "y1")));
        Assert.Equal(GroupOf(plain), GroupOf(Path.Combine(plain, "y2")));
        // ... a marked one's are spread: each to a group with the fewest directories, away from their parent and each other
        int x1 = GroupOf(Path.Combine(marked, "x1")), x2 = GroupOf(Path.Combine(marked, "x2"));
        Assert.NotEqual(GroupOf(marked), x1);
        Assert.NotEqual(GroupOf(marked), x2);
        Assert.NotEqual(x1, x2);
        // the flag is not inherited: a tree inside stays together
        Assert.DoesNotContain('T', Attributes(Path.Combine(marked, "x1")));
    }

    [Fact]
    public void The_store_marks_its_containers_layer_work_build_scratch_and_volumes_directories_and_nothing_else()
    {
        var paths = new PscPaths(Path.Combine(_mnt, "store"));
        var engine = new Engine(paths, new RecordingSyscalls());
        var b = TestImages.PutImage(engine.Images, TestImages.ThreeLayers());
        var image = engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/treedir:1")], NullProgressSink.Instance, default);
        engine.Containers.Create(new ContainerCreateOptions { Image = image.Id, Command = ["true"], Networks = ["none"] });
        using (new BuildTrash(paths).NewScratch("")) { }
        engine.Volumes.Create("data");

        foreach (var d in new[] { paths.Containers, Path.Combine(paths.Storage, "tmp"), paths.Tmp, paths.Volumes })
            Assert.True(Attributes(d).Contains('T'), $"{d} is not marked: {Attributes(d)}");
        foreach (var d in new[] { paths.Root, paths.Storage, Path.Combine(paths.Storage, "layers"), Path.Combine(paths.Storage, "images") })
            Assert.False(Attributes(d).Contains('T'), $"{d} is marked: {Attributes(d)}");
    }

    [Fact]
    public void A_symlink_in_the_place_of_the_directory_is_not_followed_to_mark_its_target()
    {
        string target = Path.Combine(_mnt, "elsewhere");
        Directory.CreateDirectory(target);
        string link = Path.Combine(_mnt, "tmp");
        File.CreateSymbolicLink(link, target);

        Assert.False(TreeDirectory.Ensure(link));
        Assert.DoesNotContain('T', Attributes(target));
    }

    [Fact]
    public void A_file_system_without_inode_flags_is_left_as_it_is()
    {
        Assert.Equal("tmpfs", Run("stat", "-f", "-c", "%T", "/dev/shm").Trim());
        string dir = Path.Combine("/dev/shm", "psc-treedir-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Assert.False(TreeDirectory.Ensure(Path.Combine(dir, "sub")));
            Assert.True(Directory.Exists(Path.Combine(dir, "sub")));
        }
        finally { SafeTree.Delete(dir); }
    }
}
