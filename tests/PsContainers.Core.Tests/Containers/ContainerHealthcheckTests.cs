using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class ContainerHealthcheckTests
{
    private static readonly ResolvedImage ImageWithCheck = new()
    {
        Id = "sha256:1", Name = "img", Cmd = ["sh"],
        Healthcheck = new HealthConfig { Test = ["CMD-SHELL", "check"], Interval = 10_000_000_000, Retries = 5 },
    };

    [Fact]
    public void TheParametersOverTheImagesHealthcheck()
    {
        var o = new ContainerCreateOptions { Healthcheck = new HealthConfig { Test = ["CMD", "/mine"], Timeout = 1_000_000_000 } };
        var h = ContainerHealthcheck.Effective(o, ImageWithCheck)!;
        Assert.Equal(["CMD", "/mine"], h.Test);
        Assert.Equal(10_000_000_000, h.Interval);
        Assert.Equal(1_000_000_000, h.Timeout);
        Assert.Equal(5, h.Retries);
        Assert.Equal(["CMD-SHELL", "check"], ContainerHealthcheck.Effective(new ContainerCreateOptions(), ImageWithCheck)!.Test);
        Assert.Null(ContainerHealthcheck.Effective(new ContainerCreateOptions(), new ResolvedImage { Id = "sha256:2", Cmd = ["sh"] }));
    }

    [Fact]
    public void NoHealthcheckDisablesTheImagesButConflictsWithOtherSettings()
    {
        var none = ContainerHealthcheck.Effective(new ContainerCreateOptions { Healthcheck = new HealthConfig { Test = ["NONE"] } }, ImageWithCheck)!;
        Assert.Equal(["NONE"], none.Test);
        Assert.False(none.IsActive());
        var e = Assert.Throws<InvalidArgumentException>(() => ContainerHealthcheck.Effective(
            new ContainerCreateOptions { Healthcheck = new HealthConfig { Test = ["NONE"], Interval = 1_000_000_000 } }, ImageWithCheck));
        Assert.Equal(ErrorIds.InvalidHealthcheck, e.ErrorId);
        Assert.Equal(ErrorIds.InvalidHealthcheck, Assert.Throws<InvalidArgumentException>(() => ContainerHealthcheck.Effective(
            new ContainerCreateOptions { Healthcheck = new HealthConfig { Test = ["NONE", "x"] } }, ImageWithCheck)).ErrorId);
        Assert.Equal(ErrorIds.InvalidHealthcheck, Assert.Throws<InvalidArgumentException>(() => ContainerHealthcheck.Effective(
            new ContainerCreateOptions { Healthcheck = new HealthConfig { Interval = -1 } }, ImageWithCheck)).ErrorId);
    }

    [Theory]
    [InlineData(HealthStatus.Healthy, "Up 2 minutes (healthy)")]
    [InlineData(HealthStatus.Unhealthy, "Up 2 minutes (unhealthy)")]
    [InlineData(HealthStatus.Starting, "Up 2 minutes (health: starting)")]
    public void TheStatusTextShowsTheHealthAsDockerPsDoes(HealthStatus status, string text)
    {
        var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var s = new ContainerState { Status = ContainerStatus.Running, StartedAt = now.AddMinutes(-2).AddSeconds(-5), Health = new ContainerHealth { Status = status } };
        Assert.Equal(text, Container.FormatStatus(s, now));
        s.Health = null;
        Assert.Equal("Up 2 minutes", Container.FormatStatus(s, now));
    }
}
