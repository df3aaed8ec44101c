using PsContainers.Core.Build;
using PsContainers.Core.Util;
using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>The build trash: directories a build gives up leave its path at once and are deleted in the background, or by the next collection.</summary>
public sealed class BuildTrashTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-buildtrash-" + Guid.NewGuid().ToString("N"));
    private readonly BuildTrash _trash;

    public BuildTrashTests()
    {
        Directory.CreateDirectory(_root);
        _trash = new BuildTrash(new PscPaths(_root));
    }

    public void Dispose() => SafeTree.Delete(_root);

    /// <summary>A step directory of some size, with a locked-down directory as overlay leaves (work/work, mode 000).</summary>
    private string NewStepDirectory(string name)
    {
        string d = Path.Combine(_root, "tmp", name);
        Directory.CreateDirectory(Path.Combine(d, "usr/lib"));
        for (int i = 0; i < 50; i++) File.WriteAllText(Path.Combine(d, "usr/lib", "f" + i), "x");
        Directory.CreateDirectory(Path.Combine(d, "work/work"));
        File.SetUnixFileMode(Path.Combine(d, "work/work"), 0);
        return d;
    }

    private string[] Entries() => Directory.Exists(_trash.Directory) ? Directory.GetFileSystemEntries(_trash.Directory) : [];

    [Fact]
    public void Discard_takes_the_directory_away_at_once_and_deletes_it_in_the_background()
    {
        string d = NewStepDirectory("build-1");
        var deletion = _trash.Discard(d);
        Assert.False(Directory.Exists(d)); // renamed before Discard returns
        Assert.Equal(Path.Combine(_root, "tmp", "trash"), _trash.Directory);
        Assert.True(deletion.Wait(TimeSpan.FromSeconds(60)));
        Assert.Empty(Entries()); // the entry and its lock file
    }

    [Fact]
    public void What_a_dead_deleter_left_is_collected_and_an_entry_being_deleted_is_left_to_its_owner()
    {
        // a build killed mid-deletion: an entry nobody holds the lock of (the kernel dropped it), half deleted
        Directory.CreateDirectory(_trash.Directory);
        string abandoned = Path.Combine(_trash.Directory, "abandoned");
        Directory.Move(NewStepDirectory("x"), abandoned);
        File.WriteAllText(abandoned + ".lock", "");
        // another process deleting an entry right now: its lock is held
        string busy = Path.Combine(_trash.Directory, "busy");
        Directory.Move(NewStepDirectory("y"), busy);
        using (FileLock.Exclusive(busy + ".lock"))
        {
            Assert.Equal(1, _trash.Collect());
            Assert.False(Directory.Exists(abandoned));
            Assert.False(File.Exists(abandoned + ".lock"));
            Assert.True(Directory.Exists(busy));
        }
        // its owner died before finishing: the next collection (a build's, in the background) takes it
        var background = _trash.CollectInBackground();
        Assert.NotNull(background);
        Assert.True(background!.Wait(TimeSpan.FromSeconds(60)));
        Assert.Empty(Entries());
        Assert.Null(_trash.CollectInBackground()); // nothing left: no thread started
        Assert.Equal(0, _trash.Collect());
    }

    [Fact]
    public void A_link_in_a_discarded_directory_is_removed_never_followed()
    {
        string outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep"), "kept");
        string d = NewStepDirectory("build-2");
        File.CreateSymbolicLink(Path.Combine(d, "usr/link"), outside);
        File.CreateSymbolicLink(Path.Combine(d, "usr/filelink"), Path.Combine(outside, "keep"));
        Assert.True(_trash.Discard(d).Wait(TimeSpan.FromSeconds(60)));
        Assert.Empty(Entries());
        Assert.Equal("kept", File.ReadAllText(Path.Combine(outside, "keep")));
    }

    [Fact]
    public void A_lock_file_whose_entry_is_gone_is_swept()
    {
        Directory.CreateDirectory(_trash.Directory);
        File.WriteAllText(Path.Combine(_trash.Directory, "gone.lock"), "");
        Assert.Equal(0, _trash.Collect());
        Assert.Empty(Entries());
    }

    [Fact]
    public void A_scratch_directory_is_guarded_while_its_build_runs_and_collected_once_its_build_died()
    {
        using (var live = _trash.NewScratch("add-"))
        {
            Assert.StartsWith(Path.Combine(_root, "tmp", BuildTrash.ScratchPrefix + "add-"), live.Path);
            Assert.True(Directory.Exists(live.Path));
            File.WriteAllText(Path.Combine(live.Path, "f"), "x");
            // a build that died: its scratch directory, with a lock file nobody holds
            string dead = Path.Combine(_root, "tmp", BuildTrash.ScratchPrefix + "dead");
            Directory.Move(NewStepDirectory("gone"), dead);
            File.WriteAllText(dead + ".lock", "");
            // RUN --mount's staging of a running build has no guard and is not the collector's
            string bind = NewStepDirectory("build-bind-1");
            Assert.Equal(1, _trash.Collect());
            Assert.False(Directory.Exists(dead));
            Assert.False(File.Exists(dead + ".lock"));
            Assert.True(File.Exists(Path.Combine(live.Path, "f"))); // the live build's directory is left alone
            Assert.True(Directory.Exists(bind));
            SafeTree.Delete(live.Path);
        }
        // its guard released once the directory is gone: nothing is left, not even the lock file
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_root, "tmp")).Where(e => Path.GetFileName(e).StartsWith(BuildTrash.ScratchPrefix, StringComparison.Ordinal)));
    }
}
