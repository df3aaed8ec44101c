namespace PsContainers.Core.Build;

/// <summary>
/// The command of a RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD: the exec form (the argument was a valid JSON array of
/// strings, run as is) or the shell form (any other text, run by the SHELL). As BuildKit's parseMaybeJSON: text that
/// is not a JSON array, including <c>['a']</c> with single quotes, is shell form.
/// </summary>
/// <param name="IsExecForm">True for the JSON (exec) form.</param>
/// <param name="Arguments">Exec form: the argv; shell form: one element, the command text as written (continuations joined).</param>
public sealed record DockerfileCommandLine(bool IsExecForm, IReadOnlyList<string> Arguments)
{
    /// <summary>The default shell for shell forms (Linux): ["/bin/sh","-c"].</summary>
    public static readonly IReadOnlyList<string> DefaultShell = ["/bin/sh", "-c"];

    /// <summary>The shell form's text, or null for the exec form.</summary>
    public string? ShellText => IsExecForm ? null : Arguments.Count > 0 ? Arguments[0] : "";

    /// <summary>
    /// The argv to run or store: the exec form's arguments, or <paramref name="shell"/> (null or empty:
    /// <see cref="DefaultShell"/>) followed by the shell text (BuildKit withShell).
    /// </summary>
    public IReadOnlyList<string> ToArgv(IReadOnlyList<string>? shell) =>
        IsExecForm ? Arguments : [.. (shell is { Count: > 0 } ? shell : DefaultShell), .. Arguments];
}
