using PsContainers.Core.Oci;

namespace PsContainers.Core.Images;

/// <summary>
/// What a new image made on top of another one (or on nothing) carries besides its layer, for
/// <see cref="ImageStore.AddImage"/> and <see cref="ImageStore.CommitLayer(PsContainers.FileSystem.SafeFd, ImageCommitSpec, LayerDiffOptions?, PsContainers.Core.Util.IProgressSink, CancellationToken)"/>.
/// The fields follow docker commit's child image (moby image.NewChildImage): the base's layers, diff_ids and history are
/// kept and one history entry is appended.
/// </summary>
public sealed class ImageCommitSpec
{
    /// <summary>The image the new one is made on: its id (the config digest, "sha256:&lt;64 hex&gt;"). Null: no base (scratch).</summary>
    public string? BaseImageId { get; init; }

    /// <summary>The new image's execution defaults (config.md <c>config</c>). Null: the base image's, unchanged (none for scratch).</summary>
    public ImageExecutionConfig? Config { get; init; }

    /// <summary>The image's <c>author</c> and the new history entry's <c>author</c> (docker commit --author). Null: none.</summary>
    public string? Author { get; init; }

    /// <summary>The new history entry's <c>comment</c> (docker commit --message). Null: none.</summary>
    public string? Comment { get; init; }

    /// <summary>The new history entry's <c>created_by</c>: docker commit writes the container's command joined with spaces; a
    /// build step writes its instruction (BuildKit: "RUN /bin/sh -c …"). Null: none.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The image's <c>created</c> time and the history entry's (UTC). Null: now.</summary>
    public DateTime? Created { get; init; }

    /// <summary>Names to point at the new image (name:tag; a reference with a digest becomes a repo digest). Empty: an untagged image.</summary>
    public IReadOnlyList<ImageReference> Tags { get; init; } = [];

    /// <summary>
    /// The manifest media type: <see cref="MediaTypes.DockerManifest"/> or <see cref="MediaTypes.OciManifest"/>. Null: the
    /// base image's, Docker schema 2 without a base (what docker commit and docker import write). The config and the new
    /// layer get the matching media types, and the base's layer descriptors are converted to that family
    /// (<see cref="MediaTypes.LayerInFamily"/>; the blobs stay as they are), as buildah writes an image in the format asked.
    /// </summary>
    public string? ManifestMediaType { get; init; }

    /// <summary>
    /// Keep the new image from removal from the moment it exists, as <see cref="ImageStore.HoldImage"/> does, until this
    /// process gives it up with <see cref="ImageStore.ReleaseImages"/> (a build holds each step's nameless image until
    /// the build ends). False: the image is an ordinary one at once.
    /// </summary>
    public bool Hold { get; init; }
}
