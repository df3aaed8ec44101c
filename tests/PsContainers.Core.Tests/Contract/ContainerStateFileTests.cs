using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class ContainerStateFileTests
{
    [Fact]
    public void RoundTripsEveryField()
    {
        var f = new ContainerStateFile
        {
            Status = ContainerStatus.Exited, Pid = 0, MonitorPid = 77, RestartCount = 3,
            StartedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
            FinishedAt = new DateTime(2026, 1, 2, 3, 5, 0, DateTimeKind.Utc), ExitCode = 137, Error = "killed \"hard\"",
            OomKilled = true,
        };
        Assert.Equal(f, ContainerStateFile.Parse(f.ToUtf8()));
        Assert.Equal(f, ContainerStateFile.Parse(f.ToJson()));
    }

    [Theory]
    [InlineData(ContainerStatus.Created, "created")]
    [InlineData(ContainerStatus.Running, "running")]
    [InlineData(ContainerStatus.Paused, "paused")]
    [InlineData(ContainerStatus.Restarting, "restarting")]
    [InlineData(ContainerStatus.Removing, "removing")]
    [InlineData(ContainerStatus.Exited, "exited")]
    [InlineData(ContainerStatus.Dead, "dead")]
    public void WritesDockersLowerCaseStatus(ContainerStatus s, string text)
    {
        using var doc = JsonDocument.Parse(new ContainerStateFile { Status = s }.ToUtf8());
        Assert.Equal(text, doc.RootElement.GetProperty("Status").GetString());
        Assert.Equal(s, ContainerStateFile.Parse(new ContainerStateFile { Status = s }.ToUtf8()).Status);
    }

    [Fact]
    public void LeavesUnknownValuesOut()
    {
        using var doc = JsonDocument.Parse(new ContainerStateFile { Status = ContainerStatus.Running, Pid = 5 }.ToUtf8());
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["Status", "Pid", "MonitorPid", "RestartCount"], names);
    }

    [Fact]
    public void ReadsTheMonitorsOlderCompactRecord()
    {
        // what pscmon wrote before the shared writer (Utf8JsonWriter, compact, "O" times)
        var f = ContainerStateFile.Parse("""{"Status":"running","Pid":4242,"MonitorPid":4240,"RestartCount":1,"StartedAt":"2026-03-04T05:06:07.0000001Z"}""");
        Assert.Equal(ContainerStatus.Running, f.Status);
        Assert.Equal((4242, 4240, 1), (f.Pid, f.MonitorPid, f.RestartCount));
        Assert.Equal(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1), f.StartedAt);
        Assert.Equal(DateTimeKind.Utc, f.StartedAt!.Value.Kind);
        Assert.Null(f.ExitCode);
        Assert.Null(f.FinishedAt);
    }

    [Fact]
    public void ReadsAHandWrittenRecordIgnoringCaseAndUnknownProperties()
    {
        // ConvertTo-Json of @{ Status = 'Running'; Pid = $PID } (tests/Pester/Storage.Tests.ps1), plus extras
        var f = ContainerStateFile.Parse("""{ "pid": 9, "STATUS": "Running", "Extra": { "a": [1, 2] }, "Error": null }""");
        Assert.Equal((ContainerStatus.Running, 9), (f.Status, f.Pid));
        Assert.Null(f.Error);
        Assert.Equal(ContainerStatus.Created, ContainerStateFile.Parse("""{"Status":"something-new"}""").Status);
        Assert.Null(ContainerStateFile.Parse("""{"StartedAt":"not a time"}""").StartedAt);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"running\"")]
    [InlineData("{\"Pid\":\"twelve\"}")]
    [InlineData("{\"Status\":")]
    public void RejectsWhatIsNotAStateRecord(string json) =>
        Assert.ThrowsAny<JsonException>(() => ContainerStateFile.Parse(json));

    [Fact]
    public void ReadFromIsNullWithoutAFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "psc-sf-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Null(ContainerStateFile.ReadFrom(dir));
            Assert.Null(ContainerStateFile.ReadFrom(Path.Combine(dir, "missing")));
            File.WriteAllBytes(Path.Combine(dir, ContainerMarkers.StateFile), new ContainerStateFile { Status = ContainerStatus.Paused, Pid = 3 }.ToUtf8());
            Assert.Equal((ContainerStatus.Paused, 3), (ContainerStateFile.ReadFrom(dir)!.Status, ContainerStateFile.ReadFrom(dir)!.Pid));
        }
        finally { Directory.Delete(dir, true); }
    }
}
