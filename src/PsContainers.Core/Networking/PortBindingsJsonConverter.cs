using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Core.Networking;

/// <summary>
/// container.json's HostConfig.PortBindings (and a pod record's) in docker's inspect shape: container port and protocol to a list of host
/// bindings, <c>{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}</c>. HostPort is "" for a random port and
/// "8000-8010" for any free port of a range. Reads the older list of -Publish strings too (["8080:80/tcp"]).
/// </summary>
public sealed class PortBindingsJsonConverter : JsonConverter<List<PortMapping>>
{
    public override List<PortMapping> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var list = new List<PortMapping>();
        if (reader.TokenType == JsonTokenType.Null) return list;
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            // an older record: the -Publish strings as typed
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                list.AddRange(PortParser.Parse(reader.GetString() ?? throw new JsonException("PortBindings: a null entry.")));
            return list;
        }
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("PortBindings must be an object.");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            int slash = key.IndexOf('/');
            if (!int.TryParse(slash < 0 ? key : key[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out int containerPort))
                throw new JsonException($"PortBindings: '{key}' is not port/protocol.");
            string proto = slash < 0 ? "tcp" : key[(slash + 1)..];
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException($"PortBindings[{key}] must be a list.");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var b = JsonSerializer.Deserialize<Binding>(ref reader, options) ?? new Binding();
                var m = new PortMapping { HostIP = b.HostIp ?? "", ContainerPort = containerPort, Protocol = proto };
                string hp = b.HostPort ?? "";
                int dash = hp.IndexOf('-');
                int hostPort = 0;
                if (hp.Length > 0 && !int.TryParse(dash < 0 ? hp : hp[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out hostPort))
                    throw new JsonException($"PortBindings[{key}]: '{hp}' is not a host port.");
                m.HostPort = hostPort;
                if (dash >= 0 && !int.TryParse(hp[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out m.RangeEnd))
                    throw new JsonException($"PortBindings[{key}]: '{hp}' is not a host port range.");
                list.Add(m);
            }
        }
        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<PortMapping> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, bindings) in PortMapping.ToBindings(value, PortMapping.Asked))
        {
            writer.WriteStartArray(key);
            foreach (var b in bindings)
            {
                writer.WriteStartObject();
                writer.WriteString("HostIp", b.HostIp);
                writer.WriteString("HostPort", b.HostPort);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private sealed class Binding
    {
        public string? HostIp { get; set; }
        public string? HostPort { get; set; }
    }
}
