using PsContainers.Contract;
using PsContainers.Core.Containers;
using Xunit;

namespace PsContainers.Core.Tests.Contract;

public sealed class PodExitStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("psc-podexit-").FullName;
    private static readonly string Infra = new('a', 64);
    private static readonly DateTime Started = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Container(string id, ContainerStateFile? state, string? infraMark)
    {
        string d = Path.Combine(_dir, id);
        Directory.CreateDirectory(d);
        if (state is not null) File.WriteAllBytes(Path.Combine(d, ContainerMarkers.StateFile), state.ToUtf8());
        if (infraMark is not null) PodExitStop.Mark(d, infraMark);
        return d;
    }

    private static string Id(char c) => new(c, 64);
    private static ContainerStateFile Exited(DateTime at) => new() { Status = ContainerStatus.Exited, FinishedAt = at, ExitCode = 0 };
    private void RunningInfra() => Container(Infra, new ContainerStateFile { Status = ContainerStatus.Running, Pid = 4242, StartedAt = Started }, null);

    [Fact]
    public void TheLastMemberToEndSinceTheInfraStartedStopsIt()
    {
        RunningInfra();
        Container(Id('b'), Exited(Started.AddSeconds(1)), Infra);
        Container(Id('c'), Exited(Started.AddSeconds(2)), Infra);
        Assert.True(PodExitStop.LastMemberExited(_dir, Infra, out var infra));
        Assert.Equal(4242, infra!.Pid);
    }

    [Fact]
    public void AMemberStillRunningRestartingOrEndedBeforeTheInfraStartedKeepsThePodUp()
    {
        RunningInfra();
        Container(Id('b'), Exited(Started.AddSeconds(1)), Infra);
        string c = Container(Id('c'), new ContainerStateFile { Status = ContainerStatus.Running, Pid = 7, StartedAt = Started }, Infra);
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        File.WriteAllBytes(Path.Combine(c, ContainerMarkers.StateFile), new ContainerStateFile { Status = ContainerStatus.Restarting }.ToUtf8());
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        File.WriteAllBytes(Path.Combine(c, ContainerMarkers.StateFile), Exited(Started.AddSeconds(-5)).ToUtf8()); // the previous run's exit
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        File.WriteAllBytes(Path.Combine(c, ContainerMarkers.StateFile), Exited(Started.AddSeconds(3)).ToUtf8());
        Assert.True(PodExitStop.LastMemberExited(_dir, Infra, out _));
    }

    [Fact]
    public void OnlyMembersMarkedForThisInfraCountAndOneBeingRemovedDoesNot()
    {
        RunningInfra();
        Container(Id('b'), Exited(Started.AddSeconds(1)), Infra);
        Container(Id('c'), new ContainerStateFile { Status = ContainerStatus.Running, Pid = 8 }, Id('f')); // another pod's member
        Container(Id('d'), new ContainerStateFile { Status = ContainerStatus.Running, Pid = 9 }, null); // no pod
        string e = Container(Id('e'), new ContainerStateFile { Status = ContainerStatus.Running, Pid = 10 }, Infra);
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        File.WriteAllBytes(Path.Combine(e, ContainerMarkers.Removing), []);
        Assert.True(PodExitStop.LastMemberExited(_dir, Infra, out _));
    }

    [Fact]
    public void NothingToStopWithoutMembersOrWhenTheInfraIsNotRunning()
    {
        RunningInfra();
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        Container(Id('b'), Exited(Started.AddSeconds(1)), Infra);
        File.WriteAllBytes(Path.Combine(_dir, Infra, ContainerMarkers.StateFile), Exited(Started.AddSeconds(2)).ToUtf8());
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out _));
        Directory.Delete(Path.Combine(_dir, Infra), recursive: true);
        Assert.False(PodExitStop.LastMemberExited(_dir, Infra, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void TheMarkerHoldsAnIdOnlyAndIsRemovedWithNull()
    {
        string d = Container(Id('b'), null, null);
        Assert.Null(PodExitStop.InfraOf(d));
        PodExitStop.Mark(d, Infra);
        Assert.Equal(Infra, PodExitStop.InfraOf(d));
        Assert.Throws<ArgumentException>(() => PodExitStop.Mark(d, "../../etc"));
        Assert.Equal(Infra, PodExitStop.InfraOf(d));
        File.WriteAllText(Path.Combine(d, ContainerMarkers.PodExitStop), "not-an-id");
        Assert.Null(PodExitStop.InfraOf(d));
        PodExitStop.Mark(d, null);
        Assert.False(File.Exists(Path.Combine(d, ContainerMarkers.PodExitStop)));
    }
}
