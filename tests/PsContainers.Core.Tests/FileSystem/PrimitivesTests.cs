using PsContainers.FileSystem;
using static PsContainers.Core.Tests.FileSystem.HostileCorpus;

namespace PsContainers.Core.Tests.FileSystem;

public sealed class PrimitivesTests
{
    [Fact]
    public void DisplayShowsInvalidBytesAsHexAndKeepsUtf8()
    {
        Assert.Equal("caf\\xe9", BytePath.Display(B("caf\xe9")));
        Assert.Equal("café", BytePath.Display("caf\u00e9"u8));
        Assert.Equal("a\\x0ab", BytePath.Display("a\nb"u8));
        Assert.NotEqual(BytePath.Display(B("caf\xe9")), BytePath.Display(B("caf\xe8")));
        Assert.Equal(["a", "b", "..", "."], BytePath.Split("//a/b//.././/"u8).Select(c => BytePath.Display(c)));
        Assert.Equal("/a/b", BytePath.Display(BytePath.Join([B("a"), B("b")], absolute: true)));
        Assert.Equal(Errno.EILSEQ, Assert.Throws<FsException>(() => BytePath.ToStringStrict(B("caf\xe9"))).Errno);
        Assert.Throws<ArgumentException>(() => BytePath.FromString("a\0b"));
        Assert.Throws<ArgumentException>(() => BytePath.ValidateName("a/b"u8));
        Assert.Throws<ArgumentException>(() => BytePath.ValidateName(".."u8));
    }

    [Theory, InlineData(false), InlineData(true)]
    public void PrimitivesNeverFollowTheFinalLink(bool fallback) => PrivateMountNamespace.Run(() =>
    {
        FsFeatures.ForceFallbackOnThisThread = fallback;
        CreateSentinels();
        Directory.CreateDirectory("/tmp/t/p/empty");
        File.CreateSymbolicLink("/tmp/t/p/l", Sentinel + "/f1");
        File.CreateSymbolicLink("/tmp/t/p/ld", Sentinel);
        var before = Snapshot();
        using var d = SafeFd.OpenDirectory("/tmp/t/p");
        Assert.True(Fs.IsEmptyDirectory(d, "empty"u8));
        Assert.False(Fs.IsEmptyDirectory(d, ""u8));
        Assert.Contains(Assert.Throws<FsException>(() => Fs.IsEmptyDirectory(d, "ld"u8)).Errno, new[] { Errno.ENOTDIR, Errno.ELOOP });
        Assert.True(Fs.Exists(d, "l"u8));
        Assert.False(Fs.Exists(d, "nothing"u8));
        Assert.Equal(B(Sentinel + "/f1"), Fs.ReadLink(d, "l"u8));
        // exclusive create refuses an existing link instead of writing through it
        Assert.Equal(Errno.EEXIST, Assert.Throws<FsException>(() => Fs.CreateFile(d, "l"u8)).Errno);
        Assert.Equal(Errno.ELOOP, Assert.Throws<FsException>(() => Fs.OpenRead(d, "l"u8)).Errno);
        // chmod of a link never reaches its target
        Assert.Equal(Errno.EOPNOTSUPP, Assert.Throws<FsException>(() => Fs.Chmod(d, "l"u8, 0x1ff)).Errno);
        // owner and xattrs of the link itself
        Fs.Chown(d, "l"u8, 77, 88);
        Fs.SetXattr(d, "l"u8, "trusted.t"u8, new byte[] { 0x80, 0 });
        Assert.Equal(new byte[] { 0x80, 0 }, Fs.GetXattr(d, "l"u8, "trusted.t"u8));
        Assert.Contains(Fs.ListXattrs(d, "l"u8), a => a.AsSpan().SequenceEqual("trusted.t"u8));
        Assert.True(Fs.RemoveXattr(d, "l"u8, "trusted.t"u8));
        Assert.False(Fs.RemoveXattr(d, "l"u8, "trusted.t"u8));
        Fs.SetTimes(d, "l"u8, new FsTime(1, 2), new FsTime(1000, 123456789));
        var st = Fs.Stat(d, "l"u8);
        Assert.Equal((77u, 88u, new FsTime(1000, 123456789)), (st.Uid, st.Gid, st.Mtime));
        // device nodes and FIFOs: chmod and xattrs without opening them
        Fs.Mknod(d, "fifo"u8, FsStat.S_IFIFO | 0x180, 0);
        Fs.Mknod(d, "null"u8, FsStat.S_IFCHR | 0x180, FsStat.MakeDev(1, 3));
        Fs.Chmod(d, "fifo"u8, 0xdff /* 06777 */);
        Fs.Chmod(d, "null"u8, 0x1b6);
        Assert.Equal(0xdffu, Fs.Stat(d, "fifo"u8).Permissions);
        Assert.Equal((1u, 3u), (Fs.Stat(d, "null"u8).RdevMajor, Fs.Stat(d, "null"u8).RdevMinor));
        Fs.SetXattr(d, "null"u8, "trusted.dev"u8, "x"u8);
        Assert.Equal("x"u8.ToArray(), Fs.GetXattr(d, "null"u8, "trusted.dev"u8));
        Assert.Equal(Errno.EINVAL, Assert.Throws<FsException>(() => Fs.OpenRead(d, "fifo"u8)).Errno);
        AssertUnchanged(before);
    });
}
