using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PsContainers.Core.Containers;

namespace PsContainers.Contract;

/// <summary>
/// The schema of a container's state.json (<see cref="ContainerMarkers.StateFile"/>): what the monitor records about
/// the container's process, or the engine while no monitor runs. One writer (<see cref="ToUtf8"/>) and one reader
/// (<see cref="Parse"/>) used by the engine, pscmon and the disk-usage report. AOT-safe (Utf8JsonReader/Writer).
/// <code>
/// {"Status":"running","Pid":1234,"MonitorPid":1230,"RestartCount":0,"OOMKilled":true,
///  "StartedAt":"2026-01-02T03:04:05.1234567Z","FinishedAt":"...","ExitCode":0,"Error":"..."}
/// </code>
/// Status is lower case (docker's State.Status); Pid is the container's init as the host sees it (0 when none);
/// MonitorPid is pscmon's pid; OOMKilled (docker's State.OOMKilled) is true when the kernel's OOM killer killed a
/// process of the container's memory cgroup during the run that ended (reset by the next start; written only when true); times are ISO 8601 UTC; FinishedAt, ExitCode and Error are absent until known.
/// </summary>
public sealed record ContainerStateFile
{
    public ContainerStatus Status { get; init; } = ContainerStatus.Created;
    public int Pid { get; init; }
    public int MonitorPid { get; init; }
    public int RestartCount { get; init; }
    /// <summary>UTC.</summary>
    public DateTime? StartedAt { get; init; }
    /// <summary>UTC.</summary>
    public DateTime? FinishedAt { get; init; }
    public int? ExitCode { get; init; }
    public string? Error { get; init; }
    /// <summary>The OOM killer killed a process of the container during the run that ended (docker's State.OOMKilled).</summary>
    public bool OomKilled { get; init; }

    /// <summary>The record as UTF-8 JSON (one object, no trailing newline).</summary>
    public byte[] ToUtf8()
    {
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("Status", StatusText(Status));
            w.WriteNumber("Pid", Pid);
            w.WriteNumber("MonitorPid", MonitorPid);
            w.WriteNumber("RestartCount", RestartCount);
            if (OomKilled) w.WriteBoolean("OOMKilled", true);
            if (StartedAt is DateTime s) w.WriteString("StartedAt", FormatTime(s));
            if (FinishedAt is DateTime f) w.WriteString("FinishedAt", FormatTime(f));
            if (ExitCode is int x) w.WriteNumber("ExitCode", x);
            if (Error is not null) w.WriteString("Error", Error);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>The record as JSON text.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8());

    /// <summary>"created", "running", ... as written in the file (docker's State.Status).</summary>
    public static string StatusText(ContainerStatus s) => s switch
    {
        ContainerStatus.Created => "created",
        ContainerStatus.Running => "running",
        ContainerStatus.Paused => "paused",
        ContainerStatus.Restarting => "restarting",
        ContainerStatus.Removing => "removing",
        ContainerStatus.Exited => "exited",
        ContainerStatus.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>
    /// Parse a state.json. Property names and the status are matched ignoring case (a hand-written or older record
    /// still reads); an unknown status reads as Created; unknown properties are skipped; a time that does not parse
    /// is absent.
    /// </summary>
    /// <exception cref="JsonException">The text is not a JSON object, or a known property has the wrong type.</exception>
    public static ContainerStateFile Parse(ReadOnlySpan<byte> utf8)
    {
        try { return ParseObject(utf8); }
        catch (InvalidOperationException e) { throw new JsonException("state.json: " + e.Message, e); } // a value of the wrong type
        catch (FormatException e) { throw new JsonException("state.json: " + e.Message, e); } // a number out of range
    }

    private static ContainerStateFile ParseObject(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new JsonException("state.json: not a JSON object");
        var f = new ContainerStateFile();
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            if (r.TokenType != JsonTokenType.PropertyName) throw new JsonException("state.json: malformed object");
            string name = r.GetString()!;
            r.Read();
            if (r.TokenType == JsonTokenType.Null) continue;
            switch (name.ToLowerInvariant())
            {
                case "status": f = f with { Status = ParseStatus(r.GetString()) }; break;
                case "pid": f = f with { Pid = r.GetInt32() }; break;
                case "monitorpid": f = f with { MonitorPid = r.GetInt32() }; break;
                case "restartcount": f = f with { RestartCount = r.GetInt32() }; break;
                case "startedat": f = f with { StartedAt = ParseTime(r.GetString()) }; break;
                case "finishedat": f = f with { FinishedAt = ParseTime(r.GetString()) }; break;
                case "exitcode": f = f with { ExitCode = r.GetInt32() }; break;
                case "error": f = f with { Error = r.GetString() }; break;
                case "oomkilled": f = f with { OomKilled = r.GetBoolean() }; break;
                default: r.Skip(); break;
            }
        }
        return f;
    }

    /// <summary>Parse a state.json given as text (see <see cref="Parse(ReadOnlySpan{byte})"/>).</summary>
    public static ContainerStateFile Parse(string json) => Parse(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>Read DIR/state.json; null when the file does not exist.</summary>
    /// <exception cref="JsonException">The file is not a state record.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ContainerStateFile? ReadFrom(string containerDir)
    {
        try { return Parse(File.ReadAllBytes(Path.Combine(containerDir, ContainerMarkers.StateFile))); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    private static ContainerStatus ParseStatus(string? s) => s?.ToLowerInvariant() switch
    {
        "running" => ContainerStatus.Running,
        "paused" => ContainerStatus.Paused,
        "restarting" => ContainerStatus.Restarting,
        "removing" => ContainerStatus.Removing,
        "exited" => ContainerStatus.Exited,
        "dead" => ContainerStatus.Dead,
        _ => ContainerStatus.Created,
    };

    private static string FormatTime(DateTime t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime? ParseTime(string? s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : null;
}
