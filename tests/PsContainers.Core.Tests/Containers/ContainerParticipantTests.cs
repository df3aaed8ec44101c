using PsContainers.Core.Containers;
using PsContainers.Core.Networking;
using PsContainers.Core.Runtime.Spec;
using PsContainers.Core.Volumes;

namespace PsContainers.Core.Tests.Containers;

/// <summary>The engine's lifecycle participants: their fixed order, and the undo of a failed start. Root-free.</summary>
public class ContainerParticipantTests
{
    private sealed class Recorder(string name, List<string> log, bool failContribute = false) : IContainerParticipant
    {
        public string Name => name;
        public void Create(Container container, ContainerCreateOptions options, ResolvedImage image) => log.Add(name + ".create");
        public void ContributeSpec(Container container, RuntimeSpec spec, string bundle)
        {
            log.Add(name + ".contribute");
            if (failContribute) throw new PscException("Injected", PscErrorCategory.InvalidOperation, name + " failed", name);
            (spec.Mounts ??= new()).Add(new SpecMount { Destination = "/" + name });
        }
        public void Released(Container container) => log.Add(name + ".released");
        public void Removed(Container container, bool removeVolumes) => log.Add(name + ".removed");
    }

    [Fact]
    public void The_engine_registers_pod_membership_networking_then_volumes()
    {
        var engine = new Engine(new PscPaths("/nonexistent/psc-participants"));
        Assert.Collection(engine.Participants,
            p => { Assert.IsType<PsContainers.Core.Pods.PodParticipant>(p); Assert.Equal("pod", p.Name); },
            p => { Assert.IsType<NetworkParticipant>(p); Assert.Equal("network", p.Name); },
            p => { Assert.IsType<VolumeParticipant>(p); Assert.Equal("volumes", p.Name); });
        Assert.Same(engine.Participants, engine.Participants);
        Assert.False(Directory.Exists("/nonexistent/psc-participants")); // creating an engine touches nothing
    }

    [Fact]
    public void Contributions_run_in_order_into_one_typed_spec()
    {
        var log = new List<string>();
        var spec = new RuntimeSpec();
        ContainerParticipants.ContributeSpec([new Recorder("a", log), new Recorder("b", log)], new Container { Id = "x" }, spec, "/bundle");
        Assert.Equal(["a.contribute", "b.contribute"], log);
        Assert.Equal(["/a", "/b"], spec.Mounts!.Select(m => m.Destination));
    }

    [Fact]
    public void A_failed_contribution_releases_the_earlier_ones_in_reverse_and_rethrows()
    {
        var log = new List<string>();
        var e = Assert.Throws<PscException>(() => ContainerParticipants.ContributeSpec(
            [new Recorder("a", log), new Recorder("b", log), new Recorder("c", log, failContribute: true), new Recorder("d", log)],
            new Container { Id = "x" }, new RuntimeSpec(), "/bundle"));
        Assert.Equal("Injected", e.ErrorId);
        Assert.Equal(["a.contribute", "b.contribute", "c.contribute", "b.released", "a.released"], log);
    }

    [Fact]
    public void Release_runs_in_reverse_order_and_is_best_effort()
    {
        var log = new List<string>();
        var throwing = new ThrowingRelease(log);
        ContainerParticipants.Released([new Recorder("a", log), throwing, new Recorder("c", log)], new Container { Id = "x" });
        Assert.Equal(["c.released", "t.released", "a.released"], log);
    }

    private sealed class ThrowingRelease(List<string> log) : IContainerParticipant
    {
        public string Name => "t";
        public void Create(Container container, ContainerCreateOptions options, ResolvedImage image) { }
        public void ContributeSpec(Container container, RuntimeSpec spec, string bundle) { }
        public void Released(Container container) { log.Add("t.released"); throw new IOException("gone"); }
        public void Removed(Container container, bool removeVolumes) { }
    }
}
