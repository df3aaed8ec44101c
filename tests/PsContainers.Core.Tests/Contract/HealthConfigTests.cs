using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class HealthConfigTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void AppliesDockersDefaultsToZeroFields()
    {
        var h = new HealthConfig { Test = ["CMD", "true"] };
        Assert.Equal(TimeSpan.FromSeconds(30), h.EffectiveInterval());
        Assert.Equal(TimeSpan.FromSeconds(30), h.EffectiveTimeout());
        Assert.Equal(TimeSpan.Zero, h.EffectiveStartPeriod());
        Assert.Equal(TimeSpan.FromSeconds(5), h.EffectiveStartInterval());
        Assert.Equal(3, h.EffectiveRetries());
        var set = new HealthConfig { Test = ["CMD", "true"], Interval = 2 * Second, Timeout = Second / 2, StartPeriod = 60 * Second, StartInterval = Second, Retries = 7 };
        Assert.Equal(TimeSpan.FromSeconds(2), set.EffectiveInterval());
        Assert.Equal(TimeSpan.FromMilliseconds(500), set.EffectiveTimeout());
        Assert.Equal(TimeSpan.FromMinutes(1), set.EffectiveStartPeriod());
        Assert.Equal(TimeSpan.FromSeconds(1), set.EffectiveStartInterval());
        Assert.Equal(7, set.EffectiveRetries());
    }

    [Fact]
    public void ProbeCommandIsCmdsArgumentsOrTheShellWithTheScript()
    {
        Assert.Equal(["/bin/check", "--quick"], new HealthConfig { Test = ["CMD", "/bin/check", "--quick"] }.ProbeCommand());
        Assert.Equal(["/bin/sh", "-c", "wget -q localhost || exit 1"], new HealthConfig { Test = ["CMD-SHELL", "wget -q localhost || exit 1"] }.ProbeCommand());
        Assert.Equal(["/bin/bash", "-o", "pipefail", "-c", "x | y"], new HealthConfig { Test = ["CMD-SHELL", "x | y"] }.ProbeCommand(["/bin/bash", "-o", "pipefail", "-c"]));
        Assert.Null(new HealthConfig { Test = ["NONE"] }.ProbeCommand());
        Assert.Null(new HealthConfig().ProbeCommand());
        Assert.False(new HealthConfig { Test = ["NONE"] }.IsActive());
        Assert.False(new HealthConfig { Test = ["CMD"] }.IsActive());
    }

    [Fact]
    public void MergeTakesTheImagesValueForEveryUnsetField()
    {
        var image = new HealthConfig { Test = ["CMD-SHELL", "image-check"], Interval = 10 * Second, Timeout = 3 * Second, StartPeriod = 5 * Second, StartInterval = Second, Retries = 4 };
        Assert.Null(HealthConfig.Merge(null, null));
        var inherited = HealthConfig.Merge(null, image)!;
        Assert.Equal(image.Test, inherited.Test);
        Assert.NotSame(image, inherited);
        Assert.NotSame(image.Test, inherited.Test);

        var m = HealthConfig.Merge(new HealthConfig { Interval = 2 * Second, Retries = 9 }, image)!;
        Assert.Equal(["CMD-SHELL", "image-check"], m.Test);
        Assert.Equal(2 * Second, m.Interval);
        Assert.Equal(3 * Second, m.Timeout);
        Assert.Equal(5 * Second, m.StartPeriod);
        Assert.Equal(Second, m.StartInterval);
        Assert.Equal(9, m.Retries);

        var none = HealthConfig.Merge(new HealthConfig { Test = ["NONE"] }, image)!;
        Assert.Equal(["NONE"], none.Test);
        Assert.False(none.IsActive());

        var own = HealthConfig.Merge(new HealthConfig { Test = ["CMD", "mine"] }, null)!;
        Assert.Equal(["CMD", "mine"], own.Test);
        Assert.Equal(0, own.Interval);
    }

    [Theory]
    [InlineData(-1L, 0, "cannot be negative")]
    [InlineData(999_999L, 0, "at least 1ms")]
    [InlineData(0L, -1, "retries cannot be negative")]
    public void ValidateFollowsDockersChecks(long interval, int retries, string message)
    {
        var h = new HealthConfig { Test = ["CMD", "x"], Interval = interval, Retries = retries };
        Assert.Contains(message, h.Validate());
    }

    [Fact]
    public void ValidateAcceptsGoodSettingsAndRejectsABadTest()
    {
        Assert.Null(new HealthConfig { Test = ["CMD-SHELL", "true"], Interval = 1_000_000, Retries = 1 }.Validate());
        Assert.Null(new HealthConfig().Validate());
        Assert.Contains("NONE, CMD or CMD-SHELL", new HealthConfig { Test = ["SHELL", "x"] }.Validate());
        Assert.Contains("needs a command", new HealthConfig { Test = ["CMD-SHELL"] }.Validate());
    }

    [Fact]
    public void MonitorArgumentsRoundTripWithTheDefaultsApplied()
    {
        var h = new HealthConfig { Test = ["CMD-SHELL", "echo a; exit 1"], Interval = Second / 5, Retries = 2 };
        var args = h.ToMonitorArguments();
        HealthConfig? back = null;
        for (int i = 0; i < args.Count; i += 2)
        {
            int v = i + 1;
            Assert.True(HealthConfig.TryApplyMonitorArgument(ref back, args[i], () => args[v]));
        }
        Assert.NotNull(back);
        Assert.Equal(h.Test, back!.Test);
        Assert.Equal(Second / 5, back.Interval);
        Assert.Equal(30 * Second, back.Timeout);
        Assert.Equal(0, back.StartPeriod);
        Assert.Equal(5 * Second, back.StartInterval);
        Assert.Equal(2, back.Retries);
        HealthConfig? untouched = null;
        Assert.False(HealthConfig.TryApplyMonitorArgument(ref untouched, "--restart", () => "no"));
        Assert.Null(untouched);
    }

    private static HealthLogEntry Run(int exit) => new() { ExitCode = exit, Output = exit.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public void FailuresInTheStartPeriodDoNotCountButASuccessEndsIt()
    {
        var h = new ContainerHealth();
        h.Record(Run(1), inStartPeriod: true, retries: 1);
        h.Record(Run(1), inStartPeriod: true, retries: 1);
        Assert.Equal(HealthStatus.Starting, h.Status);
        Assert.Equal(0, h.FailingStreak);
        h.Record(Run(0), inStartPeriod: true, retries: 1);
        Assert.Equal(HealthStatus.Healthy, h.Status);
        // once healthy, a failure counts even inside the start period (docker counts unless still "starting")
        h.Record(Run(1), inStartPeriod: true, retries: 1);
        Assert.Equal(HealthStatus.Unhealthy, h.Status);
        Assert.Equal(1, h.FailingStreak);
    }

    [Fact]
    public void RetriesConsecutiveFailuresMakeItUnhealthyAndASuccessResetsTheStreak()
    {
        var h = new ContainerHealth();
        h.Record(Run(1), false, 3);
        h.Record(Run(2), false, 3);
        Assert.Equal(HealthStatus.Starting, h.Status);
        Assert.Equal(2, h.FailingStreak);
        h.Record(Run(0), false, 3);
        Assert.Equal(HealthStatus.Healthy, h.Status);
        Assert.Equal(0, h.FailingStreak);
        h.Record(Run(1), false, 3);
        h.Record(Run(1), false, 3);
        Assert.Equal(HealthStatus.Healthy, h.Status);
        h.Record(Run(-1), false, 3);
        Assert.Equal(HealthStatus.Unhealthy, h.Status);
        Assert.Equal(3, h.FailingStreak);
        // the log keeps the last five, oldest first
        Assert.Equal(["2", "0", "1", "1", "-1"], h.Log.Select(e => e.Output));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("30s", 30_000L)]
    [InlineData("1m30s", 90_000L)]
    [InlineData("500ms", 500L)]
    [InlineData("1.5s", 1_500L)]
    [InlineData("2h45m", 9_900_000L)]
    [InlineData("-1s", -1_000L)]
    public void GoDurationParsesDockersFlags(string text, long ms)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("1m30")]
    public void GoDurationRejectsWhatGoRejects(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30_000L, "30s")]
    [InlineData(90_000L, "1m30s")]
    [InlineData(300L, "300ms")]
    [InlineData(1_500L, "1.5s")]
    [InlineData(7_200_000L, "2h0m0s")]
    public void GoDurationFormatsAsGo(long ms, string text) => Assert.Equal(text, GoDuration.Format(TimeSpan.FromMilliseconds(ms)));
}
