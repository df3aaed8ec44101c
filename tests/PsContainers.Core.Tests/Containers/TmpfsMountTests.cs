using PsContainers.Core;
using PsContainers.Core.Containers;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Containers;

public class TmpfsMountTests
{
    [Fact]
    public void Size_in_bytes_mode_in_octal_the_rest_kept()
    {
        var t = TmpfsMount.FromOptions(MountParser.ParseTmpfs("/run:size=10m,noexec,mode=755,uid=1000").Options);
        Assert.Equal(10L << 20, t.SizeBytes);
        Assert.Equal(Convert.ToInt32("755", 8), t.Mode);
        Assert.Equal(["noexec", "uid=1000"], t.Options);
        Assert.Equal(["nosuid", "nodev", "noexec", "uid=1000", "size=10485760", "mode=755", "ro"], t.MountOptions(readOnly: true));
    }

    [Fact]
    public void Defaults_to_mode_1777_and_no_size()
    {
        var t = TmpfsMount.FromOptions([]);
        Assert.Null(t.SizeBytes);
        Assert.Null(t.Mode);
        Assert.Equal(["nosuid", "nodev", "mode=1777"], t.MountOptions(readOnly: false));
    }

    [Fact]
    public void A_percentage_size_stays_an_option()
    {
        var t = TmpfsMount.FromOptions(["size=50%"]);
        Assert.Null(t.SizeBytes);
        Assert.Contains("size=50%", t.MountOptions(false));
    }

    [Fact]
    public void Mount_specs_with_tmpfs_keys_give_the_same()
    {
        var t = TmpfsMount.FromOptions(MountParser.ParseMount("type=tmpfs,target=/x,tmpfs-size=1g,tmpfs-mode=1700").Options);
        Assert.Equal((1L << 30, Convert.ToInt32("1700", 8)), (t.SizeBytes, t.Mode));
    }

    [Theory]
    [InlineData("mode=9")]
    [InlineData("size=lots")]
    public void A_bad_size_or_mode_is_InvalidMountSpec(string option) =>
        Assert.Equal("InvalidMountSpec", Assert.Throws<InvalidArgumentException>(() => TmpfsMount.FromOptions([option])).ErrorId);
}
