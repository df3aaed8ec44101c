using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PsContainers.Contract;

/// <summary>
/// A container's restart policy, as docker inspect shows it: HostConfig.RestartPolicy =
/// {"Name":"on-failure","MaximumRetryCount":3}. <see cref="MaximumRetryCount"/> only means something for on-failure
/// (0 = no limit). Parsed from docker's --restart syntax by <see cref="TryParse"/>; the monitor asks
/// <see cref="ShouldRestart"/> after every exit.
/// </summary>
[JsonConverter(typeof(RestartPolicyJsonConverter))]
public readonly record struct RestartPolicy(RestartPolicyName Name, int MaximumRetryCount = 0)
{
    /// <summary>"no": never restart (the default).</summary>
    public static RestartPolicy No => new(RestartPolicyName.No);

    // Internal, not public: a public property would show in Get-Container's inspect data (ConvertTo-Json writes every
    // public property), which has docker's {"Name", "MaximumRetryCount"} only.

    /// <summary>Any policy other than "no".</summary>
    internal bool Restarts => Name != RestartPolicyName.No;

    /// <summary>docker's spelling of the name: "no", "always", "unless-stopped", "on-failure" (<see cref="Text"/>).</summary>
    internal string NameText => Text(Name);

    /// <summary>docker's --restart syntax: "no", "always", "unless-stopped", "on-failure" or "on-failure:N".</summary>
    public override string ToString() =>
        Name == RestartPolicyName.OnFailure && MaximumRetryCount > 0 ? $"on-failure:{MaximumRetryCount.ToString(CultureInfo.InvariantCulture)}" : NameText;

    /// <summary>docker's spelling of a policy name.</summary>
    public static string Text(RestartPolicyName name) => name switch
    {
        RestartPolicyName.No => "no",
        RestartPolicyName.Always => "always",
        RestartPolicyName.UnlessStopped => "unless-stopped",
        RestartPolicyName.OnFailure => "on-failure",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// Parse docker's --restart value: "no", "always", "unless-stopped", "on-failure" or "on-failure:N" with N a
    /// non-negative decimal (docker run --restart). Null, empty or blank means "no"; surrounding blanks are ignored;
    /// names are case-sensitive like docker's. Only on-failure takes a count.
    /// </summary>
    public static bool TryParse(string? text, out RestartPolicy policy)
    {
        policy = No;
        string t = string.IsNullOrWhiteSpace(text) ? "no" : text.Trim();
        string[] p = t.Split(':');
        RestartPolicyName? name = p[0] switch
        {
            "no" => RestartPolicyName.No,
            "always" => RestartPolicyName.Always,
            "unless-stopped" => RestartPolicyName.UnlessStopped,
            "on-failure" => RestartPolicyName.OnFailure,
            _ => null,
        };
        if (name is null || p.Length > 2) return false;
        if (p.Length == 1) { policy = new RestartPolicy(name.Value); return true; }
        if (name != RestartPolicyName.OnFailure) return false;
        if (!int.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)) return false;
        policy = new RestartPolicy(RestartPolicyName.OnFailure, n);
        return true;
    }

    /// <summary>The message for a value <see cref="TryParse"/> rejects.</summary>
    public static string InvalidMessage(string? text) =>
        $"Restart policy '{text}' is not one of no, on-failure[:max-retries], always, unless-stopped.";

    /// <summary>
    /// Restart the container after this exit? docker's rules: never after the user stopped it (Stop-Container,
    /// Send-ContainerSignal: the userstop marker); "always" and "unless-stopped" always; "on-failure" when the exit
    /// code is not 0 and fewer than MaximumRetryCount restarts happened (0 = no limit); "no" never.
    /// </summary>
    /// <param name="exitCode">The init process's exit code (128+n for a signal).</param>
    /// <param name="userStopped">The user stopped or killed the container.</param>
    /// <param name="restartCount">How many times the monitor already restarted it.</param>
    public bool ShouldRestart(int exitCode, bool userStopped, int restartCount)
    {
        if (userStopped) return false;
        return Name switch
        {
            RestartPolicyName.Always or RestartPolicyName.UnlessStopped => true,
            RestartPolicyName.OnFailure => exitCode != 0 && (MaximumRetryCount <= 0 || restartCount < MaximumRetryCount),
            _ => false,
        };
    }
}

/// <summary>
/// JSON for <see cref="RestartPolicy"/>: writes {"Name":"on-failure","MaximumRetryCount":3} (docker inspect);
/// reads that object or the older plain string form ("always", "on-failure:3") of container.json records.
/// </summary>
public sealed class RestartPolicyJsonConverter : JsonConverter<RestartPolicy>
{
    public override RestartPolicy Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return RestartPolicy.No;
        if (reader.TokenType == JsonTokenType.String)
        {
            string? s = reader.GetString();
            return RestartPolicy.TryParse(s, out var old) ? old : throw new JsonException(RestartPolicy.InvalidMessage(s));
        }
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("RestartPolicy: expected an object or a string");
        string? name = null;
        int max = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string prop = reader.GetString()!;
            reader.Read();
            if (string.Equals(prop, "Name", StringComparison.OrdinalIgnoreCase))
                name = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString(),
                    _ => throw new JsonException("RestartPolicy.Name: expected a string"),
                };
            else if (string.Equals(prop, "MaximumRetryCount", StringComparison.OrdinalIgnoreCase)) max = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
            else reader.Skip();
        }
        // docker writes "" for no policy
        if (!RestartPolicy.TryParse(name, out var p)) throw new JsonException(RestartPolicy.InvalidMessage(name));
        return p.Name == RestartPolicyName.OnFailure ? p with { MaximumRetryCount = Math.Max(max, 0) } : p;
    }

    public override void Write(Utf8JsonWriter writer, RestartPolicy value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("Name", value.NameText);
        writer.WriteNumber("MaximumRetryCount", value.MaximumRetryCount);
        writer.WriteEndObject();
    }
}
