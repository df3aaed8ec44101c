using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>Get-Container's filters (<see cref="ContainerQuery"/>), on containers built in memory.</summary>
public class ContainerQueryTests
{
    private static readonly string ImageHex = "1234abcd" + new string('e', 56);

    private static Container C(string name, ContainerStatus status, string image = "busybox:1", params (string K, string V)[] labels)
    {
        var c = new Container
        {
            Id = ContainerStore.NewId(), Name = name, Image = image, ImageId = "sha256:" + ImageHex,
            State = new ContainerState { Status = status },
        };
        foreach (var (k, v) in labels) c.Config.Labels[k] = v;
        return c;
    }

    private static readonly Container[] Set =
    [
        C("up", ContainerStatus.Running, "busybox:1", ("tier", "web")),
        C("paused", ContainerStatus.Paused, "alpine:3", ("tier", "db")),
        C("down", ContainerStatus.Exited, "busybox:1", ("tier", "web"), ("old", "")),
        C("new", ContainerStatus.Created, "nginx"),
    ];

    private static string[] Names(ContainerQuery q, bool named = false) => q.Filter(Set, named).Select(c => c.Name).ToArray();

    [Fact]
    public void ByDefaultOnlyRunningOnesShowAsDockerPs() => Assert.Equal(["up", "paused"], Names(new ContainerQuery()));

    [Fact]
    public void AllOrNamedTargetsShowStoppedOnes()
    {
        Assert.Equal(["up", "paused", "down", "new"], Names(new ContainerQuery { All = true }));
        Assert.Equal(["up", "paused", "down", "new"], Names(new ContainerQuery(), named: true));
    }

    [Fact]
    public void AStatusFilterSelectsThoseStatusesWithoutAll()
    {
        Assert.Equal(["down", "new"], Names(new ContainerQuery { Status = [ContainerStatus.Exited, ContainerStatus.Created] }));
        Assert.Equal(["paused"], Names(new ContainerQuery { Status = [ContainerStatus.Paused] }));
    }

    [Fact]
    public void LabelFiltersAllMustMatchKeyOrExactValue()
    {
        Assert.Equal(["up", "down"], Names(new ContainerQuery { All = true, Label = ["tier=web"] }));
        Assert.Equal(["down"], Names(new ContainerQuery { All = true, Label = ["tier=web", "old"] }));
        Assert.Empty(Names(new ContainerQuery { All = true, Label = ["tier=WEB"] }));
        Assert.Equal(["up", "paused", "down"], Names(new ContainerQuery { All = true, Label = ["tier"] }));
    }

    [Fact]
    public void TheImageFilterTakesReferencesPatternsIdsAndIdPrefixes()
    {
        Assert.Equal(["up", "down"], Names(new ContainerQuery { All = true, Image = "BusyBox:1" }));
        Assert.Equal(["up", "down", "new"], Names(new ContainerQuery { All = true, Image = "[bn]*" }));
        Assert.Equal(4, Names(new ContainerQuery { All = true, Image = "1234ab" }).Length);
        Assert.Equal(4, Names(new ContainerQuery { All = true, Image = "sha256:" + ImageHex }).Length);
        Assert.Empty(Names(new ContainerQuery { All = true, Image = "1234ac" }));
        var ex = Assert.Throws<InvalidArgumentException>(() => Names(new ContainerQuery { All = true, Image = "busy[" }));
        Assert.Equal(ErrorIds.InvalidWildcardPattern, ex.ErrorId);
    }

    private static readonly Container[] Compose =
    [
        C("shop-web-1", ContainerStatus.Running, "nginx", (ComposeLabels.Project, "shop"), (ComposeLabels.Service, "web"), (ComposeLabels.ContainerNumber, "1")),
        C("shop-web-2", ContainerStatus.Exited, "nginx", (ComposeLabels.Project, "shop"), (ComposeLabels.Service, "web"), (ComposeLabels.ContainerNumber, "2")),
        C("shop-db-1", ContainerStatus.Running, "postgres", (ComposeLabels.Project, "shop"), (ComposeLabels.Service, "db"), (ComposeLabels.ContainerNumber, "1")),
        C("blog-web-1", ContainerStatus.Running, "nginx", (ComposeLabels.Project, "blog"), (ComposeLabels.Service, "web")),
        C("loose", ContainerStatus.Running, "nginx", (ComposeLabels.Service, "web")),
    ];

    private static string[] ComposeNames(ContainerQuery q) => q.Filter(Compose).Select(c => c.Name).ToArray();

    [Fact]
    public void ProjectMatchesTheComposeLabelIgnoringCaseWithWildcards()
    {
        Assert.Equal(["shop-web-1", "shop-db-1"], ComposeNames(new ContainerQuery { Project = "shop" }));
        Assert.Equal(["shop-web-1", "shop-web-2", "shop-db-1"], ComposeNames(new ContainerQuery { Project = "SHOP", All = true }));
        Assert.Equal(["shop-web-1", "shop-db-1", "blog-web-1"], ComposeNames(new ContainerQuery { Project = "*" }));
        Assert.Empty(ComposeNames(new ContainerQuery { Project = "sho" }));
    }

    [Fact]
    public void ServiceNeedsTheLabelAndAnyPatternMatches()
    {
        Assert.Equal(["shop-web-1", "shop-web-2"], ComposeNames(new ContainerQuery { Project = "shop", Service = ["web"], All = true }));
        Assert.Equal(["shop-web-1", "shop-db-1"], ComposeNames(new ContainerQuery { Project = "shop", Service = ["w*", "db"] }));
        Assert.Equal(["shop-web-1", "blog-web-1", "loose"], ComposeNames(new ContainerQuery { Service = ["web"] }));
        Assert.Empty(ComposeNames(new ContainerQuery { Project = "blog", Service = ["db"] }));
        var ex = Assert.Throws<InvalidArgumentException>(() => ComposeNames(new ContainerQuery { Project = "[" }));
        Assert.Equal(ErrorIds.InvalidWildcardPattern, ex.ErrorId);
    }
}
