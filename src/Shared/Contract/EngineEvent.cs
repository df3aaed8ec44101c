using System.Buffers;
using System.Text.Json;

namespace PsContainers.Contract;

/// <summary>
/// One entry of the engine's event journal (<see cref="EventJournal"/>), in docker's event shape
/// (<c>docker events --format json</c>, API <c>GET /events</c>): what happened (<see cref="Action"/>) to which
/// object (<see cref="Type"/>, <see cref="ActorId"/>, <see cref="Attributes"/>) and when.
/// <code>
/// {"Type":"container","Action":"die","Actor":{"ID":"4f3c…","Attributes":{"name":"web","image":"busybox","exitCode":"0"}},
///  "scope":"local","time":1764480000,"timeNano":1764480000123456789}
/// </code>
/// Actions are docker's words: container create, start, die, oom, kill, stop, restart, pause, unpause, rename, commit,
/// destroy, health_status ("health_status: healthy"), exec_create/exec_start/exec_die; image pull, push, tag,
/// untag, delete, import, load, save; volume create, destroy, mount, unmount; network create, destroy, connect,
/// disconnect. The actor's name, when it has one, is the attribute "name" (docker's convention).
/// </summary>
public sealed record EngineEvent
{
    /// <summary>What the event is about.</summary>
    public EventType Type { get; init; }

    /// <summary>docker's action word, e.g. "start", "die", "health_status: healthy", "exec_start: sh -c ls".</summary>
    public string Action { get; init; } = "";

    /// <summary>The full id of the object (a container or network id, an image id "sha256:…", a volume name).</summary>
    public string ActorId { get; init; } = "";

    /// <summary>Facts about the object at that moment (name, image, exitCode, signal, container...); never null.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>When it happened: nanoseconds since the Unix epoch (docker's timeNano).</summary>
    public long TimeNano { get; init; }

    /// <summary>When it happened, UTC (100 ns resolution).</summary>
    public DateTime Time => DateTime.UnixEpoch.AddTicks(TimeNano / 100);

    /// <summary>The actor's name (the "name" attribute), or null.</summary>
    public string? ActorName => Attributes.TryGetValue("name", out var n) ? n : null;

    /// <summary>The action without its detail: "health_status" for "health_status: healthy" (docker's filter matches this part too).</summary>
    public string ActionWord => Action.IndexOf(':') is int i and > 0 ? Action[..i] : Action;

    /// <summary>Nanoseconds since the Unix epoch for a UTC time.</summary>
    public static long ToNano(DateTime utc) => (utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>A new event stamped with the current time.</summary>
    public static EngineEvent Now(EventType type, string action, string actorId, IReadOnlyDictionary<string, string>? attributes = null) => new()
    {
        Type = type,
        Action = action,
        ActorId = actorId,
        Attributes = attributes ?? new Dictionary<string, string>(),
        TimeNano = ToNano(DateTime.UtcNow),
    };

    /// <summary>"container", "image", "volume", "network" (docker's spelling of <paramref name="t"/>), "pod" (podman's).</summary>
    public static string TypeText(EventType t) => t switch
    {
        EventType.Container => "container",
        EventType.Image => "image",
        EventType.Volume => "volume",
        EventType.Network => "network",
        EventType.Pod => "pod",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>The event as one line of UTF-8 JSON ending in '\n' (the journal's record). AOT-safe.</summary>
    public byte[] ToJsonLine()
    {
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("Type", TypeText(Type));
            w.WriteString("Action", Action);
            w.WriteStartObject("Actor");
            w.WriteString("ID", ActorId);
            w.WriteStartObject("Attributes");
            foreach (var kv in Attributes.OrderBy(k => k.Key, StringComparer.Ordinal)) w.WriteString(kv.Key, kv.Value);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("scope", "local");
            w.WriteNumber("time", TimeNano / 1_000_000_000);
            w.WriteNumber("timeNano", TimeNano);
            w.WriteEndObject();
        }
        buf.Write("\n"u8);
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Parse one journal line (without or with its '\n'). Null for a line that is not an event (a torn or foreign
    /// line is skipped by readers, never fatal): not JSON, no known Type, or no Action.
    /// </summary>
    public static EngineEvent? TryParse(ReadOnlySpan<byte> line)
    {
        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return null;
            EventType? type = null;
            string action = "", id = "";
            long nano = 0;
            var attrs = new Dictionary<string, string>();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                string name = r.GetString()!;
                r.Read();
                switch (name)
                {
                    case "Type": type = ParseType(r.GetString()); break;
                    case "Action": action = r.GetString() ?? ""; break;
                    case "timeNano": nano = r.GetInt64(); break;
                    case "Actor" when r.TokenType == JsonTokenType.StartObject:
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            string an = r.GetString()!;
                            r.Read();
                            if (an == "ID") id = r.GetString() ?? "";
                            else if (an == "Attributes" && r.TokenType == JsonTokenType.StartObject)
                            {
                                while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                                {
                                    string k = r.GetString()!;
                                    r.Read();
                                    if (r.TokenType == JsonTokenType.String) attrs[k] = r.GetString()!;
                                    else r.Skip();
                                }
                            }
                            else r.Skip();
                        }
                        break;
                    default: r.Skip(); break;
                }
            }
            if (type is null || action.Length == 0) return null;
            return new EngineEvent { Type = type.Value, Action = action, ActorId = id, Attributes = attrs, TimeNano = nano };
        }
        catch (JsonException) { return null; }
        catch (InvalidOperationException) { return null; }
        catch (FormatException) { return null; }
    }

    private static EventType? ParseType(string? s) => s switch
    {
        "container" => EventType.Container,
        "image" => EventType.Image,
        "volume" => EventType.Volume,
        "network" => EventType.Network,
        "pod" => EventType.Pod,
        _ => null,
    };
}
