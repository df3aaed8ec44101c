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
    /// Dockerfile metadata instructions applied to the new image's config, in order (docker commit --change): CMD,
    /// ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, SHELL, STOPSIGNAL, USER, VOLUME, WORKDIR, one per
    /// string, e.g. <c>CMD ["nginx","-g","daemon off;"]</c> or <c>ENV A=1 B=2</c>. Parsed with
    /// <see cref="Build.DockerfileParser.ParseInstruction(string)"/> and applied with <see cref="Build.ImageConfigEditor"/>
    /// (BuildKit's semantics: a shell form uses the config's SHELL, an ENTRYPOINT clears a CMD not given in the same
    /// changes); no history entry of their own. Empty: none.
    /// </summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>
    /// A last edit of the new image's execution config, after <see cref="Changes"/>: given the config made from the
    /// container, returns the one to store. Null: none.
    /// </summary>
    public Func<Oci.ImageExecutionConfig, Oci.ImageExecutionConfig>? EditConfig { get; init; }

    /// <summary>The image's <c>created</c> time and its history entry's. Null: now.</summary>
    public DateTime? Created { get; init; }
}
