using PsContainers.FileSystem;

namespace PsContainers.Core.Build;

/// <summary>
/// Where a COPY or ADD reads from: the build context (a host directory, filtered by its .dockerignore) or the root
/// file system of another stage or image (<c>--from</c>). Every source path is resolved inside <see cref="Root"/>
/// with the one secure join (<see cref="RootedPath"/>: a leading "/" and ".." are clamped to the root, a symlink is
/// followed only inside it), as BuildKit clamps COPY sources to the context.
/// </summary>
public sealed class BuildCopySource : IDisposable
{
    private BuildCopySource(RootedPath root, bool isContext, Func<string, bool>? excluded, BuildContentHashes? contentHashes = null)
    {
        Root = root;
        IsContext = isContext;
        Excluded = excluded;
        ContentHashes = contentHashes;
    }

    /// <summary>
    /// The remembered content hashes of the context's files (<see cref="BuildContentHashes"/>), used by
    /// <see cref="BuildCopier.ComputeDigest"/> instead of reading an unchanged file again; null: every file is read.
    /// </summary>
    public BuildContentHashes? ContentHashes { get; }

    /// <summary>The directory sources are resolved in.</summary>
    public RootedPath Root { get; }

    /// <summary>
    /// True for the build context: copied files belong to root (UID/GID 0) unless <c>--chown</c> says otherwise
    /// (Dockerfile reference, COPY). False for a stage or image: owners are kept, as BuildKit does for <c>--from</c>.
    /// </summary>
    public bool IsContext { get; }

    /// <summary>
    /// The .dockerignore decision for a context-relative path ("dir/file", no leading slash): true = not sent to the
    /// build, so never copied. Null: nothing is excluded.
    /// </summary>
    public Func<string, bool>? Excluded { get; }

    /// <summary>The build context at <paramref name="contextDirectory"/> (a host directory the user named).</summary>
    /// <param name="contextDirectory">The context root.</param>
    /// <param name="excluded">The ignore matcher's decision for a context-relative path, or null.</param>
    /// <param name="contentHashes">Remembered content hashes of the context's files, or null (every file is read).</param>
    /// <exception cref="FsException">The directory cannot be opened.</exception>
    public static BuildCopySource Context(string contextDirectory, Func<string, bool>? excluded, BuildContentHashes? contentHashes = null) =>
        new(RootedPath.Open(Path.GetFullPath(contextDirectory)), isContext: true, excluded, contentHashes);

    /// <summary>The root file system of a stage or image, mounted by the builder at <paramref name="rootfs"/>.</summary>
    /// <exception cref="FsException">The directory cannot be opened.</exception>
    public static BuildCopySource Rootfs(string rootfs) => new(RootedPath.Open(rootfs), isContext: false, null);

    /// <inheritdoc/>
    public void Dispose() => Root.Dispose();
}
