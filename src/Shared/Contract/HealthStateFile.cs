using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PsContainers.Core.Containers;

namespace PsContainers.Contract;

/// <summary>
/// The schema of a container's health.json (next to state.json): what its monitor recorded about the healthcheck.
/// One writer (<see cref="ToUtf8"/>) and one reader (<see cref="Parse"/>) for the engine and pscmon. AOT-safe.
/// <code>
/// {"Status":"Healthy","FailingStreak":0,
///  "Log":[{"Start":"2026-01-02T03:04:05.1234567Z","End":"...","ExitCode":0,"Output":"ok\n"}]}
/// </code>
/// Status is a <see cref="HealthStatus"/> name (docker's lower-case names read too); times are ISO 8601 UTC.
/// </summary>
public static class HealthStateFile
{
    /// <summary>The file's name in the container's directory.</summary>
    public const string FileName = "health.json";

    /// <summary>The record as UTF-8 JSON.</summary>
    public static byte[] ToUtf8(ContainerHealth h)
    {
        var buf = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buf, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("Status", Name(h.Status));
            w.WriteNumber("FailingStreak", h.FailingStreak);
            w.WriteStartArray("Log");
            foreach (var e in h.Log)
            {
                w.WriteStartObject();
                w.WriteString("Start", Time(e.Start));
                w.WriteString("End", Time(e.End));
                w.WriteNumber("ExitCode", e.ExitCode);
                w.WriteString("Output", e.Output);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The status's name as health.json writes it ("Healthy"), without Enum.ToString: in the NativeAOT monitor that
    /// reads the type's reflection metadata, faulting in half a megabyte of code and data for every probe's result.
    /// </summary>
    public static string Name(HealthStatus s) => s switch
    {
        HealthStatus.None => nameof(HealthStatus.None),
        HealthStatus.Starting => nameof(HealthStatus.Starting),
        HealthStatus.Healthy => nameof(HealthStatus.Healthy),
        HealthStatus.Unhealthy => nameof(HealthStatus.Unhealthy),
        _ => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Parse a health.json. Names and the status match ignoring case; unknown properties are skipped; an unknown
    /// status reads as Starting; a time that does not parse reads as DateTime.MinValue.
    /// </summary>
    /// <exception cref="JsonException">Not a JSON object, or a known property of the wrong type.</exception>
    public static ContainerHealth Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var r = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new JsonException("health.json: not a JSON object");
            var h = new ContainerHealth();
            while (r.Read() && r.TokenType != JsonTokenType.EndObject)
            {
                string name = r.GetString()!;
                r.Read();
                if (r.TokenType == JsonTokenType.Null) continue;
                switch (name.ToLowerInvariant())
                {
                    case "status": h.Status = ParseStatus(r.GetString()); break;
                    case "failingstreak": h.FailingStreak = r.GetInt32(); break;
                    case "log":
                        if (r.TokenType != JsonTokenType.StartArray) throw new JsonException("health.json: Log is not an array");
                        while (r.Read() && r.TokenType != JsonTokenType.EndArray) h.Log.Add(ParseEntry(ref r));
                        break;
                    default: r.Skip(); break;
                }
            }
            return h;
        }
        catch (InvalidOperationException e) { throw new JsonException("health.json: " + e.Message, e); }
        catch (FormatException e) { throw new JsonException("health.json: " + e.Message, e); }
    }

    /// <summary>Read DIR/health.json; null when there is none.</summary>
    /// <exception cref="JsonException">The file is not a health record.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ContainerHealth? ReadFrom(string containerDir)
    {
        try { return Parse(File.ReadAllBytes(Path.Combine(containerDir, FileName))); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    private static HealthLogEntry ParseEntry(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw new JsonException("health.json: a Log entry is not an object");
        var e = new HealthLogEntry();
        while (r.Read() && r.TokenType != JsonTokenType.EndObject)
        {
            string name = r.GetString()!;
            r.Read();
            if (r.TokenType == JsonTokenType.Null) continue;
            switch (name.ToLowerInvariant())
            {
                case "start": e.Start = ParseTime(r.GetString()); break;
                case "end": e.End = ParseTime(r.GetString()); break;
                case "exitcode": e.ExitCode = r.GetInt32(); break;
                case "output": e.Output = r.GetString() ?? ""; break;
                default: r.Skip(); break;
            }
        }
        return e;
    }

    private static HealthStatus ParseStatus(string? s) => s?.ToLowerInvariant() switch
    {
        "healthy" => HealthStatus.Healthy,
        "unhealthy" => HealthStatus.Unhealthy,
        "none" => HealthStatus.None,
        _ => HealthStatus.Starting,
    };

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string? s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t.ToUniversalTime() : DateTime.MinValue;
}
