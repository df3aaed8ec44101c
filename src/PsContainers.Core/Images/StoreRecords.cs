using System.Text.Json;
using System.Text.Json.Serialization;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Images;

/// <summary>The stored record of one image (images/&lt;id-hex&gt;.json).</summary>
internal sealed class ImageRecord
{
    public string Id { get; set; } = "";
    public string ManifestDigest { get; set; } = "";
    public string ManifestMediaType { get; set; } = "";
    /// <summary>The config descriptor of the manifest, as in the manifest (OCI descriptor.md).</summary>
    public Descriptor Config { get; set; } = new();
    /// <summary>The layer descriptors of the manifest, base layer first.</summary>
    public List<Descriptor> Layers { get; set; } = new();
    public List<string> DiffIds { get; set; } = new();
    public List<string> ChainIds { get; set; } = new();
    public long Size { get; set; }
    /// <summary>Full name@digest references.</summary>
    public List<string> RepoDigests { get; set; } = new();
    public DateTime Loaded { get; set; }
}

/// <summary>The repositories index (repositories.json): which images exist and what names point at them.</summary>
internal sealed class RepositoryIndex
{
    public int Version { get; set; } = 1;
    /// <summary>Image ids (config digests) that are visible, in commit order.</summary>
    public List<string> Images { get; set; } = new();
    /// <summary>Full name:tag → image id.</summary>
    public SortedDictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Metadata of an unpacked layer (layers/&lt;chain-hex&gt;/layer.json).</summary>
internal sealed class LayerRecord
{
    public string ChainId { get; set; } = "";
    public string DiffId { get; set; } = "";
    public string? Parent { get; set; }
    public long Size { get; set; }
    public long UncompressedBytes { get; set; }
}

internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
    public static T? Deserialize<T>(byte[] data) => JsonSerializer.Deserialize<T>(data, Options);
}
