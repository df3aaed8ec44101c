using PsContainers.Core.Build;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Tests.ImageBuild;

/// <summary>The platform checks of a build (docker build --platform, FROM --platform): syntax, known names, what this host runs.</summary>
public sealed class BuildPlatformTests : IDisposable
{
    private readonly string _binfmt = Path.Combine(Path.GetTempPath(), "psc-binfmt-" + Guid.NewGuid().ToString("N"));

    public BuildPlatformTests() => Directory.CreateDirectory(_binfmt);

    public void Dispose() => Directory.Delete(_binfmt, recursive: true);

    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/arm64/v8", "linux/arm64/v8")]
    [InlineData("LINUX/X86_64", "linux/amd64")]
    [InlineData("arm64", "linux/arm64")]
    [InlineData("linux/arm/7", "linux/arm/v7")]
    [InlineData("windows/amd64", "windows/amd64")]
    public void ParsesKnownPlatforms(string text, string expected) => Assert.Equal(expected, BuildPlatform.Parse(text, "-Platform").ToString());

    [Theory]
    [InlineData("bogus", "unknown architecture 'bogus'")]
    [InlineData("linux/bogus", "unknown architecture 'bogus'")]
    [InlineData("plan10/amd64", "unknown operating system 'plan10'")]
    [InlineData("linux/amd64/v1/x", "os/arch[/variant]")]
    [InlineData("linux//v7", "os/arch[/variant]")]
    [InlineData(" ", "cannot be empty")]
    public void RefusesWhatIsNotAPlatform(string text, string why)
    {
        var e = Assert.ThrowsAny<PscException>(() => BuildPlatform.Parse(text, "Dockerfile:3"));
        Assert.Equal(ErrorIds.InvalidPlatform, e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
        Assert.StartsWith("Dockerfile:3: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHostRunsItsOwnPlatformAndNoOtherWithoutAnEmulator()
    {
        var host = Platform.Host;
        Assert.True(BuildPlatform.CanRun(host, _binfmt));
        var other = new Platform("linux", host.Architecture == "s390x" ? "riscv64" : "s390x");
        Assert.False(BuildPlatform.CanRun(other, _binfmt));
        Assert.False(BuildPlatform.CanRun(host with { Os = "windows" }, _binfmt));
        if (host.Architecture == "amd64") Assert.True(BuildPlatform.CanRun(new Platform("linux", "386"), _binfmt));
        var e = Assert.ThrowsAny<PscException>(() => BuildPlatform.EnsureRunnable(new Platform("linux", "mips64le"), "Dockerfile:7"));
        Assert.Equal(ErrorIds.BuildPlatformNotSupported, e.ErrorId);
        Assert.StartsWith("Dockerfile:7: RUN for the platform linux/mips64le cannot execute", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEnabledBinfmtEmulatorMakesAPlatformRunnable()
    {
        var arm = new Platform("linux", Platform.Host.Architecture == "arm64" ? "s390x" : "arm64");
        string entry = Path.Combine(_binfmt, arm.Architecture == "arm64" ? "qemu-aarch64" : "qemu-s390x");
        File.WriteAllText(entry, "disabled\ninterpreter /usr/bin/qemu\n");
        Assert.False(BuildPlatform.CanRun(arm, _binfmt));
        File.WriteAllText(entry, "enabled\ninterpreter /usr/bin/qemu\n");
        Assert.True(BuildPlatform.CanRun(arm, _binfmt));
    }
}
