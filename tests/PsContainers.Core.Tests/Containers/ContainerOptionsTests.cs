using PsContainers.Core;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Containers;

public sealed class ContainerOptionsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "psc-opt-" + Guid.NewGuid().ToString("N")[..10]);
    public ContainerOptionsTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }

    [Theory]
    [InlineData(null, "no", 0)]
    [InlineData("no", "no", 0)]
    [InlineData("always", "always", 0)]
    [InlineData("unless-stopped", "unless-stopped", 0)]
    [InlineData("on-failure", "on-failure", 0)]
    [InlineData("on-failure:5", "on-failure", 5)]
    public void ParsesRestartPolicies(string? text, string policy, int max)
    {
        var p = ContainerManager.ParseRestart(text);
        Assert.Equal((policy, max), (p.NameText, p.MaximumRetryCount));
    }

    [Theory]
    [InlineData("sometimes")]
    [InlineData("always:3")]
    [InlineData("on-failure:x")]
    [InlineData("on-failure:-1")]
    [InlineData("on-failure:1:2")]
    [InlineData("Always")]
    public void RejectsBadRestartPolicies(string text) =>
        Assert.Equal("InvalidRestartPolicy", Assert.Throws<InvalidArgumentException>(() => ContainerManager.ParseRestart(text)).ErrorId);

    [Theory]
    [InlineData("KILL", 9)]
    [InlineData("SIGTERM", 15)]
    [InlineData("usr1", 10)]
    [InlineData("2", 2)]
    [InlineData("SIGWINCH", 28)]
    public void ParsesSignals(string s, int n) => Assert.Equal(n, ContainerManager.ParseSignal(s));

    [Theory]
    [InlineData("SIGNOPE")]
    [InlineData("0")]
    [InlineData("99")]
    public void RejectsBadSignals(string s) => Assert.Throws<InvalidArgumentException>(() => ContainerManager.ParseSignal(s));

    [Fact]
    public void ReadsEnvironmentFiles()
    {
        string f = Path.Combine(_dir, "env");
        Environment.SetEnvironmentVariable("PSC_TEST_FROM_HOST", "hostvalue");
        File.WriteAllText(f, "# comment\nA=1\n\n  B=two words\nPSC_TEST_FROM_HOST\nPSC_TEST_UNSET_VAR\nC=\n");
        Assert.Equal(["A=1", "B=two words", "PSC_TEST_FROM_HOST=hostvalue", "C="], ContainerManager.ReadEnvironmentFile(f));
        File.WriteAllText(f, "=nothing\n");
        Assert.Throws<InvalidArgumentException>(() => ContainerManager.ReadEnvironmentFile(f));
    }

    [Theory]
    [InlineData(0.5, "Less than a second")]
    [InlineData(1.5, "1 second")]
    [InlineData(42, "42 seconds")]
    [InlineData(90, "About a minute")]
    [InlineData(5 * 60 + 3, "5 minutes")]
    [InlineData(3600, "About an hour")]
    [InlineData(5 * 3600, "5 hours")]
    [InlineData(3 * 86400, "3 days")]
    public void FormatsDurationsLikeDocker(double seconds, string text) =>
        Assert.Equal(text, Container.HumanDuration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void FormatsTheStatusColumnLikeDockerPs()
    {
        var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal("Up 5 minutes", Container.FormatStatus(new ContainerState { Status = ContainerStatus.Running, StartedAt = now.AddMinutes(-5) }, now));
        Assert.Equal("Up 5 minutes (Paused)", Container.FormatStatus(new ContainerState { Status = ContainerStatus.Paused, StartedAt = now.AddMinutes(-5) }, now));
        Assert.Equal("Exited (0) 2 minutes ago", Container.FormatStatus(new ContainerState { Status = ContainerStatus.Exited, ExitCode = 0, FinishedAt = now.AddMinutes(-2) }, now));
        Assert.Equal("Exited (137) 3 hours ago", Container.FormatStatus(new ContainerState { Status = ContainerStatus.Exited, ExitCode = 137, FinishedAt = now.AddHours(-3) }, now));
        Assert.Equal("Created", Container.FormatStatus(new ContainerState { Status = ContainerStatus.Created }, now));
    }
}
