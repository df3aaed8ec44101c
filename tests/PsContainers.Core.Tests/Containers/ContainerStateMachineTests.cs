using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class ContainerStateMachineTests
{
    private const string C = "created", R = "running", P = "paused", T = "restarting", E = "exited", D = "dead", X = "removing";

    // every (status, operation) pair: null when legal, else the ErrorId Require throws
    public static TheoryData<ContainerStatus, ContainerOperation, string?> Table()
    {
        var d = new TheoryData<ContainerStatus, ContainerOperation, string?>();
        void Row(ContainerOperation op, params (string Status, string? ErrorId)[] cells)
        {
            Assert.Equal(Enum.GetValues<ContainerStatus>().Length, cells.Length);
            foreach (var (status, id) in cells) d.Add(Enum.Parse<ContainerStatus>(status, ignoreCase: true), op, id);
        }
        const string NR = "ContainerNotRunning", RUN = "ContainerRunning", PA = "ContainerPaused", NP = "ContainerNotPaused", RM = "ContainerRemoving";
        // docker: "cannot start a paused container, try unpause instead"
        Row(ContainerOperation.Start, (C, null), (R, RUN), (P, PA), (T, RUN), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.Stop, (C, NR), (R, null), (P, null), (T, null), (E, NR), (D, NR), (X, RM));
        Row(ContainerOperation.Kill, (C, NR), (R, null), (P, null), (T, null), (E, NR), (D, NR), (X, RM));
        Row(ContainerOperation.Pause, (C, NR), (R, null), (P, PA), (T, NR), (E, NR), (D, NR), (X, RM));
        Row(ContainerOperation.Resume, (C, NP), (R, NP), (P, null), (T, NP), (E, NP), (D, NP), (X, RM));
        Row(ContainerOperation.Restart, (C, null), (R, null), (P, null), (T, null), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.Remove, (C, null), (R, RUN), (P, RUN), (T, RUN), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.ForceRemove, (C, null), (R, null), (P, null), (T, null), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.Rename, (C, null), (R, null), (P, null), (T, null), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.Update, (C, null), (R, null), (P, null), (T, null), (E, null), (D, null), (X, RM));
        Row(ContainerOperation.Exec, (C, NR), (R, null), (P, PA), (T, null), (E, NR), (D, NR), (X, RM));
        Row(ContainerOperation.ReadProcesses, (C, NR), (R, null), (P, null), (T, null), (E, NR), (D, NR), (X, RM));
        Row(ContainerOperation.Commit, (C, null), (R, null), (P, null), (T, null), (E, null), (D, null), (X, RM));
        return d;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void EveryStatusAndOperationPairIsDecidedInOnePlace(ContainerStatus status, ContainerOperation op, string? errorId)
    {
        Assert.Equal(errorId is null, ContainerStateMachine.Can(status, op));
        var e = Record.Exception(() => ContainerStateMachine.Require(status, op, "web"));
        if (errorId is null) { Assert.Null(e); return; }
        var ise = Assert.IsType<InvalidStateException>(e);
        Assert.Equal(errorId, ise.ErrorId);
        Assert.Equal(status, ise.Current);
        Assert.Equal(op, ise.Operation);
        Assert.Equal("web", ise.Target);
        Assert.Contains("'web'", ise.Message);
    }

    // every (status, operation) pair that succeeds without acting (docker's 304 Not Modified)
    public static TheoryData<ContainerStatus, ContainerOperation, bool> NoOps()
    {
        var d = new TheoryData<ContainerStatus, ContainerOperation, bool>();
        var noop = new HashSet<(ContainerStatus, ContainerOperation)>
        {
            (ContainerStatus.Running, ContainerOperation.Start), (ContainerStatus.Restarting, ContainerOperation.Start),
            (ContainerStatus.Created, ContainerOperation.Stop), (ContainerStatus.Exited, ContainerOperation.Stop), (ContainerStatus.Dead, ContainerOperation.Stop),
        };
        foreach (var s in Enum.GetValues<ContainerStatus>())
            foreach (var op in Enum.GetValues<ContainerOperation>())
                d.Add(s, op, noop.Contains((s, op)));
        return d;
    }

    [Theory]
    [MemberData(nameof(NoOps))]
    public void DecideSkipsTheNoOpsActsOnTheLegalAndRefusesTheRest(ContainerStatus status, ContainerOperation op, bool noop)
    {
        Assert.Equal(noop, ContainerStateMachine.IsNoOp(status, op));
        var c = new Container { Name = "web", State = new ContainerState { Status = status } };
        bool legal = ContainerStateMachine.Can(status, op);
        bool decided = false;
        var e = Record.Exception(() => decided = ContainerStateMachine.Decide(c, op));
        if (noop) { Assert.Null(e); Assert.False(decided); }
        else if (legal) { Assert.Null(e); Assert.True(decided); }
        else Assert.IsType<InvalidStateException>(e);
    }

    [Fact]
    public void StartOfAPausedContainerIsRefusedAsDockerRefusesIt()
    {
        var c = new Container { Name = "web", State = new ContainerState { Status = ContainerStatus.Paused } };
        Assert.False(ContainerStateMachine.IsNoOp(ContainerStatus.Paused, ContainerOperation.Start));
        var e = Assert.Throws<InvalidStateException>(() => ContainerStateMachine.Decide(c, ContainerOperation.Start));
        Assert.Equal("ContainerPaused", e.ErrorId);
        Assert.Equal(PscErrorCategory.InvalidOperation, e.Category);
        Assert.Equal("Container 'web' is paused; resume it first.", e.Message);
        // restart of a paused container is legal (docker restart thaws and stops it, then starts it)
        Assert.True(ContainerStateMachine.Decide(c, ContainerOperation.Restart));
        Assert.True(ContainerStateMachine.Decide(c, ContainerOperation.Stop));
    }

    [Fact]
    public void TheTableCoversEveryOperation() =>
        Assert.Equal(Enum.GetValues<ContainerOperation>().Length * Enum.GetValues<ContainerStatus>().Length, Table().Count);

    [Fact]
    public void TheMessagesAreTheOnesUsersSaw()
    {
        static string M(ContainerStatus s, ContainerOperation op) => new InvalidStateException(s, op, "web").Message;
        Assert.Equal("Container 'web' is already paused.", M(ContainerStatus.Paused, ContainerOperation.Pause));
        Assert.Equal("Container 'web' is paused; resume it first.", M(ContainerStatus.Paused, ContainerOperation.Exec));
        Assert.Equal("Container 'web' is not paused.", M(ContainerStatus.Running, ContainerOperation.Resume));
        Assert.Equal("Container 'web' is not running.", M(ContainerStatus.Exited, ContainerOperation.Kill));
        Assert.Equal("Container 'web' is paused.", M(ContainerStatus.Paused, ContainerOperation.Remove));
        // the advice ("stop it first or use -Force") is a typed remedy the cmdlet layer words, not engine text
        Assert.Equal(Remedy.StopOrForce, new InvalidStateException(ContainerStatus.Paused, ContainerOperation.Remove, "web").Remedy);
        Assert.Equal(Remedy.StopOrForce, new InvalidStateException(ContainerStatus.Running, ContainerOperation.Remove, "web").Remedy);
        Assert.Equal(Remedy.None, new InvalidStateException(ContainerStatus.Removing, ContainerOperation.Remove, "web").Remedy);
        Assert.Equal(Remedy.None, new InvalidStateException(ContainerStatus.Exited, ContainerOperation.Kill, "web").Remedy);
        Assert.Equal(PscErrorCategory.ResourceBusy, new InvalidStateException(ContainerStatus.Running, ContainerOperation.Remove, "web").Category);
        Assert.Equal(PscErrorCategory.InvalidOperation, new InvalidStateException(ContainerStatus.Running, ContainerOperation.Start, "web").Category);
    }
}
