using System.Text.Json;
using System.Text.Json.Serialization;
using PsContainers.Core.Oci;

namespace PsContainers.Core.Images;

/// <summary>The repositories index (repositories.json): which images exist and what names point at them.</summary>
internal sealed class RepositoryIndex
{
    public int Version { get; set; } = 1;
    /// <summary>Image ids (config digests) that are visible, in commit order.</summary>
    public List<string> Images { get; set; } = new();
    /// <summary>Full name:tag → image id.</summary>
    public SortedDictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);
}
