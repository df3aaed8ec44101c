using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>docker run --device's text ("/dev/host[:/dev/container][:rwm]") parsed into <see cref="DeviceMapping"/>.</summary>
public sealed class DeviceMappingTests
{
    [Theory]
    [InlineData("/dev/zero", "/dev/zero", "/dev/zero", "rwm")]
    [InlineData("/dev/zero:/dev/z", "/dev/zero", "/dev/z", "rwm")]
    [InlineData("/dev/zero:r", "/dev/zero", "/dev/zero", "r")]
    [InlineData("/dev/zero:/dev/z:rw", "/dev/zero", "/dev/z", "rw")]
    [InlineData("/dev/zero::mr", "/dev/zero", "/dev/zero", "mr")]
    public void Parses_docker_s_forms(string text, string host, string container, string perms) =>
        Assert.Equal(new DeviceMapping(host, container, perms), DeviceMapping.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("zero")]
    [InlineData("/dev/zero:z")]
    [InlineData("/dev/zero:/dev/z:rx")]
    [InlineData("/dev/zero:/dev/z:rr")]
    [InlineData("/dev/zero:/dev/z:rwm:x")]
    public void Refuses_other_text_as_InvalidDevice(string text) =>
        Assert.Equal(ErrorIds.InvalidDevice, Assert.ThrowsAny<PscException>(() => DeviceMapping.Parse(text)).ErrorId);

    [Fact]
    public void Stats_the_host_node_and_refuses_what_is_not_a_device()
    {
        var zero = DeviceMapping.Parse("/dev/zero").StatHost();
        Assert.Equal(("c", 1u, 5u), (zero.Type, zero.Major, zero.Minor));
        Assert.Equal(ErrorIds.DeviceNotFound, Assert.ThrowsAny<PscException>(() => DeviceMapping.Parse("/dev/no-such-node").StatHost()).ErrorId);
        Assert.Equal(ErrorIds.InvalidDevice, Assert.ThrowsAny<PscException>(() => DeviceMapping.Parse("/etc/passwd").StatHost()).ErrorId);
    }
}
