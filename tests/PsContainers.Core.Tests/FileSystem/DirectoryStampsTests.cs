using PsContainers.FileSystem;

namespace PsContainers.Core.Tests.FileSystem;

/// <summary>The directory snapshot a build's RUN takes of its upper directory before the command (pscmon dir-stamps).</summary>
public sealed class DirectoryStampsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-stamps-").FullName;
    private string Tree => Path.Combine(_dir, "tree");

    public DirectoryStampsTests() => Directory.CreateDirectory(Tree);

    public void Dispose() => SafeTree.Delete(_dir);

    private Dictionary<string, DirectoryStamp> Record()
    {
        using var root = SafeFd.OpenDirectory(Tree);
        return DirectoryStamps.Record(root);
    }

    [Fact]
    public void Records_every_directory_below_the_root_with_mode_owner_and_times_and_nothing_else()
    {
        Directory.CreateDirectory(Path.Combine(Tree, "etc/ssl"));
        Directory.CreateDirectory(Path.Combine(Tree, "srv"));
        File.WriteAllText(Path.Combine(Tree, "etc/hosts"), "");
        File.SetUnixFileMode(Path.Combine(Tree, "srv"), (UnixFileMode)0x1c0);
        Directory.SetLastWriteTimeUtc(Path.Combine(Tree, "srv"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        // a link to a directory elsewhere is an entry, never a directory to enter
        Directory.CreateDirectory(Path.Combine(_dir, "outside/inner"));
        File.CreateSymbolicLink(Path.Combine(Tree, "link"), Path.Combine(_dir, "outside"));

        var map = Record();
        Assert.Equal(new[] { "etc", "etc/ssl", "srv" }, map.Keys.Order(StringComparer.Ordinal));
        var srv = map["srv"];
        Assert.Equal(0x41c0u, srv.Mode); // S_IFDIR | 0700
        Assert.Equal(0u, srv.Uid);
        Assert.Equal(new FsTime(981173106, 0), srv.Mtime);
        using var fd = SafeFd.OpenDirectory(Path.Combine(Tree, "srv"));
        Assert.Equal(DirectoryStamp.Of(Fs.Stat(fd)), srv);
    }

    [Fact]
    public void A_touch_a_chmod_or_a_same_time_rewrite_changes_the_stamp()
    {
        string etc = Path.Combine(Tree, "etc");
        Directory.CreateDirectory(etc);
        var before = Record()["etc"];
        Assert.Equal(before, Record()["etc"]); // reading changes nothing
        File.SetUnixFileMode(etc, (UnixFileMode)0x1c0);
        var afterChmod = Record()["etc"];
        Assert.NotEqual(before, afterChmod);
        // the same mtime set again: the change time still moves
        Thread.Sleep(20);
        Directory.SetLastWriteTimeUtc(etc, afterChmod.Mtime.ToDateTimeOffset().UtcDateTime);
        var rewritten = Record()["etc"];
        Assert.NotEqual(afterChmod.Ctime, rewritten.Ctime);
    }

    [Fact]
    public void The_file_round_trips_any_utf8_name_and_a_missing_file_is_null()
    {
        Directory.CreateDirectory(Path.Combine(Tree, "a b/line\nbreak/é"));
        string file = Path.Combine(_dir, "stamps");
        Assert.Null(DirectoryStamps.Read(file));
        DirectoryStamps.RecordTo(Tree, file);
        var read = DirectoryStamps.Read(file)!;
        Assert.Equal(Record(), read);
        Assert.Equal(3, read.Count);
        Assert.StartsWith(DirectoryStamps.Header + "\n", File.ReadAllText(file));
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void A_damaged_file_is_refused()
    {
        string file = Path.Combine(_dir, "bad");
        File.WriteAllText(file, "something else\n");
        Assert.Throws<InvalidDataException>(() => DirectoryStamps.Read(file));
        File.WriteAllText(file, DirectoryStamps.Header + "\n16877 0 0 1 2 3\n");
        Assert.Throws<InvalidDataException>(() => DirectoryStamps.Read(file));
        File.WriteAllText(file, DirectoryStamps.Header + "\n16877 0 0 1 2 3 4 zz\n");
        Assert.Throws<InvalidDataException>(() => DirectoryStamps.Read(file));
    }
}
