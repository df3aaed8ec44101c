using System.Security.Cryptography;
using System.Text;

namespace PsContainers.Core.Containers;

/// <summary>
/// An unpacked root filesystem directory used as a one-layer image: "-Image /path/to/rootfs". Its id is
/// the sha256 of the path, its default command /bin/sh.
/// </summary>
public sealed class DirectoryImageResolver : IContainerImageResolver
{
    public ResolvedImage? Resolve(string nameOrId)
    {
        if (!Path.IsPathRooted(nameOrId) || !Directory.Exists(nameOrId)) return null;
        string full = Path.GetFullPath(nameOrId).TrimEnd('/');
        return new ResolvedImage
        {
            Id = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full))),
            Name = full,
            Cmd = ["/bin/sh"],
            LayerPaths = [full],
        };
    }

    public ResolvedImage? ResolveById(string imageId) => null;
}
