using PsContainers.Core.Runtime.Spec;

namespace PsContainers.Core.Tests.Runtime;

public sealed class SpecVersionTests
{
    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.2")]
    [InlineData("1.1.0")]
    [InlineData("1.2.0")]
    [InlineData("1.2.1")]
    [InlineData("1.3.0")]
    [InlineData("1.17.4")]
    [InlineData("1.0.0-rc5")]
    [InlineData("1.0.2-dev")]
    [InlineData("1.3.0-rc.1")]
    [InlineData("1.3.0+dev")]
    [InlineData("1.3.0-rc.1+build.5")]
    [InlineData("1.2.0-0.3.7")]
    [InlineData("1.2.0-x-y-z.--")]
    [InlineData("1.2.0+001")]
    public void AcceptsEveryOneXVersion(string v)
    {
        Assert.Null(SpecVersion.Check(v));
        Assert.True(SpecVersion.TryParse(v, out int major, out _, out _));
        Assert.Equal(1, major);
    }

    [Fact]
    public void ParsesTheParts()
    {
        Assert.True(SpecVersion.TryParse("1.23.456-rc.1+b7", out int major, out int minor, out int patch));
        Assert.Equal((1, 23, 456), (major, minor, patch));
    }

    [Theory]
    [InlineData("0.6.0")]
    [InlineData("0.1.0-rc1")]
    [InlineData("2.0.0")]
    [InlineData("2.0.0-rc.1")]
    [InlineData("10.0.0")]
    public void RefusesAnotherMajorVersion(string v)
    {
        var err = SpecVersion.Check(v);
        Assert.NotNull(err);
        Assert.StartsWith("ociVersion: unsupported version", err);
        Assert.Contains($"'{v}'", err);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("v1.2.0")]
    [InlineData("1.02.0")]
    [InlineData("01.2.0")]
    [InlineData("1.2.00")]
    [InlineData("1.2.x")]
    [InlineData("1.2.0-")]
    [InlineData("1.2.0+")]
    [InlineData("1.2.0-rc..1")]
    [InlineData("1.2.0-01")]
    [InlineData("1.2.0-rc_1")]
    [InlineData("1.2.0+build+2")]
    [InlineData(" 1.2.0")]
    [InlineData("1.2.0 ")]
    [InlineData("1.-2.0")]
    [InlineData("1.99999999999.0")]
    [InlineData("garbage")]
    [InlineData("１.2.0")]
    public void RefusesInvalidStrings(string v)
    {
        var err = SpecVersion.Check(v);
        Assert.NotNull(err);
        Assert.StartsWith("ociVersion: ", err);
        Assert.Contains("not a valid version", err);
        Assert.False(SpecVersion.TryParse(v, out _, out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void RefusesAMissingVersion(string? v) => Assert.StartsWith("ociVersion: missing", SpecVersion.Check(v));
}
