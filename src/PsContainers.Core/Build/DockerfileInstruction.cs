namespace PsContainers.Core.Build;

/// <summary>
/// One instruction of a Dockerfile as parsed (moby/buildkit frontend/dockerfile/instructions): its keyword, where it
/// is, the text as written, its <c>--flag</c>s and heredocs, and (in the derived types) its typed arguments. Arguments
/// are kept as written (quotes, escapes and <c>$variables</c> unprocessed) until <see cref="Expand"/> processes the
/// words of the instructions the builder expands (ADD, COPY, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR,
/// the ARG defaults, FROM's image and --platform, and RUN's --mount values); RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK,
/// MAINTAINER and ONBUILD are never expanded by the builder (the container's shell does it).
/// </summary>
public abstract record DockerfileInstruction
{
    /// <summary>The instruction keyword, upper case ("RUN").</summary>
    public abstract string Keyword { get; }
    /// <summary>The file name given to the parser ("Dockerfile"), for messages.</summary>
    public string FileName { get; init; } = "Dockerfile";
    /// <summary>The 1-based line the instruction starts on.</summary>
    public int Line { get; init; }
    /// <summary>The 1-based last line (continuation lines and heredoc bodies included).</summary>
    public int EndLine { get; init; }
    /// <summary>
    /// The instruction as written, on one line: continuation characters, comment lines and empty lines inside the
    /// continuation removed, the lines joined as BuildKit joins them (leading whitespace of continuation lines kept),
    /// heredoc bodies not included. This is BuildKit's <c>Node.Original</c>.
    /// </summary>
    public string Original { get; init; } = "";
    /// <summary>The <c>--name[=value]</c> flags as written after the keyword, in order, quotes removed, values not expanded.</summary>
    public IReadOnlyList<DockerfileFlag> Flags { get; init; } = [];
    /// <summary>The heredocs of a RUN, COPY or ADD (<c>&lt;&lt;EOF</c>), in the order their markers appear.</summary>
    public IReadOnlyList<DockerfileHeredoc> Heredocs { get; init; } = [];
    /// <summary>The file's escape character (<c>\</c>, or <c>`</c> after <c># escape=`</c>).</summary>
    public char Escape { get; init; } = '\\';
    /// <summary>True once <see cref="Expand"/> has processed the words (a second Expand returns the instance as is).</summary>
    public bool IsExpanded { get; init; }

    /// <summary>"file:line", the prefix of this instruction's error messages.</summary>
    public string Location => $"{FileName}:{Line}";

    /// <summary>Whether the builder substitutes variables in this instruction (see the type's summary).</summary>
    public virtual bool ExpandsVariables => false;

    /// <summary>
    /// The instruction with its words processed by <see cref="ShellWordExpander"/> with <paramref name="env"/>
    /// (variables substituted, quotes and escapes removed); the instruction itself when it is not expanded by the
    /// builder or is already expanded.
    /// </summary>
    /// <param name="env">The variables in scope: the stage's ENV values, and the ARG values in scope (ENV wins).</param>
    /// <param name="used">Receives the names of the variables the instruction referenced that were set, when given.</param>
    /// <exception cref="PscException">DockerfileExpansion, message "file:line: …": a bad substitution or a
    /// <c>${V:?msg}</c> on an unset V.</exception>
    public DockerfileInstruction Expand(IReadOnlyDictionary<string, string> env, ISet<string>? used = null)
    {
        if (IsExpanded || !ExpandsVariables) return this;
        var lex = new ShellWordExpander(Escape);
        var raw = new ShellWordExpander('\\') { SkipProcessQuotes = true };
        try
        {
            return ExpandCore(new DockerfileWordExpansion(w => lex.ProcessWord(w, env, used), w => lex.ProcessWords(w, env, used),
                w => raw.ProcessWord(w, env, used))) with { IsExpanded = true };
        }
        catch (PscException e) when (e.ErrorId == ErrorIds.DockerfileExpansion)
        {
            throw new PscException(e.ErrorId, e.Category, $"{Location}: {e.Message}", e.Target, e);
        }
    }

    /// <summary>The instruction with its words processed by <paramref name="expansion"/>.</summary>
    protected virtual DockerfileInstruction ExpandCore(DockerfileWordExpansion expansion) => this;

    /// <summary>The value of the last <c>--name</c> flag (a flag without a value gives ""), or null when absent.</summary>
    public string? Flag(string name) => Flags.LastOrDefault(f => f.Name == name)?.Value ?? (Flags.Any(f => f.Name == name) ? "" : null);

    /// <summary>The values of every <c>--name</c> flag, in order (for the repeatable --mount and --exclude).</summary>
    public IReadOnlyList<string> FlagValues(string name) => Flags.Where(f => f.Name == name).Select(f => f.Value ?? "").ToList();

    /// <summary><see cref="Original"/>.</summary>
    public sealed override string ToString() => Original;
}
