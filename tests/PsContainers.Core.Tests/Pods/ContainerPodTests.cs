using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Pods;

namespace PsContainers.Core.Tests.Pods;

/// <summary>The pod status rule (podman's CreatePodStatusResults) over its containers' statuses.</summary>
public sealed class ContainerPodTests
{
    [Theory]
    [InlineData(new ContainerStatus[0], PodStatus.Created)]
    [InlineData(new[] { ContainerStatus.Created, ContainerStatus.Created }, PodStatus.Created)]
    [InlineData(new[] { ContainerStatus.Running, ContainerStatus.Running }, PodStatus.Running)]
    [InlineData(new[] { ContainerStatus.Running, ContainerStatus.Restarting }, PodStatus.Running)]
    [InlineData(new[] { ContainerStatus.Running, ContainerStatus.Exited }, PodStatus.Degraded)]
    [InlineData(new[] { ContainerStatus.Running, ContainerStatus.Created }, PodStatus.Degraded)]
    [InlineData(new[] { ContainerStatus.Paused, ContainerStatus.Paused }, PodStatus.Paused)]
    [InlineData(new[] { ContainerStatus.Exited, ContainerStatus.Dead }, PodStatus.Exited)]
    [InlineData(new[] { ContainerStatus.Exited, ContainerStatus.Created }, PodStatus.Stopped)]
    [InlineData(new[] { ContainerStatus.Paused, ContainerStatus.Exited }, PodStatus.Stopped)]
    public void StatusFollowsPodman(ContainerStatus[] members, PodStatus expected) =>
        Assert.Equal(expected, ContainerPod.StatusOf(members));

    [Fact]
    public void TheCountAndTheStatusComeFromTheMembers()
    {
        var pod = new ContainerPod
        {
            Id = new string('a', 64), Name = "web",
            Containers = [new PodMember { Name = "a-infra", Status = ContainerStatus.Running, Infra = true }, new PodMember { Name = "app", Status = ContainerStatus.Exited }],
        };
        Assert.Equal(2, pod.NumberOfContainers);
        Assert.Equal(PodStatus.Degraded, pod.Status);
        Assert.Equal("aaaaaaaaaaaa", pod.ShortId);
        Assert.Equal("web", pod.ToString());
    }

    [Theory]
    [InlineData(EventType.Container, "container")]
    [InlineData(EventType.Image, "image")]
    [InlineData(EventType.Volume, "volume")]
    [InlineData(EventType.Network, "network")]
    [InlineData(EventType.Pod, "pod")]
    public void EveryEventTypeIsWrittenAndReadBack(EventType type, string text)
    {
        var e = EngineEvent.Now(type, "create", new string('a', 64), new Dictionary<string, string> { ["name"] = "web" });
        Assert.Equal(text, EngineEvent.TypeText(type));
        var back = EngineEvent.TryParse(e.ToJsonLine())!;
        Assert.Equal(type, back.Type);
        Assert.Equal("web", back.Attributes["name"]);
    }
}
