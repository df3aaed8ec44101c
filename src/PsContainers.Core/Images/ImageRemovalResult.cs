namespace PsContainers.Core.Images;

/// <summary>What a removal did: names untagged and image ids deleted (docker rmi's "Untagged:"/"Deleted:").</summary>
public sealed class ImageRemovalResult
{
    public List<string> Untagged { get; } = new();
    public List<string> Deleted { get; } = new();
}
