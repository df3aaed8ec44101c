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

    [Fact]
    public void The_working_container_of_a_build_that_died_is_pruned_forced_even_while_its_process_runs()
    {
        // a build killed during a RUN: its container still runs, its guard is free
        var left = _engine.Containers.Create(new ContainerCreateOptions { Image = _image.Id, Command = ["sleep", "60"], Networks = ["none"], Labels = Step().Labels });
        File.WriteAllBytes(Path.Combine(_engine.ContainerStore.DirOf(left.Id), BuildWorkingContainer.GuardFile), []);
        var leftRunning = _engine.ContainerStore.Load(left.Id)!;
        leftRunning.State.Status = ContainerStatus.Running;
        // an ordinary running container, and a live build's running step: neither
        var plain = _engine.ContainerStore.Load(_engine.Containers.Create(new ContainerCreateOptions { Image = _image.Id, Command = ["true"], Networks = ["none"] }).Id)!;
        plain.State.Status = ContainerStatus.Running;
        using var w = BuildWorkingContainer.Create(_engine, new BuildTrash(_t.Paths), _image.Id, true, Step(), default);
        var live = _engine.ContainerStore.Load(w.Container!.Id)!;
        live.State.Status = ContainerStatus.Running;

        var item = Assert.Single(new PrunePlanner(_engine).Plan(new PruneOptions(), [leftRunning, plain, live]).Of(PruneKind.Container));
        Assert.Equal(left.Id, item.Id);
        Assert.True(item.Force);
    }

    [Fact]
    public void A_working_container_is_guarded_from_before_it_appears_until_it_is_gone_so_a_prune_never_takes_it_or_fails_its_build()
    {
        // another process pruning over and over (each plan probes the guards): it never removes a step's container
        // while its build holds it, and the build's own removal never sees its guard taken by a probe
        // The prune runs on a thread of its own, not the pool's: under a loaded xunit run the pool may not start a
        // task until the cycles are over, and the test would prove nothing. The cycles start after its first plan and
        // go on (60 at least) until it has pruned 10 times during them.
        using var stop = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var failures = new List<Exception>();
        Exception? crashed = null;
        int rounds = 0;
        var prune = new Thread(() =>
        {
            try
            {
                var engine = new Engine(_t.Paths, new RecordingSyscalls());
                while (!stop.IsCancellationRequested)
                {
                    var r = new PruneExecutor(engine).Execute(new PrunePlanner(engine).Plan(new PruneOptions()));
                    lock (failures) failures.AddRange(r.Failed.Select(f => f.Error));
                    Interlocked.Increment(ref rounds);
                    started.Set();
                }
            }
            catch (Exception e) { crashed = e; started.Set(); }
        }) { IsBackground = true, Name = "prune loop" };
        prune.Start();
        int during;
        try
        {
            Assert.True(started.Wait(TimeSpan.FromMinutes(2)), "the prune loop never finished a round");
            int first = Volatile.Read(ref rounds);
            var until = DateTime.UtcNow.AddMinutes(2);
            for (int i = 0; i < 60 || (Volatile.Read(ref rounds) - first < 10 && DateTime.UtcNow < until); i++)
            {
                var w = BuildWorkingContainer.Create(_engine, new BuildTrash(_t.Paths), _image.Id, true, Step(), default);
                Thread.Sleep(2);
                Assert.NotNull(_engine.ContainerStore.Load(w.Container!.Id));
                w.Dispose();
            }
            during = Volatile.Read(ref rounds) - first;
        }
        finally { stop.Cancel(); prune.Join(); }
        Assert.Null(crashed);
        Assert.True(during > 1, $"the prune loop ran {during} times during the build cycles");
        Assert.Empty(failures);
        Assert.DoesNotContain(_engine.ContainerStore.LoadAll(), c => c.Labels.ContainsKey(BuildWorkingContainer.StepLabel));
    }
}
