// Writes the spec model's process as config.json's "process" member with Utf8JsonWriter, the mirror of
// RuntimeSpecReader: no serializer metadata to build, which in a NativeAOT process costs more than an exec itself
// (pscrun exec builds the container side's payload with it for every exec, so for every healthcheck probe).
// Linked into pscrun: keep it dependency-free.
using System.Text;
using System.Text.Json;

namespace PsContainers.Core.Runtime.Spec;

public static class RuntimeSpecWriter
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// <paramref name="configJson"/> (a config.json, runtime-spec config.md) with its "process" member replaced by
    /// <paramref name="process"/>: every other member is copied as it is, in its order, and "process" comes last. The
    /// result is compact JSON text that <see cref="RuntimeSpecReader.Parse"/> reads back into the same model.
    /// </summary>
    /// <exception cref="JsonException"><paramref name="configJson"/> is not a JSON object.</exception>
    public static string WithProcess(string configJson, SpecProcess process)
    {
        using var doc = JsonDocument.Parse(configJson, ReadOptions);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("config.json is not a JSON object");
        var buf = new MemoryStream(configJson.Length + 1024);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Name != "process") p.WriteTo(w);
            w.WritePropertyName("process");
            WriteProcess(w, process);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buf.GetBuffer(), 0, (int)buf.Length);
    }

    /// <summary>
    /// One process object (config.md "process") with runtime-spec's member names: value members always, absent
    /// (null) optional members left out, as the engine's serializer writes them; <see cref="SpecProcess.Extra"/>
    /// members (ones this model does not know) are written back as they came.
    /// </summary>
    public static void WriteProcess(Utf8JsonWriter w, SpecProcess p)
    {
        w.WriteStartObject();
        w.WriteBoolean("terminal", p.Terminal);
        if (p.ConsoleSize is { } cs)
        {
            w.WriteStartObject("consoleSize");
            w.WriteNumber("height", cs.Height);
            w.WriteNumber("width", cs.Width);
            w.WriteEndObject();
        }
        w.WriteStartObject("user");
        w.WriteNumber("uid", p.User.Uid);
        w.WriteNumber("gid", p.User.Gid);
        if (p.User.Umask is uint umask) w.WriteNumber("umask", umask);
        if (p.User.AdditionalGids is { } gids)
        {
            w.WriteStartArray("additionalGids");
            foreach (var g in gids) w.WriteNumberValue(g);
            w.WriteEndArray();
        }
        if (p.User.Username is { } name) w.WriteString("username", name);
        w.WriteEndObject();
        Strings(w, "args", p.Args);
        if (p.CommandLine is { } cl) w.WriteString("commandLine", cl);
        Strings(w, "env", p.Env);
        w.WriteString("cwd", p.Cwd);
        if (p.Capabilities is { } c)
        {
            w.WriteStartObject("capabilities");
            Strings(w, "bounding", c.Bounding);
            Strings(w, "effective", c.Effective);
            Strings(w, "inheritable", c.Inheritable);
            Strings(w, "permitted", c.Permitted);
            Strings(w, "ambient", c.Ambient);
            w.WriteEndObject();
        }
        if (p.Rlimits is { } rl)
        {
            w.WriteStartArray("rlimits");
            foreach (var r in rl)
            {
                w.WriteStartObject();
                w.WriteString("type", r.Type);
                w.WriteNumber("hard", r.Hard);
                w.WriteNumber("soft", r.Soft);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteBoolean("noNewPrivileges", p.NoNewPrivileges);
        if (p.ApparmorProfile is { } aa) w.WriteString("apparmorProfile", aa);
        if (p.OomScoreAdj is int oom) w.WriteNumber("oomScoreAdj", oom);
        if (p.SelinuxLabel is { } se) w.WriteString("selinuxLabel", se);
        if (p.IoPriority is { } io)
        {
            w.WriteStartObject("ioPriority");
            w.WriteString("class", io.Class);
            w.WriteNumber("priority", io.Priority);
            w.WriteEndObject();
        }
        if (p.Scheduler is { } s)
        {
            w.WriteStartObject("scheduler");
            w.WriteString("policy", s.Policy);
            w.WriteNumber("nice", s.Nice);
            w.WriteNumber("priority", s.Priority);
            Strings(w, "flags", s.Flags);
            w.WriteNumber("runtime", s.Runtime);
            w.WriteNumber("deadline", s.Deadline);
            w.WriteNumber("period", s.Period);
            w.WriteEndObject();
        }
        foreach (var (k, v) in p.Extra ?? new Dictionary<string, JsonElement>())
        {
            w.WritePropertyName(k);
            v.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string>? values)
    {
        if (values is null) return;
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
