using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class SignalsTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("term", 15)]
    [InlineData(" sigterm ", 15)]
    [InlineData("15", 15)]
    [InlineData("1", 1)]
    [InlineData("HUP", 1)]
    [InlineData("KILL", 9)]
    [InlineData("usr1", 10)]
    [InlineData("SIGUSR2", 12)]
    [InlineData("STOP", 19)]
    [InlineData("WINCH", 28)]
    [InlineData("SIGSYS", 31)]
    [InlineData("RTMIN", 34)]
    [InlineData("SIGRTMIN+1", 35)]
    [InlineData("rtmin+30", 64)]
    [InlineData("RTMAX", 64)]
    [InlineData("RTMAX-2", 62)]
    [InlineData("64", 64)]
    public void ParsesNamesAndNumbers(string text, int expected)
    {
        Assert.True(Signals.TryParse(text, out int n));
        Assert.Equal(expected, n);
        Assert.Equal(expected, ContainerManager.ParseSignal(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("-9")]
    [InlineData("+9")]
    [InlineData("SIG")]
    [InlineData("SIGNOPE")]
    [InlineData("SIGSIGTERM")]
    [InlineData("RTMIN+31")]
    [InlineData("RTMIN-1")]
    [InlineData("RTMAX+1")]
    [InlineData("RTMIN+x")]
    [InlineData("9.0")]
    public void RejectsTheRest(string? text)
    {
        Assert.False(Signals.TryParse(text, out int n));
        Assert.Equal(0, n);
    }

    [Fact]
    public void TheEngineReportsInvalidSignalAndDefaultsToTerm()
    {
        Assert.Equal("InvalidSignal", Assert.Throws<InvalidArgumentException>(() => ContainerManager.ParseSignal("SIGNOPE")).ErrorId);
        Assert.Equal(15, ContainerManager.ParseSignal(null));
    }

    [Theory]
    [InlineData(1, "SIGHUP")]
    [InlineData(9, "SIGKILL")]
    [InlineData(15, "SIGTERM")]
    [InlineData(31, "SIGSYS")]
    [InlineData(34, "SIGRTMIN")]
    [InlineData(36, "SIGRTMIN+2")]
    [InlineData(64, "SIGRTMIN+30")]
    [InlineData(0, null)]
    [InlineData(32, null)]
    [InlineData(65, null)]
    public void NamesRoundTrip(int n, string? name)
    {
        Assert.Equal(name, Signals.NameOf(n));
        if (name is not null)
        {
            Assert.True(Signals.TryParse(name, out int back));
            Assert.Equal(n, back);
        }
    }
}
