using PsContainers.Contract;
using PsContainers.Core.Containers;
using PsContainers.Core.Containers.Inspect;
using PsContainers.Core.Tests.Fakes;

namespace PsContainers.Core.Tests.Containers;

/// <summary>
/// docker stats' NET I/O: the bytes of every interface of the container's namespace but its loopback, read from
/// /proc/&lt;pid&gt;/net/dev of its init (fake processes of <see cref="RecordingSyscalls"/>; the real file of this
/// process for the format).
/// </summary>
public sealed class NetworkCountersTests
{
    // pids far above any pid_max default: never a real process
    private const int Pid = 2_000_000_011;

    private const string NetDev =
        "Inter-|   Receive                                                |  Transmit\n" +
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
        "    lo:  987654      12    0    0    0     0          0         0   987654      12    0    0    0     0       0          0\n" +
        "  eth0:    1234      10    0    0    0     0          0         0      648       8    0    0    0     0       0          0\n" +
        "  eth1:4294967296     3    0    0    0     0          0         0   100000       2    0    0    0     0       0          0\n";

    private static Container Running(NetworkMode mode) => new()
    {
        Id = ContainerStore.NewId(), Name = "net-counters",
        State = new ContainerState { Status = ContainerStatus.Running, Pid = Pid },
        HostConfig = new HostConfig { NetworkModeKind = mode },
    };

    [Fact]
    public void SumsEveryInterfaceButLoopback()
    {
        Assert.Equal((1234L + 4294967296L, 648L + 100000L), NetworkCounters.Parse(NetDev));
    }

    [Fact]
    public void NothingReadableIsZeroAndMalformedLinesAreSkipped()
    {
        Assert.Equal((0L, 0L), NetworkCounters.Parse(null));
        Assert.Equal((0L, 0L), NetworkCounters.Parse(""));
        // only loopback (-Network none), a short line, a negative and a non-number
        Assert.Equal((0L, 0L), NetworkCounters.Parse(
            "    lo: 5 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n  eth0: 1 2 3\n  eth1: -5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n  eth2: x 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n"));
    }

    [Fact]
    public void ReadsTheNamespaceOfTheContainersInitExceptWithTheHostsNetwork()
    {
        var sys = new RecordingSyscalls();
        sys.SetProcFile(Pid, "net/dev", NetDev);
        Assert.Equal((1234L + 4294967296L, 100648L), NetworkCounters.Read(sys, Running(NetworkMode.Bridge)));
        Assert.Contains($"{Pid}/net/dev", sys.ProcReads);
        // a pod member or -Network container:x counts the namespace it shares
        Assert.Equal((1234L + 4294967296L, 100648L), NetworkCounters.Read(sys, Running(NetworkMode.Container)));

        // the host's interfaces are not the container's: nothing is read
        var host = new RecordingSyscalls();
        host.SetProcFile(Pid, "net/dev", NetDev);
        Assert.Equal((0L, 0L), NetworkCounters.Read(host, Running(NetworkMode.Host)));
        Assert.DoesNotContain($"{Pid}/net/dev", host.ProcReads);

        // its init exited meanwhile: the file reads as null
        var gone = new RecordingSyscalls();
        gone.SetProcFile(Pid, "stat", $"{Pid} (sh) Z 1");
        Assert.Equal((0L, 0L), NetworkCounters.Read(gone, Running(NetworkMode.Bridge)));
    }

    [Fact]
    public void ParsesThisProcessesRealNetDev()
    {
        // the kernel's own format: this process' namespace has at least its loopback, which is left out
        var text = File.ReadAllText("/proc/self/net/dev");
        Assert.Contains("lo:", text);
        var loOnly = string.Join('\n', text.Split('\n').Where(l => !l.Contains(':') || l.Split(':')[0].Trim() == "lo"));
        Assert.Equal((0L, 0L), NetworkCounters.Parse(loOnly));
    }
}
