using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class SecurityOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-secopt-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    [Fact]
    public void NothingGivenIsDockersDefault()
    {
        var s = SecurityOptions.Parse(null);
        Assert.False(s.NoNewPrivileges);
        Assert.False(s.SeccompUnconfined);
        Assert.Null(s.SeccompProfile);
        Assert.True(s.IsDefault);
    }

    [Theory]
    [InlineData("no-new-privileges", true)]
    [InlineData("no-new-privileges:true", true)]
    [InlineData("no-new-privileges=true", true)]
    [InlineData("no-new-privileges:false", false)]
    [InlineData("no-new-privileges=false", false)]
    public void NoNewPrivileges(string opt, bool expected)
    {
        var s = SecurityOptions.Parse([opt]);
        Assert.Equal(expected, s.NoNewPrivileges);
        Assert.False(s.SeccompUnconfined);
    }

    [Fact]
    public void TheLastSeccompOptionWinsAndAProfileIsReadThroughTheResolver()
    {
        File.WriteAllText(Path.Combine(_dir, "p.json"), """{ "defaultAction": "SCMP_ACT_ALLOW" }""");
        var s = SecurityOptions.Parse(["seccomp=unconfined", "seccomp=p.json"], f => Path.Combine(_dir, f));
        Assert.False(s.SeccompUnconfined);
        Assert.Contains("SCMP_ACT_ALLOW", s.SeccompProfile);
        s = SecurityOptions.Parse(["seccomp=p.json", "seccomp=unconfined"], f => Path.Combine(_dir, f));
        Assert.True(s.SeccompUnconfined);
        Assert.Null(s.SeccompProfile);
        Assert.False(s.IsDefault);
        Assert.True(SecurityOptions.Parse(["apparmor=unconfined"]).IsDefault);
    }

    [Theory]
    [InlineData("apparmor=docker-default", "AppArmorNotAvailable", PscErrorCategory.InvalidArgument)]
    [InlineData("label=disable", "SELinuxNotAvailable", PscErrorCategory.InvalidArgument)]
    [InlineData("label:type:x", "SELinuxNotAvailable", PscErrorCategory.InvalidArgument)]
    [InlineData("no-new-privileges:yes", "InvalidSecurityOption", PscErrorCategory.InvalidArgument)]
    [InlineData("seccomp", "InvalidSecurityOption", PscErrorCategory.InvalidArgument)]
    [InlineData("seccomp=", "InvalidSecurityOption", PscErrorCategory.InvalidArgument)]
    [InlineData("apparmor", "InvalidSecurityOption", PscErrorCategory.InvalidArgument)]
    [InlineData("systempaths=unconfined", "InvalidSecurityOption", PscErrorCategory.InvalidArgument)]
    [InlineData("seccomp=/nonexistent/profile.json", "SeccompProfileNotFound", PscErrorCategory.ObjectNotFound)]
    public void RefusesWithAnErrorId(string opt, string errorId, PscErrorCategory category)
    {
        var e = Assert.ThrowsAny<PscException>(() => SecurityOptions.Parse([opt]));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(category, e.Category);
        // the typed kind that goes with the category (Errors/)
        Assert.IsType(category == PscErrorCategory.ObjectNotFound ? typeof(ResourceNotFoundException) : typeof(InvalidArgumentException), e);
    }

    [Fact]
    public void AProfileThatIsNotJsonIsInvalidData()
    {
        string f = Path.Combine(_dir, "bad.json");
        File.WriteAllText(f, "not json");
        var e = Assert.Throws<PscException>(() => SecurityOptions.Parse(["seccomp=" + f]));
        Assert.Equal("InvalidSeccompProfile", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidData, e.Category);
    }
}
