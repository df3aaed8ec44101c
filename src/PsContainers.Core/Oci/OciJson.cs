using System.Text.Encodings.Web;
using System.Text.Json;

namespace PsContainers.Core.Oci;

/// <summary>Small JSON helpers shared by the OCI readers and writers.</summary>
internal static class OciJson
{
    /// <summary>
    /// Writer options for documents the engine creates: compact, and without escaping '+' and other HTML-sensitive
    /// characters, so "application/vnd.oci.image.layer.v1.tar+gzip" is written as such (as docker and containerd write it).
    /// </summary>
    public static readonly JsonWriterOptions Writer = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string member, or null when it is absent or not a string.</summary>
    public static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Parse bytes as one JSON object.</summary>
    /// <exception cref="OciFormatException">NotJson: not JSON, or not an object.</exception>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> bytes, string what)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new OciFormatException(OciFormatError.NotJson, $"{what} is not valid JSON: {e.Message}", e); }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw new OciFormatException(OciFormatError.NotJson, $"{what} is not a JSON object");
        }
        return doc;
    }

    /// <summary>An <c>annotations</c> member (annotations.md: a string-to-string map), or null when absent.</summary>
    /// <exception cref="OciFormatException">Invalid: not an object, or a value that is not a string.</exception>
    public static IReadOnlyDictionary<string, string>? Annotations(JsonElement parent, string path)
    {
        if (!parent.TryGetProperty("annotations", out var a) || a.ValueKind == JsonValueKind.Null) return null;
        if (a.ValueKind != JsonValueKind.Object) throw new OciFormatException(OciFormatError.Invalid, $"{path}.annotations is not an object");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in a.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new OciFormatException(OciFormatError.Invalid, $"{path}.annotations['{p.Name}'] is not a string");
            map[p.Name] = p.Value.GetString()!;
        }
        return map;
    }

    public static void WriteAnnotations(Utf8JsonWriter w, IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null) return;
        w.WriteStartObject("annotations");
        foreach (var kv in annotations) w.WriteString(kv.Key, kv.Value);
        w.WriteEndObject();
    }

    public static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, Writer)) body(w);
        return ms.ToArray();
    }
}
