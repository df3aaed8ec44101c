namespace PsContainers.Core.Build;

/// <summary>One COPY or ADD after variable expansion (Dockerfile reference, COPY and ADD).</summary>
public sealed record BuildCopyOptions
{
    /// <summary>
    /// The source paths, relative to the source root (a leading "/" is the same as none); Go filepath.Match wildcards
    /// (<c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>\</c> escapes) per component.
    /// </summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>
    /// The destination in the stage's root: absolute, or relative to <see cref="WorkingDirectory"/>. A trailing "/"
    /// makes it a directory (a file source lands inside it); without one a single file source gets exactly this name
    /// unless a directory of that name exists.
    /// </summary>
    public string Destination { get; init; } = "";

    /// <summary>The stage's WORKDIR (absolute), the base of a relative <see cref="Destination"/>.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary>
    /// <c>--chown=user[:group]</c>: names are looked up in the destination root's /etc/passwd and /etc/group, numbers
    /// are taken as they are; a user without a group gives GID = UID (Dockerfile reference). Null: root for the
    /// context, the source owner for a stage or image.
    /// </summary>
    public string? Chown { get; init; }

    /// <summary><c>--chmod=OCTAL</c> (e.g. "755", "0640"): the permission bits of every copied file and directory. Null: the source's.</summary>
    public string? Chmod { get; init; }

    /// <summary>ADD: a local tar (plain, gzip or zstd, recognised by its content) is extracted into the destination directory.</summary>
    public bool IsAdd { get; init; }

    /// <summary>The instruction for messages ("Dockerfile:12").</summary>
    public string Where { get; init; } = "";
}
