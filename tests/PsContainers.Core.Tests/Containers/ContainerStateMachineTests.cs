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
        Row(ContainerOperation.Start, (C, null), (R, RUN), (P, RUN), (T, RUN), (E, null), (D, null), (X, RM));
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
