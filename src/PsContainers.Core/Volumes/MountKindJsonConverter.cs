using System.Text.Json;
using System.Text.Json.Serialization;
using PsContainers.Core.Containers;

namespace PsContainers.Core.Volumes;

/// <summary>
/// Writes a <see cref="MountKind"/> as the OCI runtime spec's mount type ("bind", "volume", "tmpfs": config.md
/// "Mounts", type) and reads those names back, case-insensitively. mounts.json (src/Shared/Contract/VolumeLayout.cs)
/// keeps the lower-case strings it always had.
/// </summary>
public sealed class MountKindJsonConverter : JsonConverter<MountKind>
{
    /// <summary>The lower-case name of a kind: bind, volume or tmpfs.</summary>
    public static string Name(MountKind kind) => kind switch
    {
        MountKind.Bind => "bind",
        MountKind.Volume => "volume",
        MountKind.Tmpfs => "tmpfs",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a mount kind"),
    };

    /// <exception cref="JsonException">A value other than the strings bind, volume or tmpfs.</exception>
    public override MountKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"A mount type is a string, not {reader.TokenType}.");
        string? s = reader.GetString();
        if (string.Equals(s, "bind", StringComparison.OrdinalIgnoreCase)) return MountKind.Bind;
        if (string.Equals(s, "volume", StringComparison.OrdinalIgnoreCase)) return MountKind.Volume;
        if (string.Equals(s, "tmpfs", StringComparison.OrdinalIgnoreCase)) return MountKind.Tmpfs;
        throw new JsonException($"'{s}' is not a mount type (bind, volume or tmpfs).");
    }

    public override void Write(Utf8JsonWriter writer, MountKind value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
}
