using System.Text.Json;
using System.Text.Json.Serialization;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Images;

/// <summary>Metadata of an unpacked layer (layers/&lt;chain-hex&gt;/layer.json).</summary>
internal sealed class LayerRecord
{
    public string ChainId { get; set; } = "";
    public string DiffId { get; set; } = "";
    public string? Parent { get; set; }
    public long Size { get; set; }
    public long UncompressedBytes { get; set; }
}
