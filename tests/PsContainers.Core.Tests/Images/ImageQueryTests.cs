using PsContainers.Core.Images;
using PsContainers.Core.Targets;

namespace PsContainers.Core.Tests.Images;

/// <summary>Get-ContainerImage's rows and matching rules (<see cref="ImageQuery"/>) over a real store in a temporary root.</summary>
public sealed class ImageQueryTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly ContainerImage _app;
    private readonly ContainerImage _old;
    private readonly ContainerImage _other;

    public ImageQueryTests()
    {
        _app = Commit("a", "test/app:1", "test/app:2");
        _old = Commit("b", "other:1");
        _other = Commit("c", "other:1"); // takes the name: the first "other" is now nameless (dangling)
    }

    public void Dispose() => _t.Dispose();

    private ContainerImage Commit(string label, params string[] tags)
    {
        var b = TestImages.PutImage(_t.Store, TestImages.ThreeLayers(label), label: label);
        return _t.Store.CommitImage(b.ManifestDigest, tags.Select(ImageReference.Parse), NullProgressSink.Instance, default);
    }

    private static string Row(ContainerImage r) => r.Repository + ":" + r.Tag;

    [Fact]
    public void RowsAreOnePerNameAndUniqueIsOnePerImage()
    {
        var rows = new ImageQuery(_t.Store).Rows();
        Assert.Equal(["other:1", "test/app:1", "test/app:2", "<none>:<none>"], rows.OrderBy(r => r.Repository == "<none>").ThenBy(Row, StringComparer.Ordinal).Select(Row));
        Assert.Equal(3, new ImageQuery(_t.Store) { Unique = true }.Rows().Count);
        Assert.Equal(_old.Id, Assert.Single(new ImageQuery(_t.Store) { Dangling = true }.Rows()).Id);
    }

    [Fact]
    public void ABareRepositoryNamesEachOfItsTags()
    {
        var s = new TargetSelector<ContainerImage>(new ImageQuery(_t.Store));
        Assert.Equal(["test/app:1", "test/app:2"], s.Resolve("test/app").Select(Row).Order(StringComparer.Ordinal));
        Assert.Equal(["test/app:2"], s.Resolve("docker.io/test/app:2").Select(Row));
    }

    [Fact]
    public void PatternsMatchRepositoryTagFullNameAndNamelessIds()
    {
        var s = new TargetSelector<ContainerImage>(new ImageQuery(_t.Store));
        Assert.Equal(2, s.Resolve("test/*").Count);
        Assert.Equal(["test/app:2"], s.Resolve("*app:2").Select(Row));
        Assert.Equal(2, s.Resolve("docker.io/test/app").Count);
        Assert.Equal(2, s.Resolve("docker.io/*/app:?").Count);
        Assert.Equal(_old.Id, Assert.Single(s.Resolve(_old.ShortId[..6] + "*")).Id);
        Assert.Empty(s.Resolve("nothing*"));
    }

    [Fact]
    public void IdsAndPrefixesFindTheImageAndANamelessOneIsItsRow()
    {
        var s = new TargetSelector<ContainerImage>(new ImageQuery(_t.Store));
        Assert.Equal(_other.Id, Assert.Single(s.Resolve(_other.Id[7..19], idOnly: true)).Id);
        Assert.Equal(_other.Id, Assert.Single(s.Resolve(_other.Id, idOnly: true)).Id);
        var nameless = Assert.Single(s.Resolve(_old.Id[7..19]));
        Assert.Equal("<none>", nameless.Repository);
        // an id lookup takes ids only
        var ex = Assert.Throws<ResourceNotFoundException>(() => s.Resolve("other:1", idOnly: true));
        Assert.Equal(ErrorIds.ImageNotFound, ex.ErrorId);
        Assert.Throws<ResourceNotFoundException>(() => s.Resolve("xyz", idOnly: true));
    }

    [Fact]
    public void ALiteralThatNamesNothingIsImageNotFound()
    {
        var ex = Assert.Throws<ResourceNotFoundException>(() => new TargetSelector<ContainerImage>(new ImageQuery(_t.Store)).Resolve("no-such:1"));
        Assert.Equal(ErrorIds.ImageNotFound, ex.ErrorId);
        Assert.Equal("no-such:1", ex.Target);
    }

    [Fact]
    public void TwoNamesOfOneRowYieldItOnceButTwoTagsOfOneImageAreTwoRows()
    {
        var rows = new TargetSelector<ContainerImage>(new ImageQuery(_t.Store)).ResolveAll(["test/app:1", "docker.io/test/app:1", "test/app"]);
        Assert.Equal(["test/app:1", "test/app:2"], rows.Select(Row));
        Assert.All(rows, r => Assert.Equal(_app.Id, r.Id));
    }

    [Fact]
    public void TheReferenceCatalogTakesLiteralsAndPatternsOverAllNames()
    {
        var s = new TargetSelector<ContainerImage>(new ImageCatalog(_t.Store));
        Assert.Equal(_app.Id, Assert.Single(s.Resolve("test/app:2")).Id);
        Assert.Equal(_app.Id, Assert.Single(s.Resolve("test/*")).Id);
        Assert.Equal(3, s.Resolve("*").Count); // one per image, the nameless one by its id
        // wildcards off: the text is looked up as given
        Assert.Throws<ResourceNotFoundException>(() => s.Resolve("test/*", wildcards: false));
        var gone = new ContainerImage { Id = "sha256:" + new string('0', 64) };
        Assert.Equal(ErrorIds.ImageNotFound, Assert.Throws<ResourceNotFoundException>(() => s.Reload(gone)).ErrorId);
    }
}
