using System.Text.Json.Serialization;

namespace PsContainers.Core.Build;

/// <summary>
/// One build cache entry as its file holds it (<c>storage/build-cache/&lt;key hex&gt;.json</c>, one JSON object, camelCase):
/// <code>{"key":"sha256:…","imageId":"sha256:…","createdBy":"RUN …","created":"2026-05-01T10:00:00.1234567Z","lastUsed":"…"}</code>
/// The times are UTC in ISO 8601 (the round-trip form, "O"; older files carry all seven fraction digits, newer ones drop
/// trailing zeros: both read). Every member may be missing from a damaged file: <see cref="BuildCache"/> then ignores the
/// entry. <see cref="BuildCacheEntry"/> is what callers see (with whether its image is still in the store).
/// </summary>
internal sealed record BuildCacheRecord
{
    /// <summary>The step's cache key ("sha256:…", <see cref="BuildCacheKey"/>).</summary>
    public string? Key { get; init; }
    /// <summary>The image id ("sha256:…") the step produced.</summary>
    public string? ImageId { get; init; }
    /// <summary>The step as the image history records it (created_by).</summary>
    public string? CreatedBy { get; init; }
    /// <summary>When the entry was recorded (UTC).</summary>
    public DateTime? Created { get; init; }
    /// <summary>When a build last reused the entry (UTC).</summary>
    public DateTime? LastUsed { get; init; }
}

/// <summary>The build cache's JSON (System.Text.Json source generation: no reflection): <see cref="BuildCacheRecord"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = false)]
[JsonSerializable(typeof(BuildCacheRecord))]
internal sealed partial class BuildCacheJsonContext : JsonSerializerContext
{
}
