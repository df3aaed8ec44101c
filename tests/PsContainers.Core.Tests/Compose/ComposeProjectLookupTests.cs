using PsContainers.Contract;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// <see cref="ComposeProjectLookup"/>: the one lookup of a compose project by name that Get-ContainerProject,
/// Get-ContainerLog -Project, the kube cmdlets' -Project and the orchestrator share.
/// </summary>
public sealed class ComposeProjectLookupTests
{
    private static Container C(string name, string? project, string? service = null, int number = 1, bool oneOff = false, bool running = true)
    {
        var labels = new Dictionary<string, string>();
        if (project is not null) labels[ComposeLabels.Project] = project;
        if (service is not null)
        {
            labels[ComposeLabels.Service] = service;
            labels[ComposeLabels.ContainerNumber] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (oneOff) labels[ComposeLabels.OneOff] = "True";
        return new Container
        {
            Id = ContainerStore.NewId(),
            Name = name,
            Config = new ContainerConfig { Labels = labels },
            State = new ContainerState { Status = running ? ContainerStatus.Running : ContainerStatus.Exited },
        };
    }

    private static readonly List<Container> All =
    [
        C("lab-web-1", "lab", "web"),
        C("lab-web-2", "lab", "web", 2, running: false),
        C("lab-db-1", "lab", "db"),
        C("lab-web-run-1", "lab", "web", oneOff: true),
        C("lab2-api-1", "lab2", "api"),
        C("Lab-x-1", "Lab", "x"),
        C("plain", null),
    ];

    private static string[] Names(IEnumerable<Container> cs) => cs.Select(c => c.Name).ToArray();

    [Fact]
    public void APatternMatchesProjectNamesIgnoringCaseOneOffsIncludedInOrder()
    {
        Assert.Equal(["lab-web-1", "lab-web-2", "lab-db-1", "lab-web-run-1", "Lab-x-1"], Names(ComposeProjectLookup.Containers(All, "lab")));
        Assert.Equal(["lab-web-1", "lab-web-2", "lab-db-1", "lab-web-run-1", "lab2-api-1", "Lab-x-1"], Names(ComposeProjectLookup.Containers(All, "lab*")));
        Assert.Empty(ComposeProjectLookup.Containers(All, "nosuch"));
    }

    [Fact]
    public void ALiteralLookupIsExact()
    {
        Assert.Equal(["lab-web-1", "lab-web-2", "lab-db-1", "lab-web-run-1"], Names(ComposeProjectLookup.Containers(All, "lab", pattern: false)));
        Assert.Equal(["Lab-x-1"], Names(ComposeProjectLookup.Containers(All, "Lab", pattern: false)));
        Assert.Empty(ComposeProjectLookup.Containers(All, "lab*", pattern: false));
    }

    [Fact]
    public void ServicesNarrowTheLookupByWildcard()
    {
        Assert.Equal(["lab-db-1"], Names(ComposeProjectLookup.Containers(All, "lab", services: ["db"])));
        Assert.Equal(["lab-web-1", "lab-web-2", "lab-web-run-1"], Names(ComposeProjectLookup.Containers(All, "lab", pattern: false, services: ["w*"])));
        Assert.Equal(["lab-web-1", "lab-web-2", "lab-db-1", "lab-web-run-1"], Names(ComposeProjectLookup.Containers(All, "lab", pattern: false, services: [])));
        Assert.Empty(ComposeProjectLookup.Containers(All, "lab", services: ["api"]));
    }

    [Fact]
    public void ABadPatternIsInvalidWildcardPattern()
    {
        var e = Assert.Throws<InvalidArgumentException>(() => ComposeProjectLookup.Containers(All, "lab[").ToList());
        Assert.Equal(ErrorIds.InvalidWildcardPattern, e.ErrorId);
    }

    [Fact]
    public void SummariesLeaveOutOneOffsAndMatchByPattern()
    {
        var every = ComposeProjectLookup.Summaries(All);
        Assert.Equal(["Lab", "lab", "lab2"], every.Select(s => s.Name).ToArray());
        var lab = every.Single(s => s.Name == "lab");
        Assert.Equal(3, lab.Total); // the one-off is not counted (docker compose ls)
        Assert.Equal(2, lab.Running);
        Assert.Equal("running(2/3)", lab.Status);
        Assert.Equal(["Lab", "lab"], ComposeProjectLookup.Summaries(All, "LAB").Select(s => s.Name).ToArray());
        Assert.Equal(["lab2"], ComposeProjectLookup.Summaries(All, "*2").Select(s => s.Name).ToArray());
        Assert.Empty(ComposeProjectLookup.Summaries([C("only-run", "solo", "web", oneOff: true)]));
    }

    [Theory]
    [InlineData("lab", true, true)]
    [InlineData("lab*", true, false)]
    [InlineData("lab?", true, false)]
    [InlineData("lab*", false, true)] // a literal lookup of a name with wildcard characters still reports it missing
    [InlineData("lab`*", true, true)] // an escaped star is a literal
    public void FindingNothingIsAnErrorOnlyForALiteralName(string name, bool pattern, bool error) =>
        Assert.Equal(error, ComposeProjectLookup.MissingIsError(name, pattern));

    [Fact]
    public void NotFoundIsProjectNotFoundNamingTheProjectAndServices()
    {
        var e = ComposeProjectLookup.NotFound("lab");
        Assert.Equal(ErrorIds.ProjectNotFound, e.ErrorId);
        Assert.Equal(PscErrorCategory.ObjectNotFound, e.Category);
        Assert.Equal("lab", e.Target);
        Assert.Equal("No container of compose project 'lab' exists.", e.Message);
        Assert.Equal("No container of services web, db of compose project 'lab' exists.", ComposeProjectLookup.NotFound("lab", ["web", "db"]).Message);
        Assert.Equal("No container of compose project 'lab' exists.", ComposeProjectLookup.NotFound("lab", []).Message);
    }
}
