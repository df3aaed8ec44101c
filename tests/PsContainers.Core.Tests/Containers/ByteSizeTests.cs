using PsContainers.Core;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Containers;

/// <summary>Sizes like docker's units.RAMInBytes.</summary>
public class ByteSizeTests
{
    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("4096b", 4096)]
    [InlineData("0", 0)]
    [InlineData("512k", 512L << 10)]
    [InlineData("512KB", 512L << 10)]
    [InlineData("256m", 256L << 20)]
    [InlineData("256 MiB", 256L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("2t", 2L << 40)]
    [InlineData("1p", 1L << 50)]
    [InlineData(" 64mb ", 64L << 20)]
    public void Parses(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out long b));
        Assert.Equal(bytes, b);
        Assert.Equal(bytes, ByteSize.Parse(text, ErrorIds.InvalidMemory, "-Memory"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    [InlineData("-1")]
    [InlineData("1x")]
    [InlineData("1gg")]
    [InlineData("1gibb")]
    [InlineData("m")]
    [InlineData(".5m")]
    [InlineData("1.m")]
    [InlineData("1.2.3m")]
    [InlineData("9999999p")]
    public void Refuses(string? text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
        if (text is null) return;
        var e = Assert.Throws<InvalidArgumentException>(() => ByteSize.Parse(text, ErrorIds.InvalidMemory, "-Memory"));
        Assert.Equal("InvalidMemory", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("-Memory", e.Message);
    }
}
