using PsContainers.Core.Images;

namespace PsContainers.Core.Containers;

/// <summary>What <see cref="ContainerManager.Commit"/> makes of a container (docker commit's options).</summary>
public sealed class ContainerCommitOptions
{
    /// <summary>Names for the new image (repository:tag). Empty: an untagged (dangling) image, as docker commit without a name.</summary>
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];

    /// <summary>The history entry's <c>comment</c> (docker commit --message). Null: none.</summary>
    public string? Comment { get; init; }

    /// <summary>The image's <c>author</c> (docker commit --author, e.g. "Ann &lt;ann@example.com&gt;"). Null: none.</summary>
    public string? Author { get; init; }

    /// <summary>
    /// True (the default, as docker commit --pause): a running container is frozen while its changes are read, so the
    /// layer is one consistent moment, and thawed afterwards; a paused container stays paused. False: read while it runs
    /// (a file that changes meanwhile fails the commit with LayerDiffChanged).
    /// </summary>
    public bool Pause { get; init; } = true;

    /// <summary>
    /// A last edit of the new image's execution config (the -Change instructions): given the config made from the
    /// container, returns the one to store. Null: none.
    /// </summary>
    public Func<Oci.ImageExecutionConfig, Oci.ImageExecutionConfig>? EditConfig { get; init; }

    /// <summary>The image's <c>created</c> time and its history entry's. Null: now.</summary>
    public DateTime? Created { get; init; }
}
