using System.Text;
using System.Text.Json;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Tests.Contract;

public sealed class HealthStateFileTests
{
    private static HealthLogEntry Result(int exit, string output = "") =>
        new() { Start = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), End = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc), ExitCode = exit, Output = output };

    [Fact]
    public void RoundTripsEveryField()
    {
        var h = new ContainerHealth { Status = HealthStatus.Unhealthy, FailingStreak = 4 };
        h.Log.Add(Result(1, "refused \"x\"\n"));
        h.Log.Add(new HealthLogEntry
        {
            Start = new DateTime(2026, 1, 2, 3, 4, 12, DateTimeKind.Utc).AddTicks(1234567), End = new DateTime(2026, 1, 2, 3, 4, 13, DateTimeKind.Utc),
            ExitCode = -1, Output = "Health check exceeded timeout (1s)",
        });
        var back = HealthStateFile.Parse(HealthStateFile.ToUtf8(h));
        Assert.Equal(HealthStatus.Unhealthy, back.Status);
        Assert.Equal(4, back.FailingStreak);
        Assert.Equal(2, back.Log.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(h.Log[i].Start, back.Log[i].Start);
            Assert.Equal(DateTimeKind.Utc, back.Log[i].Start.Kind);
            Assert.Equal(h.Log[i].End, back.Log[i].End);
            Assert.Equal(h.Log[i].ExitCode, back.Log[i].ExitCode);
            Assert.Equal(h.Log[i].Output, back.Log[i].Output);
        }
    }

    [Fact]
    public void NameIsTheEnumNameForEveryStatus()
    {
        // the monitor writes the names without Enum.ToString; every status must still be written as its name
        foreach (var s in Enum.GetValues<HealthStatus>())
        {
            Assert.Equal(s.ToString(), HealthStateFile.Name(s));
            string json = Encoding.UTF8.GetString(HealthStateFile.ToUtf8(new ContainerHealth { Status = s }));
            Assert.Contains($"\"Status\": \"{s}\"", json);
            Assert.Equal(s, HealthStateFile.Parse(Encoding.UTF8.GetBytes(json)).Status);
        }
    }

    [Fact]
    public void WritesTheEnumNamesAndReadsDockersLowerCase()
    {
        string json = Encoding.UTF8.GetString(HealthStateFile.ToUtf8(new ContainerHealth { Status = HealthStatus.Healthy }));
        Assert.Contains("\"Status\": \"Healthy\"", json);
        var docker = HealthStateFile.Parse("""{"Status":"unhealthy","FailingStreak":3,"Log":[{"Start":"2026-01-02T03:04:05.5Z","End":"2026-01-02T03:04:06Z","ExitCode":1,"Output":"no"}],"Extra":{"a":1}}"""u8);
        Assert.Equal(HealthStatus.Unhealthy, docker.Status);
        Assert.Equal(3, docker.FailingStreak);
        Assert.Equal("no", Assert.Single(docker.Log).Output);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc), docker.Log[0].Start);
    }

    [Fact]
    public void SerializesTheStatusAsItsNameInInspectJson()
    {
        // System.Text.Json (the container records, inspect JSON) writes the name, not a number
        Assert.Equal("\"Unhealthy\"", JsonSerializer.Serialize(HealthStatus.Unhealthy));
        Assert.Contains("\"Status\":\"Starting\"", JsonSerializer.Serialize(new ContainerHealth()));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"Status":"healthy","Log":{}}""")]
    [InlineData("""{"FailingStreak":"three"}""")]
    public void RejectsWhatIsNotAHealthRecord(string json) =>
        Assert.Throws<JsonException>(() => HealthStateFile.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void ReadFromIsNullWithoutAFile()
    {
        string dir = Directory.CreateTempSubdirectory("psc-health-").FullName;
        try
        {
            Assert.Null(HealthStateFile.ReadFrom(dir));
            File.WriteAllBytes(Path.Combine(dir, HealthStateFile.FileName), HealthStateFile.ToUtf8(new ContainerHealth { Status = HealthStatus.Healthy }));
            Assert.Equal(HealthStatus.Healthy, HealthStateFile.ReadFrom(dir)!.Status);
        }
        finally { Directory.Delete(dir, true); }
    }
}
