using PsContainers.Contract;
using PsContainers.Core.Compose;
using PsContainers.Core.Containers;
using PsContainers.Core.Images;
using PsContainers.Core.Tests.Fakes;
using PsContainers.Core.Tests.Images;

namespace PsContainers.Core.Tests.Compose;

/// <summary>
/// restart, pull_policy and stop_signal are read into the values the engine uses (issue 12): the contract's
/// <see cref="RestartPolicy"/>, the -Pull <see cref="PullPolicy"/> (with compose's build and refresh forms), and a stop
/// signal the engine's <see cref="Signals"/> parser accepts; a bad one fails the load naming the file:line, the service
/// and the key, and a refresh policy the engine cannot follow is refused before anything is pulled.
/// </summary>
public sealed class ComposePolicyTypingTests : IDisposable
{
    private readonly ComposeDirectory _d = new("typed");
    public void Dispose() => _d.Dispose();

    [Theory]
    [InlineData("restart: sometimes", "services.a.restart 'sometimes' is not a restart policy (no, always, on-failure[:max-retries], unless-stopped)")]
    [InlineData("restart: always:3", "services.a.restart 'always:3' is not a restart policy")]
    [InlineData("restart: on-failure:-1", "services.a.restart 'on-failure:-1' is not a restart policy")]
    [InlineData("pull_policy: sometimes", "services.a.pull_policy 'sometimes' is not a pull policy")]
    [InlineData("pull_policy: every_0s", "services.a.pull_policy 'every_0s' is not a pull policy")]
    [InlineData("stop_signal: SIGFOO", "services.a.stop_signal 'SIGFOO' is not a signal name or number")]
    [InlineData("stop_signal: \"0\"", "services.a.stop_signal '0' is not a signal name or number")]
    [InlineData("stop_signal: \"65\"", "services.a.stop_signal '65' is not a signal name or number")]
    [InlineData("stop_signal: RTMIN+31", "services.a.stop_signal 'RTMIN+31' is not a signal name or number")]
    public void ABadValueFailsTheLoadNamingTheServiceAndTheKeyAtItsLine(string line, string message) =>
        _d.AssertRefusedAtLine4(line, message);

    [Theory]
    [InlineData("SIGINT", 2)]
    [InlineData("int", 2)]
    [InlineData("\"9\"", 9)]
    [InlineData("RTMIN+3", 37)]
    [InlineData("sigrtmax", 64)]
    public void AStopSignalTheEngineParsesLoadsAsWritten(string written, int number)
    {
        var a = _d.Load(_d.Write("sig.yaml", $"services:\n  a:\n    image: busybox\n    stop_signal: {written}\n")).GetService("a")!;
        Assert.Equal(written.Trim('"'), a.StopSignal);
        Assert.Equal(number, ContainerManager.ParseSignal(a.StopSignal));
    }

    [Fact]
    public void RestartAndStopSignalReachTheCreateOptionsTyped()
    {
        var p = _d.Load(_d.Write("compose.yaml", "services:\n  a:\n    image: busybox\n    restart: on-failure:4\n    stop_signal: rtmin+3\n  b:\n    image: busybox\n"));
        var o = ServiceContainerOptions.For(p, p.GetService("a")!, 1, _ => "");
        Assert.Equal(new RestartPolicy(RestartPolicyName.OnFailure, 4), o.Restart);
        Assert.Equal("rtmin+3", o.StopSignal);
        Assert.Equal(Signals.RtMin + 3, ContainerManager.ParseSignal(o.StopSignal));
        var b = ServiceContainerOptions.For(p, p.GetService("b")!, 1, _ => "");
        Assert.Equal(RestartPolicy.No, b.Restart);
        Assert.Null(b.StopSignal);
    }

    [Fact]
    public void APeriodicPullPolicyIsRefusedBeforeAnythingIsPulledUnlessPullIsGiven()
    {
        using var store = new TempStore();
        var engine = new Engine(store.Paths, new RecordingSyscalls());
        var orchestrator = new ProjectOrchestrator(engine);
        var p = _d.Load(_d.Write("compose.yaml", """
            services:
              a: { image: "busybox:1", pull_policy: always }
              b: { image: "alpine:3", pull_policy: daily }
              c: { image: "built:1", pull_policy: weekly, build: . }
            """));
        var e = Assert.ThrowsAny<PscException>(() => orchestrator.ImagesToPull(p, new ProjectUpOptions()));
        Assert.Equal(ErrorIds.ComposePullPolicyNotSupported, e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidOperation, e.Category);
        Assert.StartsWith("Service 'b': pull_policy 'daily' pulls again once the local image is older than that", e.Message);
        // -Pull decides for every service; a service with a build section is built, not pulled
        Assert.Equal(["busybox:1", "alpine:3", "built:1"], orchestrator.ImagesToPull(p, new ProjectUpOptions { Pull = PullPolicy.Always }));
        Assert.Equal(["busybox:1"], orchestrator.ImagesToPull(p, new ProjectUpOptions { Services = ["a", "c"] }));
        Assert.Empty(orchestrator.ImagesToPull(p, new ProjectUpOptions { Pull = PullPolicy.Never }));
        Assert.Equal(["busybox:1", "alpine:3"], orchestrator.ImagesToPull(p, new ProjectUpOptions { Pull = PullPolicy.Missing }));
    }

    [Fact]
    public void PullPolicyBuildBuildsAndNeverPulls()
    {
        using var store = new TempStore();
        var orchestrator = new ProjectOrchestrator(new Engine(store.Paths, new RecordingSyscalls()));
        var p = _d.Load(_d.Write("compose.yaml", """
            services:
              a: { image: "made:1", pull_policy: build, build: . }
              b: { image: "made:2", build: . }
              c: { image: "nobuild:1", pull_policy: build }
            """));
        Assert.Empty(orchestrator.ImagesToPull(p, new ProjectUpOptions()));
        Assert.Equal(["a", "b"], orchestrator.ImagesToBuild(p, new ProjectUpOptions()).Select(s => s.Name));
    }
}
