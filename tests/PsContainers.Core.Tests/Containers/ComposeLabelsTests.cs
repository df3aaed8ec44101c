using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>A container's compose identity read from docker compose's labels (<see cref="ComposeLabels"/>).</summary>
public class ComposeLabelsTests
{
    private static Container With(params (string K, string V)[] labels)
    {
        var c = new Container { Id = ContainerStore.NewId(), Name = "shop-web-2" };
        foreach (var (k, v) in labels) c.Config.Labels[k] = v;
        return c;
    }

    [Fact]
    public void ReadsProjectServiceNumberAndOneOffFromTheLabels()
    {
        var c = With(("com.docker.compose.project", "shop"), ("com.docker.compose.service", "web"),
            ("com.docker.compose.container-number", "2"), ("com.docker.compose.oneoff", "False"));
        Assert.Equal("shop", c.Project);
        Assert.Equal("web", c.Service);
        Assert.Equal(2, c.Number);
        Assert.False(c.OneOff);
        Assert.True(With(("com.docker.compose.oneoff", "True")).OneOff);
        Assert.True(With(("com.docker.compose.oneoff", "true")).OneOff);
    }

    [Fact]
    public void AbsentEmptyOrMalformedLabelsGiveNullAndFalse()
    {
        var none = With();
        Assert.Null(none.Project);
        Assert.Null(none.Service);
        Assert.Null(none.Number);
        Assert.False(none.OneOff);
        var bad = With(("com.docker.compose.project", ""), ("com.docker.compose.container-number", "two"), ("com.docker.compose.oneoff", "yes"));
        Assert.Null(bad.Project);
        Assert.Null(bad.Number);
        Assert.False(bad.OneOff);
        Assert.Null(With(("com.docker.compose.container-number", "-1")).Number);
        Assert.Null(With(("com.docker.compose.container-number", " 3")).Number);
    }

    [Theory]
    [InlineData("shop-web-1", "shop", "web-1")]
    [InlineData("shop-db-12", "shop", "db-12")]
    [InlineData("my-db", "shop", "my-db")]        // container_name: kept whole
    [InlineData("shop-", "shop", "shop-")]
    [InlineData("shopweb-1", "shop", "shopweb-1")]
    [InlineData("web", null, "web")]
    public void LogPrefixIsTheNameWithoutTheProject(string name, string? project, string prefix) =>
        Assert.Equal(prefix, ComposeLabels.LogPrefix(name, project));
}
