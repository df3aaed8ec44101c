using PsContainers.Core;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.Oci;

public class PlatformTests
{
    [Theory]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("arm64", "linux", "arm64", null)]
    [InlineData("linux/x86_64", "linux", "amd64", null)]
    [InlineData("linux/aarch64", "linux", "arm64", null)]
    [InlineData("LINUX/ARM/7", "linux", "arm", "v7")]
    public void Parses(string text, string os, string arch, string? variant)
    {
        var p = Platform.Parse(text);
        Assert.Equal(new Platform(os, arch, variant), p);
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux//v8")]
    [InlineData("a/b/c/d")]
    public void RejectsBadPlatforms(string text)
    {
        var e = Assert.Throws<InvalidArgumentException>(() => Platform.Parse(text));
        Assert.Equal("InvalidPlatform", e.ErrorId);
    }

    [Fact]
    public void HostIsLinux() => Assert.Equal("linux", Platform.Host.Os);
}

public class PlatformMatchingTests
{
    [Theory]
    [InlineData("linux", "x86-64", null, "linux/amd64")]
    [InlineData("Linux", "AARCH64", "8", "linux/arm64/v8")]
    [InlineData("linux", "armhf", null, "linux/arm/v7")]
    [InlineData("linux", "armel", null, "linux/arm/v6")]
    [InlineData("linux", "arm", "5", "linux/arm/v5")]
    [InlineData("linux", "i686", null, "linux/386")]
    [InlineData("linux", "arm64", "", "linux/arm64")]
    public void NormalizesTheAliasesContainerdKnows(string os, string arch, string? variant, string expected) =>
        Assert.Equal(expected, Platform.Normalize(os, arch, variant).ToString());

    [Theory]
    [InlineData("linux/amd64", "linux/amd64", true)]
    [InlineData("linux/arm", "linux/arm/v6", true)]      // no variant asked: any variant
    [InlineData("linux/arm64/v8", "linux/arm64", true)]  // arm64 without a variant is v8
    [InlineData("linux/arm/v7", "linux/arm/v6", false)]
    [InlineData("linux/arm/v7", "linux/arm", false)]
    [InlineData("linux/amd64", "windows/amd64", false)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    public void MatchesLikeIndexSelection(string wanted, string candidate, bool expected) =>
        Assert.Equal(expected, Platform.Parse(wanted).Matches(Platform.Parse(candidate)));

    [Fact]
    public void ComparesFeaturesByValue()
    {
        Assert.Equal(new Platform("windows", "amd64") { OsFeatures = ["win32k"] }, new Platform("windows", "amd64") { OsFeatures = ["win32k"] });
        Assert.NotEqual(new Platform("windows", "amd64") { OsVersion = "10.0" }, new Platform("windows", "amd64"));
    }

    [Fact]
    public void TheHostMatchesItself() => Assert.True(Platform.Host.Matches(Platform.Host));
}
