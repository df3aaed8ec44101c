using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>docker's namespaced sysctls (docker run reference, --sysctl): parsing and the namespace rule.</summary>
public sealed class ContainerSysctlsTests
{
    [Fact]
    public void Parses_name_value_entries_later_ones_winning_and_slashes_as_dots()
    {
        var m = ContainerSysctls.Parse(["net.core.somaxconn=1024", "kernel.sem=250 32000 32 128", "net/ipv4/ip_forward=1", "net.core.somaxconn=2048", "kernel.domainname=a=b"]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["net.core.somaxconn"] = "2048", ["kernel.sem"] = "250 32000 32 128", ["net.ipv4.ip_forward"] = "1", ["kernel.domainname"] = "a=b",
        }, m);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("=1")]
    [InlineData("net..x=1")]
    public void Refuses_entries_that_are_not_name_value_as_InvalidSysctl(string entry) =>
        Assert.Equal(ErrorIds.InvalidSysctl, Assert.ThrowsAny<PscException>(() => ContainerSysctls.Parse([entry])).ErrorId);

    [Theory]
    [InlineData("net.ipv4.ip_forward", NetworkMode.None)]
    [InlineData("net.core.somaxconn", NetworkMode.Bridge)]
    [InlineData("kernel.msgmax", NetworkMode.Host)]
    [InlineData("kernel.shm_rmid_forced", NetworkMode.Host)]
    [InlineData("kernel.sem", NetworkMode.Container)]
    [InlineData("fs.mqueue.msg_max", NetworkMode.Host)]
    [InlineData("kernel.domainname", NetworkMode.Host)]
    [InlineData("kernel.hostname", NetworkMode.None)]
    public void Allows_what_a_namespace_of_the_container_s_own_scopes(string name, NetworkMode mode) =>
        ContainerSysctls.Check(name, mode);

    [Theory]
    [InlineData("net.ipv4.ip_forward", NetworkMode.Host)]
    [InlineData("net.ipv4.ip_forward", NetworkMode.Container)]
    [InlineData("vm.swappiness", NetworkMode.None)]
    [InlineData("kernel.pid_max", NetworkMode.None)]
    [InlineData("kernel.msgmaxx", NetworkMode.None)]
    [InlineData("fs.file-max", NetworkMode.None)]
    public void Refuses_what_would_change_the_host_as_SysctlNotAllowed(string name, NetworkMode mode) =>
        Assert.Equal(ErrorIds.SysctlNotAllowed, Assert.ThrowsAny<PscException>(() => ContainerSysctls.Check(name, mode)).ErrorId);

    private static Container WithUts(string? hostname, string? domainname)
    {
        string id = new string('a', 64);
        return new Container { Id = id, Config = new ContainerConfig { Hostname = hostname ?? id[..12], Domainname = domainname } };
    }

    [Theory]
    [InlineData("kernel.hostname", "web", null)]
    [InlineData("kernel.domainname", null, "example.org")]
    public void Refuses_a_UTS_sysctl_next_to_the_option_that_names_the_same_field(string name, string? hostname, string? domainname)
    {
        var e = Assert.ThrowsAny<PscException>(() => ContainerSysctls.CheckUtsConflict(name, WithUts(hostname, domainname)));
        Assert.Equal(ErrorIds.ConflictingOptions, e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("conflicts with", e.Message);
    }

    [Theory]
    [InlineData("kernel.hostname", null, "example.org")]  // the default hostname (the short id) was not given
    [InlineData("kernel.domainname", "web", null)]
    [InlineData("net.core.somaxconn", "web", "example.org")]
    public void Takes_a_UTS_sysctl_when_nothing_else_names_that_field(string name, string? hostname, string? domainname) =>
        ContainerSysctls.CheckUtsConflict(name, WithUts(hostname, domainname));
}
