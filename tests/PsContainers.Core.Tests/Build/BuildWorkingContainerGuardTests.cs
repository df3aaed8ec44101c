using PsContainers.Core.Build;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Prune;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Build;

/// <summary>
/// A build step's working container is guarded while its build runs (<see cref="BuildWorkingContainer.InUse"/>): a
/// removal (Remove-Container, Clear-ContainerSystem) in any process leaves it alone, because a build step's layer is
/// kept only as that container's upper directory. Through <see cref="RecordingSyscalls"/>: nothing is mounted or run.
/// </summary>
public sealed class BuildWorkingContainerGuardTests : IDisposable
{
    private readonly TempStore _t = new();
    private readonly Engine _engine;
    private readonly ContainerImage _image;

    public BuildWorkingContainerGuardTests()
    {
        _engine = new Engine(_t.Paths, new RecordingSyscalls());
        var b = TestImages.PutImage(_engine.Images, TestImages.ThreeLayers());
        _image = _engine.Images.CommitImage(b.ManifestDigest, [ImageReference.Parse("test/guard:1")], NullProgressSink.Instance, default);
    }

    public void Dispose() => _t.Dispose();

    private ContainerCreateOptions Step() => new()
    {
        Command = ["true"], Networks = ["none"], Labels = new() { [BuildWorkingContainer.StepLabel] = "Dockerfile:2" },
    };

    [Fact]
    public void A_working_container_in_use_is_neither_removed_nor_pruned_and_goes_with_its_build()
    {
        var w = BuildWorkingContainer.Create(_engine, new BuildTrash(_t.Paths), _image.Id, true, Step(), default);
        var c = w.Container!;
        Assert.True(BuildWorkingContainer.InUse(_engine.ContainerStore, c));

        var e = Assert.Throws<ConflictException>(() => _engine.Containers.Remove(c, force: true));
        Assert.Equal(ErrorIds.BuildContainerInUse, e.ErrorId);
        Assert.Contains("Dockerfile:2", e.Message);
        Assert.NotNull(_engine.ContainerStore.Load(c.Id));
        Assert.DoesNotContain(new PrunePlanner(_engine).Plan(new PruneOptions()).Of(PruneKind.Container), i => i.Id == c.Id);

        w.Dispose();
        Assert.Null(_engine.ContainerStore.Load(c.Id));
    }

    [Fact]
    public void A_working_container_its_build_left_behind_is_pruned_and_an_ordinary_container_is_never_in_use()
    {
        // a build that died: the label, a guard file, nobody holding it
        var left = _engine.Containers.Create(new ContainerCreateOptions { Image = _image.Id, Command = ["true"], Networks = ["none"], Labels = Step().Labels });
        File.WriteAllBytes(Path.Combine(_engine.ContainerStore.DirOf(left.Id), BuildWorkingContainer.GuardFile), []);
        var plain = _engine.Containers.Create(new ContainerCreateOptions { Image = _image.Id, Command = ["true"], Networks = ["none"] });

        Assert.False(BuildWorkingContainer.InUse(_engine.ContainerStore, left));
        Assert.False(BuildWorkingContainer.InUse(_engine.ContainerStore, plain));
        Assert.False(File.Exists(Path.Combine(_engine.ContainerStore.DirOf(plain.Id), BuildWorkingContainer.GuardFile)));
        var planned = new PrunePlanner(_engine).Plan(new PruneOptions()).Of(PruneKind.Container).Select(i => i.Id).ToList();
        Assert.Contains(left.Id, planned);
        Assert.Contains(plain.Id, planned);
    }
}
