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
