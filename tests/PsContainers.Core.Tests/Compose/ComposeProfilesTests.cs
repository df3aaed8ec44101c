using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary>Profiles (compose-spec profiles.md): active profiles, COMPOSE_PROFILES, <c>*</c>, targeted services, disabled dependencies.</summary>
public sealed class ComposeProfilesTests : IDisposable
{
    private readonly ComposeDirectory _d = new();
    private readonly string _file;
    public void Dispose() => _d.Dispose();

    public ComposeProfilesTests() => _file = _d.Write("compose.yaml", """
        services:
          web:
            image: nginx
          debug:
            image: busybox
            profiles: [debug]
          mock:
            image: busybox
            profiles: [test, dev]
          tests:
            image: busybox
            profiles: [test]
            depends_on: [mock]
        """);

    private string[] Enabled(ComposeLoadOptions o) => _d.Load(new ComposeLoadOptions
    {
        Files = [_file], Profiles = o.Profiles, Services = o.Services, Environment = o.Environment,
    }).Services.Select(s => s.Name).Order().ToArray();

    [Fact]
    public void ServicesWithoutProfilesAreAlwaysEnabled()
    {
        var p = _d.Load(_file);
        Assert.Equal(["web"], p.Services.Select(s => s.Name));
        Assert.Equal(["debug", "mock", "tests"], p.DisabledServices.Order());
    }

    [Fact]
    public void ActiveProfilesComeFromTheCallerOrComposeProfiles()
    {
        Assert.Equal(["debug", "web"], Enabled(new ComposeLoadOptions { Profiles = ["debug"] }));
        Assert.Equal(["mock", "tests", "web"], Enabled(new ComposeLoadOptions { Environment = new Dictionary<string, string> { ["COMPOSE_PROFILES"] = "test" } }));
        Assert.Equal(["debug", "mock", "web"], Enabled(new ComposeLoadOptions { Environment = new Dictionary<string, string> { ["COMPOSE_PROFILES"] = "debug, dev" } }));
        Assert.Equal(["debug", "mock", "tests", "web"], Enabled(new ComposeLoadOptions { Profiles = ["*"] }));
    }

    [Fact]
    public void ATargetedServiceActivatesItsProfiles()
    {
        var p = _d.Load(new ComposeLoadOptions { Files = [_file], Services = ["tests"] });
        Assert.Equal(["mock", "tests", "web"], p.Services.Select(s => s.Name).Order());
        Assert.Equal(["test"], p.Profiles);
    }

    [Fact]
    public void AnEnabledServiceMayNotDependOnADisabledOne()
    {
        var f = _d.Write("dep.yaml", """
            services:
              app:
                image: x
                depends_on: [helper]
              helper:
                image: x
                profiles: [extra]
              soft:
                image: x
                depends_on:
                  helper: { condition: service_started, required: false }
                profiles: [soft]
            """);
        var e = Assert.Throws<InvalidArgumentException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ProfileDisabledDependency, e.ErrorId);
        Assert.StartsWith(f + ":2: service app", e.Message);
        Assert.Equal("helper", e.Target);
        Assert.Equal(2, _d.Load(new ComposeLoadOptions { Files = [f], Profiles = ["extra"] }).Services.Count);
        var f2 = _d.Write("dep2.yaml", File.ReadAllText(f).Replace("depends_on: [helper]", "labels: [x=1]"));
        var soft = _d.Load(new ComposeLoadOptions { Files = [f2], Profiles = ["soft"] });
        Assert.Contains("soft", soft.Services.Select(s => s.Name));
        Assert.Contains(soft.Warnings, w => w.Rule == "DisabledDependency" && w.Service == "soft");
    }
}
