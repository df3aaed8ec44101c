using PsContainers.Core.Compose;

namespace PsContainers.Core.Tests.Compose;

/// <summary><c>extends</c> (same file, other file, cycles) and <c>include</c> (paths relative to the declaring file, conflicts, cycles).</summary>
public sealed class ComposeExtendsIncludeTests : IDisposable
{
    private readonly ComposeDirectory _d = new();
    public void Dispose() => _d.Dispose();

    [Fact]
    public void ExtendsMergesTheBaseUnderTheLocalDefinition()
    {
        _d.Write("common/base.yaml", """
            services:
              base:
                image: busybox
                environment: { FROM: base, LEVEL: base }
                volumes: ["./conf:/conf"]
                build: ./ctx
                command: ["base"]
              grand:
                extends: base
                environment: { LEVEL: grand }
            """);
        var f = _d.Write("compose.yaml", """
            services:
              local:
                image: alpine
                labels: [a=1]
              web:
                extends:
                  file: common/base.yaml
                  service: grand
                environment: { LEVEL: web }
                command: ["web"]
              other:
                extends: local
                labels: [b=2]
            """);
        var p = _d.Load(f);
        var web = p.GetService("web")!;
        Assert.Equal("busybox", web.Image);
        Assert.Equal(new Dictionary<string, string> { ["FROM"] = "base", ["LEVEL"] = "web" }, web.Environment);
        Assert.Equal(["web"], web.Command);
        // relative paths stay relative to the file that declares them
        Assert.Equal(_d.P("common/conf"), web.Volumes[0].Source);
        Assert.Equal(_d.P("common/ctx"), web.Build!.Context);
        Assert.Equal((f, 5), (web.SourceFile, web.SourceLine)); // the line of "web:"
        var other = p.GetService("other")!;
        Assert.Equal("alpine", other.Image);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, other.Labels);
        Assert.Equal(3, p.Services.Count);
    }

    [Fact]
    public void AnExtendsCycleIsAnError()
    {
        var f = _d.Write("compose.yaml", """
            services:
              a:
                extends: b
                image: x
              b:
                extends: c
              c:
                extends: a
            """);
        var e = Assert.Throws<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ExtendsCycle, e.ErrorId);
        Assert.StartsWith(f + ":", e.Message);
        Assert.Contains("a -> b -> c -> a", e.Message);
    }

    [Fact]
    public void ExtendingAMissingServiceNamesIt()
    {
        var f = _d.Write("compose.yaml", "services:\n  a:\n    extends: nope\n");
        var e = Assert.Throws<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeUndefinedReference, e.ErrorId);
        Assert.StartsWith(f + ":3:", e.Message);
    }

    [Fact]
    public void IncludeAddsTheResourcesWithPathsRelativeToTheIncludedFile()
    {
        _d.Write("db/.env", "DB_IMAGE=postgres:16\n");
        _d.Write("db/compose.yaml", """
            services:
              db:
                image: ${DB_IMAGE}
                volumes: ["./init:/docker-entrypoint-initdb.d", "data:/var/lib/postgresql/data"]
            volumes:
              data:
            """);
        var f = _d.Write("compose.yaml", """
            include:
              - db/compose.yaml
            services:
              web:
                image: nginx
                depends_on: [db]
            """);
        var p = _d.Load(f);
        var db = p.GetService("db")!;
        Assert.Equal("postgres:16", db.Image);
        Assert.Equal(_d.P("db/init"), db.Volumes[0].Source);
        Assert.Equal(["data"], p.Volumes.Select(v => v.Key));
        Assert.Equal(["db", "web"], p.Services.Select(s => s.Name));
    }

    [Fact]
    public void IncludeConflictsAndCyclesAreErrors()
    {
        _d.Write("inc.yaml", "services:\n  web:\n    image: a\n");
        var f = _d.Write("compose.yaml", "include: [inc.yaml]\nservices:\n  web:\n    image: b\n");
        var e = Assert.Throws<PscException>(() => _d.Load(f));
        Assert.Equal(ErrorIds.ComposeInvalid, e.ErrorId);
        Assert.StartsWith(f + ":3:", e.Message);

        _d.Write("loop1.yaml", "include: [loop2.yaml]\nservices:\n  a:\n    image: a\n");
        _d.Write("loop2.yaml", "include: [loop1.yaml]\nservices:\n  b:\n    image: b\n");
        var cycle = Assert.Throws<PscException>(() => _d.Load(_d.P("loop1.yaml")));
        Assert.Equal(ErrorIds.IncludeCycle, cycle.ErrorId);
    }
}
