using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

/// <summary>ContainerWaiter's timeout: WaitTimedOut (OperationTimeout) worded by what the container did not do in time.</summary>
public sealed class ContainerWaiterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "psc-wait-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ContainerStore _store;

    public ContainerWaiterTests()
    {
        _store = new ContainerStore(new PscPaths(_root));
    }

    public void Dispose() { try { Directory.Delete(_root, true); } catch { } }

    private Container Publish(string name, ContainerStatus status)
    {
        var c = new Container
        {
            Id = ContainerStore.NewId(),
            Name = name,
            Image = "busybox",
            ImageId = "sha256:" + new string('a', 64),
            Created = DateTime.UtcNow,
            Config = new ContainerConfig { Cmd = ["sh"] },
            State = new ContainerState { Status = status },
        };
        using (_store.LockStore()) _store.Publish(c);
        return c;
    }

    [Theory]
    [InlineData(WaitCondition.Exited, ContainerStatus.Created, "Container 'ticker' did not exit within 50 ms (it is created).")]
    [InlineData(WaitCondition.Running, ContainerStatus.Created, "Container 'ticker' did not start within 50 ms (it is created).")]
    [InlineData(WaitCondition.Removed, ContainerStatus.Created, "Container 'ticker' was not removed within 50 ms (it is created).")]
    public void ATimeoutSaysWhatTheContainerDidNotDoInTime(WaitCondition condition, ContainerStatus status, string message)
    {
        var c = Publish("ticker", status);
        var ex = Assert.Throws<PscException>(() => ContainerWaiter.Wait(_store, c, condition, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Equal(ErrorIds.WaitTimedOut, ex.ErrorId);
        Assert.Equal(PscErrorCategory.OperationTimeout, ex.Category);
        Assert.Equal(message, ex.Message);
        Assert.Equal("ticker", ex.Target);
    }

    [Fact]
    public void AWholeSecondTimeoutIsWrittenInSeconds()
    {
        // a created container is waited for (a stored "running" one without its process reads as exited: no fixture)
        var c = Publish("ticker", ContainerStatus.Created);
        var ex = Assert.Throws<PscException>(() => ContainerWaiter.Wait(_store, c, WaitCondition.Exited, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal("Container 'ticker' did not exit within 1 s (it is created).", ex.Message);
    }
}
