using PsContainers.Core.Images;
using PsContainers.Core.Prune;
using PsContainers.Core.Util;

namespace PsContainers.Core.Tests.Images;

/// <summary>
/// Images a running build holds (<see cref="ImageStore.HoldImage"/>, <see cref="ImageCommitSpec.Hold"/>): removals and
/// prunes pass over them until the build gives them up. The holds are pins in the store's tmp directory guarded by a
/// lock held for the life of the process, which a second store object opened on the same root reads as another
/// process's (flock: each open file conflicts), as Remove-ContainerImage in another PowerShell would.
/// </summary>
public sealed class ImageHoldTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly ContainerImage _named;
    private readonly ContainerImage _dangling;

    public ImageHoldTests()
    {
        _named = Commit("named", "test/held:1");
        _dangling = Commit("dangling");
    }

    public void Dispose() => _t.Dispose();

    private ContainerImage Commit(string label, params string[] tags)
    {
        var b = TestImages.PutImage(_t.Store, TestImages.ThreeLayers(label), label: label);
        return _t.Store.CommitImage(b.ManifestDigest, tags.Select(ImageReference.Parse), NullProgressSink.Instance, default);
    }

    /// <summary>The store as another command sees it.</summary>
    private ImageStore Other() => new Engine(_t.Paths).Images;

    [Fact]
    public void A_held_image_is_refused_by_a_removal_and_passed_over_by_a_prune_until_it_is_given_up()
    {
        Assert.True(_t.Store.HoldImage(_dangling.Id));
        Assert.True(_t.Store.HoldImage(_named.Id));

        var other = Other();
        var e = Assert.Throws<ConflictException>(() => other.Remove(_dangling.Id, force: false));
        Assert.Equal(ErrorIds.ImageInUse, e.ErrorId);
        Assert.True(e.InUse);
        Assert.Contains("build or pull in progress", e.Message);
        Assert.Equal(ErrorIds.ImageInUse, Assert.Throws<ConflictException>(() => other.Remove("test/held:1", force: false)).ErrorId);
        Assert.Equal(new[] { _dangling.Id, _named.Id }.Order(), other.HeldImages().Order());
        Assert.Empty(new ImageQuery(other) { Unique = true, Unused = true }.Rows());
        var engine = new Engine(_t.Paths);
        Assert.Empty(new PrunePlanner(engine).Plan(new PruneOptions { AllImages = true }).Of(PruneKind.Image));

        // forced: the names go, the image stays for its build (as for an image a container uses)
        var forced = other.Remove("test/held:1", force: true);
        Assert.Equal(["test/held:1"], forced.Untagged);
        Assert.Empty(forced.Deleted);
        Assert.NotNull(other.FindImage(_named.Id));

        _t.Store.ReleaseImages([_dangling.Id, _named.Id]);
        Assert.Empty(other.HeldImages());
        Assert.Equal([_dangling.Id], other.Remove(_dangling.Id, force: false).Deleted);
        Assert.Equal([_named.Id], new PrunePlanner(engine).Plan(new PruneOptions { AllImages = true }).Of(PruneKind.Image).Select(i => i.Id));
    }

    [Fact]
    public void Each_hold_is_given_up_on_its_own()
    {
        Assert.True(_t.Store.HoldImage(_dangling.Id));
        Assert.True(_t.Store.HoldImage(_dangling.Id));
        _t.Store.ReleaseImages([_dangling.Id]);
        Assert.Equal(ErrorIds.ImageInUse, Assert.Throws<ConflictException>(() => Other().Remove(_dangling.Id, force: false)).ErrorId);
        _t.Store.ReleaseImages([_dangling.Id]);
        Assert.Equal([_dangling.Id], Other().Remove(_dangling.Id, force: false).Deleted);
    }

    [Fact]
    public void An_image_removed_before_the_hold_is_not_held()
    {
        Assert.Equal([_dangling.Id], Other().Remove(_dangling.Id, force: false).Deleted);
        Assert.False(_t.Store.HoldImage(_dangling.Id));
        Assert.Empty(_t.Store.HeldImages());
    }

    [Fact]
    public void A_commit_with_Hold_is_held_from_the_moment_it_exists_and_one_without_is_not()
    {
        var spec = new ImageCommitSpec { BaseImageId = _named.Id, CreatedBy = "ENV A=1", Created = DateTime.UnixEpoch, Hold = true };
        var held = _t.Store.AddImage(spec, null, NullProgressSink.Instance, default);
        Assert.True(held.Dangling);
        Assert.Contains(held.Id, Other().HeldImages());
        Assert.Equal(ErrorIds.ImageInUse, Assert.Throws<ConflictException>(() => Other().Remove(held.Id, force: false)).ErrorId);
        _t.Store.ReleaseImages([held.Id]);
        Assert.Equal([held.Id], Other().Remove(held.Id, force: false).Deleted);

        var plain = _t.Store.AddImage(new ImageCommitSpec { BaseImageId = _named.Id, CreatedBy = "ENV B=1", Created = DateTime.UnixEpoch }, null, NullProgressSink.Instance, default);
        Assert.DoesNotContain(plain.Id, Other().HeldImages());
        Assert.Equal([plain.Id], Other().Remove(plain.Id, force: false).Deleted);
    }

    [Fact]
    public void A_prune_passes_over_an_image_a_build_started_to_hold_after_the_plan()
    {
        var engine = new Engine(_t.Paths);
        var plan = new PrunePlanner(engine).Plan(new PruneOptions());
        Assert.Contains(plan.Of(PruneKind.Image), i => i.Id == _dangling.Id);
        Assert.True(_t.Store.HoldImage(_dangling.Id)); // a build's cache hit, after the plan

        var r = new PruneExecutor(engine).Execute(plan);
        Assert.Empty(r.Failed);
        Assert.DoesNotContain(_dangling.Id, r.ImagesDeleted);
        Assert.NotNull(Other().FindImage(_dangling.Id));
        _t.Store.ReleaseImages([_dangling.Id]);
    }

    [Fact]
    public void A_prune_of_nameless_images_leaves_one_named_since_the_plan()
    {
        // a build tags its result at its very end and then gives up its holds: a prune that read the image as nameless
        // before that must not delete it by id afterwards
        var engine = new Engine(_t.Paths);
        var plan = new PrunePlanner(engine).Plan(new PruneOptions());
        Assert.Contains(plan.Of(PruneKind.Image), i => i.Id == _dangling.Id && i.ImageNames.Count == 0);
        _t.Store.Tag(_t.Store.FindImage(_dangling.Id)!, ImageReference.Parse("test/named-late:1"));

        var r = new PruneExecutor(engine).Execute(plan);
        Assert.Empty(r.Failed);
        Assert.Empty(r.ImagesDeleted);
        Assert.Equal(0, r.SpaceReclaimed);
        Assert.Equal(_dangling.Id, Other().FindImage("test/named-late:1")?.Id);
    }
}
