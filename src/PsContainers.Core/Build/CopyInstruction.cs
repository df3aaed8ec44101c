namespace PsContainers.Core.Build;

/// <summary>
/// <c>COPY [--from=…] [--chown=u[:g]] [--chmod=perms] [--link] [--parents] [--exclude=pat]… src… dest</c> (and the
/// base of <see cref="AddInstruction"/>). Sources and destination are words as written until expanded; a heredoc
/// source (<c>COPY &lt;&lt;EOF /f</c>) is in <see cref="InlineSources"/>, not in <see cref="Sources"/>.
/// </summary>
public record CopyInstruction : DockerfileInstruction
{
    public override string Keyword => "COPY";
    public override bool ExpandsVariables => true;
    /// <summary>The source paths (context-relative, or absolute in the --from stage/image), wildcards as written.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
    /// <summary>Heredoc sources: Name is the file name, Content the bytes to write (expanded by the executor when Expand).</summary>
    public IReadOnlyList<DockerfileHeredoc> InlineSources { get; init; } = [];
    /// <summary>The destination; a trailing '/' means a directory; relative to WORKDIR.</summary>
    public string Destination { get; init; } = "";
    /// <summary>The arguments were written as a JSON array (<c>COPY ["a b","/d/"]</c>).</summary>
    public bool IsJsonForm { get; init; }
    /// <summary>--from: a stage name or index, an image reference, or a named context; null when absent.</summary>
    public string? From { get; init; }
    /// <summary>--chown: "user", "user:group", "uid:gid"; null when absent.</summary>
    public string? Chown { get; init; }
    /// <summary>--chmod: octal ("0755") or symbolic ("u+x"); null when absent.</summary>
    public string? Chmod { get; init; }
    /// <summary>--link.</summary>
    public bool Link { get; init; }
    /// <summary>--parents (keep the sources' parent directories).</summary>
    public bool Parents { get; init; }
    /// <summary>--exclude patterns, in order.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        ExpandCopy(x);

    /// <summary>
    /// The copy fields expanded (the sources one by one, not split: <c>COPY $A /d</c> with A="x y" is one source "x y"),
    /// and the bodies of heredoc sources whose delimiter was not quoted (variables only, quotes kept).
    /// </summary>
    protected CopyInstruction ExpandCopy(DockerfileWordExpansion x) => this with
    {
        InlineSources = InlineSources.Select(h => h.Expand ? h with { Content = x.Raw(h.Content) } : h).ToList(),
        Sources = Sources.Select(x.Word).ToList(),
        Destination = x.Word(Destination),
        From = From is null ? null : x.Word(From),
        Chown = Chown is null ? null : x.Word(Chown),
        Chmod = Chmod is null ? null : x.Word(Chmod),
        Excludes = Excludes.Select(x.Word).ToList(),
    };
}
