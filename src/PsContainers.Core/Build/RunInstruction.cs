namespace PsContainers.Core.Build;

/// <summary>
/// <c>RUN [--mount=…] [--network=default|none|host] [--security=insecure|sandbox] command</c>. The command is not
/// expanded by the builder; the --mount values are. A heredoc RUN (<c>RUN &lt;&lt;EOF</c>) has its bodies in
/// <see cref="DockerfileInstruction.Heredocs"/> and the marker line in the shell text.
/// </summary>
public sealed record RunInstruction : DockerfileInstruction
{
    public override string Keyword => "RUN";
    public override bool ExpandsVariables => Mounts.Count > 0;
    /// <summary>The command (shell or exec form).</summary>
    public DockerfileCommandLine CommandLine { get; init; } = new(false, [""]);
    /// <summary>The --mount values ("type=cache,target=/root/.cache"), in order.</summary>
    public IReadOnlyList<string> Mounts { get; init; } = [];
    /// <summary>The --network value, or null.</summary>
    public string? Network { get; init; }
    /// <summary>The --security value, or null.</summary>
    public string? Security { get; init; }

    /// <summary>
    /// The single heredoc a RUN consists of when its body starts with "#!" (<c>RUN &lt;&lt;EOF</c> + <c>#!/usr/bin/env python3</c>…):
    /// BuildKit writes that body as an executable file (mode 0755) at <c>/dev/pipes/&lt;name&gt;</c> (read-only mount)
    /// and runs it; null otherwise. <see cref="ToArgv"/> already names that path.
    /// </summary>
    public DockerfileHeredoc? ScriptHeredoc =>
        Heredocs.Count > 0 && !CommandLine.IsExecForm && IsLoneMarker(CommandLine.ShellText!) && Heredocs[0].Content.StartsWith("#!", StringComparison.Ordinal)
            ? Heredocs[0] : null;

    /// <summary>
    /// The argv this RUN executes (BuildKit dispatchRun): the exec form as is; the shell form as
    /// <paramref name="shell"/> (null or empty: ["/bin/sh","-c"]) + the text. With heredocs: a RUN that is only
    /// <c>&lt;&lt;EOF</c> runs the body as the shell's script (or <c>/dev/pipes/EOF</c> for a "#!" body, see
    /// <see cref="ScriptHeredoc"/>); otherwise the command line, then for each heredoc "\n" + body + delimiter, is given
    /// to the shell, which reads the heredocs itself.
    /// </summary>
    public IReadOnlyList<string> ToArgv(IReadOnlyList<string>? shell)
    {
        if (CommandLine.IsExecForm || Heredocs.Count == 0) return CommandLine.ToArgv(shell);
        string text = CommandLine.ShellText!;
        if (IsLoneMarker(text))
            text = ScriptHeredoc is { } script ? "/dev/pipes/" + script.Name : Heredocs[0].Content;
        else
        {
            var b = new System.Text.StringBuilder(text);
            foreach (var h in Heredocs) b.Append('\n').Append(h.Content).Append(h.Name);
            text = b.ToString();
        }
        return new DockerfileCommandLine(false, [text]).ToArgv(shell);
    }

    private static bool IsLoneMarker(string text) => System.Text.RegularExpressions.Regex.IsMatch(text, @"^\d*<<-?\s*[^<\s]*$");

    protected override DockerfileInstruction ExpandCore(DockerfileWordExpansion x) =>
        this with { Mounts = Mounts.Select(x.Word).ToList() };
}
